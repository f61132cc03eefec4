/// A canonical Huffman code for DEFLATE, built from code lengths and decoded through a table.
///
/// Codes of up to `fastBits` bits resolve with one lookup of the next `fastBits` input bits;
/// longer codes (rare: they belong to rare symbols) fall back to a bit-by-bit canonical walk
/// over `counts`/`symbols`, so the table stays small enough to rebuild for every dynamic block.
struct Huffman {
  static let fastBits = 10
  static let maxBits = 15

  /// Indexed by the next `fastBits` input bits (LSB first): `symbol << 4 | length`,
  /// or 0 when the code is longer than `fastBits` or does not exist.
  var fast: [UInt16]
  /// `counts[n]` = number of codes of length n.
  var counts: [UInt16]
  /// Symbols ordered by (length, symbol value), i.e. by canonical code.
  var symbols: [UInt16]

  /// Builds the code; `kind` names it in errors ("literal/length", "distance", "code length").
  ///
  /// Over-subscribed sets are always rejected. Incomplete sets are rejected except where zlib
  /// accepts them: no codes at all, or a single code of length 1 (a stream with one distance);
  /// the code-length code must always be complete.
  init(lengths: ArraySlice<UInt8>, kind: String, allowIncomplete: Bool) throws {
    var counts = [UInt16](repeating: 0, count: Huffman.maxBits + 1)
    for l in lengths { counts[Int(l)] += 1 }
    counts[0] = 0
    var left = 1
    var maxLength = 0
    for len in 1...Huffman.maxBits {
      left = (left << 1) - Int(counts[len])
      if left < 0 { throw FormatError("deflate", "over-subscribed \(kind) code") }
      if counts[len] > 0 { maxLength = len }
    }
    if left > 0 && maxLength > 0 && !(allowIncomplete && maxLength == 1) {
      throw FormatError("deflate", "incomplete \(kind) code")
    }

    // Sort symbols by length (stable, so by symbol within a length): canonical order.
    var offsets = [Int](repeating: 0, count: Huffman.maxBits + 2)
    for len in 1...Huffman.maxBits { offsets[len + 1] = offsets[len] + Int(counts[len]) }
    var symbols = [UInt16](repeating: 0, count: offsets[Huffman.maxBits + 1])
    var fast = [UInt16](repeating: 0, count: 1 << Huffman.fastBits)
    var nextCode = [Int](repeating: 0, count: Huffman.maxBits + 1)
    var code = 0
    for len in 1...Huffman.maxBits {
      code = (code + Int(counts[len - 1])) << 1
      nextCode[len] = code
    }
    for (i, l) in lengths.enumerated() where l > 0 {
      let len = Int(l)
      symbols[offsets[len]] = UInt16(i)
      offsets[len] += 1
      let c = nextCode[len]
      nextCode[len] += 1
      guard len <= Huffman.fastBits else { continue }
      // DEFLATE sends Huffman codes most-significant bit first, but we read LSB first.
      var reversed = 0
      for b in 0..<len where c & (1 << b) != 0 { reversed |= 1 << (len - 1 - b) }
      let entry = UInt16(i << 4 | len)
      var slot = reversed
      while slot < fast.count {
        fast[slot] = entry
        slot += 1 << len
      }
    }
    self.fast = fast
    self.counts = counts
    self.symbols = symbols
  }

  /// Decodes one symbol from `bits` (LSB = next input bit): (symbol, code length), or nil when
  /// the bits start no code. The caller checks that `length` bits were really available.
  @inline(__always)
  func decode(_ bits: UInt64) -> (symbol: Int, length: Int)? {
    let entry = fast[Int(bits & UInt64((1 << Huffman.fastBits) - 1))]
    if entry != 0 { return (Int(entry >> 4), Int(entry & 15)) }
    return decodeSlow(bits)
  }

  /// Canonical decoding one bit at a time (as in zlib's puff.c).
  private func decodeSlow(_ bits: UInt64) -> (symbol: Int, length: Int)? {
    var code = 0, first = 0, index = 0
    for len in 1...Huffman.maxBits {
      code |= Int((bits >> UInt64(len - 1)) & 1)
      let count = Int(counts[len])
      if code - first < count { return (Int(symbols[index + code - first]), len) }
      index += count
      first = (first + count) << 1
      code <<= 1
    }
    return nil
  }

  /// The fixed codes of block type 1 (RFC 1951 section 3.2.6). The distance code gets all
  /// 32 five-bit slots so it is complete; symbols 30 and 31 are rejected when decoded.
  static let fixedLiteral: Huffman = {
    var lengths = [UInt8](repeating: 8, count: 288)
    for i in 144..<256 { lengths[i] = 9 }
    for i in 256..<280 { lengths[i] = 7 }
    // Cannot fail: these lengths form a complete code.
    return try! Huffman(lengths: lengths[...], kind: "fixed literal/length", allowIncomplete: false)
  }()
  static let fixedDistance: Huffman = {
    let lengths = [UInt8](repeating: 5, count: 32)
    return try! Huffman(lengths: lengths[...], kind: "fixed distance", allowIncomplete: false)
  }()
}
