/// The state of one DEFLATE decode: an LSB-first bit reader over the input and the output,
/// which doubles as the LZ77 window (matches copy from bytes already produced).
///
/// Works on raw pointers because this is the hot loop behind every zip entry and PNG;
/// every index derived from the input is checked before it is used.
struct Inflater {
  let input: UnsafeBufferPointer<UInt8>
  /// Next input byte not yet loaded into `bitBuf`.
  var pos = 0
  /// Pending input bits, next bit in bit 0. Bits above `bitCount` are either zero or
  /// copies of input bytes at `pos...`, so peeking past `bitCount` is harmless.
  var bitBuf: UInt64 = 0
  var bitCount = 0

  var out: UnsafeMutablePointer<UInt8>
  var capacity: Int
  var count = 0
  let limit: Int
  /// Whether `limit` is the caller's expected size (changes only the error wording).
  let limitIsExpected: Bool

  init(input: UnsafeBufferPointer<UInt8>, limit: Int, limitIsExpected: Bool, initialCapacity: Int) {
    self.input = input
    self.limit = max(0, limit)
    self.limitIsExpected = limitIsExpected
    capacity = max(1, min(initialCapacity, self.limit))
    out = .allocate(capacity: capacity)
  }

  /// Input bytes used so far; a partly used byte counts as used.
  var consumedBytes: Int { pos - bitCount / 8 }
  /// The input byte holding the next unread bit, for error messages.
  var bytePosition: Int { (pos * 8 - bitCount) / 8 }

  /// Decodes blocks until the one marked final.
  mutating func run() throws {
    var final = false
    while !final {
      final = try bits(1) == 1
      switch try bits(2) {
      case 0: try storedBlock()
      case 1: try codes(Huffman.fixedLiteral, Huffman.fixedDistance)
      case 2:
        let (literal, distance) = try dynamicTables()
        try codes(literal, distance)
      default: throw FormatError("deflate", "invalid block type 3 at byte \(bytePosition)")
      }
    }
  }

  // MARK: - Bit reading

  /// Tops `bitBuf` up to at least 56 bits when the input allows.
  @inline(__always)
  mutating func refill() {
    if pos + 8 <= input.count {
      // Branch-free refill: load 8 bytes, keep the whole ones that fit (see "Reading bits
      // in far too many ways", variant 4). Partial bits above bitCount are re-OR'd identically later.
      let word = UnsafeRawBufferPointer(input).loadUnaligned(fromByteOffset: pos, as: UInt64.self)
      bitBuf |= UInt64(littleEndian: word) << UInt64(bitCount)
      pos += (63 - bitCount) >> 3
      bitCount |= 56
    } else {
      while bitCount <= 56 && pos < input.count {
        bitBuf |= UInt64(input[pos]) << UInt64(bitCount)
        pos += 1
        bitCount += 8
      }
    }
  }

  /// Reads `n` (at most 16) bits as an LSB-first number.
  @inline(__always)
  mutating func bits(_ n: Int) throws -> Int {
    if bitCount < n {
      refill()
      if bitCount < n { throw truncated() }
    }
    let v = Int(bitBuf & ((1 << UInt64(n)) - 1))
    bitBuf >>= UInt64(n)
    bitCount -= n
    return v
  }

  /// Reads one Huffman-coded symbol.
  @inline(__always)
  mutating func symbol(_ code: Huffman, _ kind: String) throws -> Int {
    if bitCount < Huffman.maxBits { refill() }
    guard let (sym, len) = code.decode(bitBuf) else {
      if bitCount < Huffman.maxBits { throw truncated() }
      throw FormatError("deflate", "invalid \(kind) code at byte \(bytePosition)")
    }
    guard len <= bitCount else { throw truncated() }
    bitBuf >>= UInt64(len)
    bitCount -= len
    return sym
  }

  func truncated() -> FormatError {
    FormatError("deflate", "truncated input: stream ends at byte \(input.count) before its final block does")
  }

  // MARK: - Output

  /// Makes room for `extra` more output bytes, enforcing the output limit.
  mutating func grow(_ extra: Int) throws {
    let needed = count + extra
    guard needed <= limit else {
      throw FormatError("deflate", limitIsExpected
        ? "output is larger than the expected \(limit) bytes (at input byte \(bytePosition))"
        : "output exceeds the limit of \(limit) bytes (at input byte \(bytePosition))")
    }
    var newCapacity = capacity
    while newCapacity < needed { newCapacity = newCapacity > limit / 2 ? limit : newCapacity * 2 }
    let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    bigger.update(from: out, count: count)
    out.deallocate()
    out = bigger
    capacity = newCapacity
  }
}
