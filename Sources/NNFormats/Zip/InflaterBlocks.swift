/// Block decoding for `Inflater`: stored blocks, Huffman-coded blocks and dynamic code tables.
extension Inflater {
  static let lengthBase: [Int] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
    131, 163, 195, 227, 258,
  ]
  static let lengthExtra: [Int] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
  ]
  static let distanceBase: [Int] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
  ]
  static let distanceExtra: [Int] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
  ]
  /// The order in which code-length code lengths are sent (RFC 1951 section 3.2.7).
  static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

  /// Block type 0: realign to a byte, LEN and its complement NLEN, then LEN raw bytes.
  mutating func storedBlock() throws {
    // Drop the partial byte, then give whole buffered bytes back to the input.
    bitCount -= bitCount & 7
    pos -= bitCount / 8
    bitBuf = 0
    bitCount = 0
    guard pos + 4 <= input.count else { throw truncated() }
    let len = Int(input[pos]) | Int(input[pos + 1]) << 8
    let nlen = Int(input[pos + 2]) | Int(input[pos + 3]) << 8
    guard len == ~nlen & 0xFFFF else {
      throw FormatError("deflate", "stored block length \(len) does not match its complement at byte \(pos)")
    }
    pos += 4
    guard len <= input.count - pos else { throw truncated() }
    if count + len > capacity { try grow(len) }
    if len > 0, let src = input.baseAddress { (out + count).update(from: src + pos, count: len) }
    count += len
    pos += len
  }

  /// Block types 1 and 2: literals and (length, distance) matches until end-of-block.
  mutating func codes(_ literal: Huffman, _ distance: Huffman) throws {
    let lengthBase = Inflater.lengthBase, lengthExtra = Inflater.lengthExtra
    let distanceBase = Inflater.distanceBase, distanceExtra = Inflater.distanceExtra
    while true {
      let sym = try symbol(literal, "literal/length")
      if sym < 256 {
        if count == capacity { try grow(1) }
        out[count] = UInt8(truncatingIfNeeded: sym)
        count += 1
        continue
      }
      if sym == 256 { return }
      let li = sym - 257
      guard li < 29 else {
        throw FormatError("deflate", "invalid literal/length symbol \(sym) at byte \(bytePosition)")
      }
      let length = lengthBase[li] + (try bits(lengthExtra[li]))
      let dsym = try symbol(distance, "distance")
      guard dsym < 30 else {
        throw FormatError("deflate", "invalid distance symbol \(dsym) at byte \(bytePosition)")
      }
      let dist = distanceBase[dsym] + (try bits(distanceExtra[dsym]))
      guard dist <= count else {
        throw FormatError("deflate",
          "distance \(dist) too far back: only \(count) bytes output so far (at input byte \(bytePosition))")
      }
      if count + length > capacity { try grow(length) }
      let dst = out + count, src = out + (count - dist)
      if dist >= length {
        dst.update(from: src, count: length)
      } else {
        // Overlapping match (a run): byte by byte so freshly copied bytes are reused.
        for i in 0..<length { dst[i] = src[i] }
      }
      count += length
    }
  }

  /// Block type 2 header: the code-length code, then the literal/length and distance codes.
  mutating func dynamicTables() throws -> (Huffman, Huffman) {
    let start = bytePosition
    let hlit = try bits(5) + 257, hdist = try bits(5) + 1, hclen = try bits(4) + 4
    guard hlit <= 286, hdist <= 30 else {
      throw FormatError("deflate",
        "dynamic block at byte \(start) declares \(hlit) literal/length and \(hdist) distance codes (at most 286 and 30)")
    }
    do {
      var clLengths = [UInt8](repeating: 0, count: 19)
      for i in 0..<hclen { clLengths[Inflater.codeLengthOrder[i]] = UInt8(try bits(3)) }
      let cl = try Huffman(lengths: clLengths[...], kind: "code length", allowIncomplete: false)

      var lengths = [UInt8](repeating: 0, count: hlit + hdist)
      var i = 0
      while i < lengths.count {
        let sym = try symbol(cl, "code length")
        if sym < 16 {
          lengths[i] = UInt8(sym)
          i += 1
          continue
        }
        var value: UInt8 = 0
        let repeatCount: Int
        switch sym {
        case 16:
          guard i > 0 else { throw FormatError("deflate", "code length repeat with no previous length") }
          value = lengths[i - 1]
          repeatCount = 3 + (try bits(2))
        case 17: repeatCount = 3 + (try bits(3))
        default: repeatCount = 11 + (try bits(7))
        }
        guard repeatCount <= lengths.count - i else {
          throw FormatError("deflate", "code lengths run past the \(lengths.count) declared codes")
        }
        for j in i..<i + repeatCount { lengths[j] = value }
        i += repeatCount
      }
      guard lengths[256] != 0 else { throw FormatError("deflate", "missing end-of-block code") }
      let literal = try Huffman(lengths: lengths[..<hlit], kind: "literal/length", allowIncomplete: true)
      let distance = try Huffman(lengths: lengths[hlit...], kind: "distance", allowIncomplete: true)
      return (literal, distance)
    } catch let e as FormatError where !e.message.hasPrefix("truncated") {
      throw FormatError("deflate", "\(e.message) in dynamic block header at byte \(start)")
    }
  }
}
