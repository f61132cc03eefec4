/// DEFLATE (RFC 1951) and zlib (RFC 1950) decompression.
///
/// Every failure is a `FormatError("deflate", …)` naming the byte offset in the compressed
/// input. Output never grows past `maxOutput` (or `expectedSize`), so a small malicious stream
/// cannot make us allocate gigabytes.
public enum Inflate {
  /// Inflates a raw DEFLATE stream (no zlib/gzip header). Bytes after the final block are ignored.
  ///
  /// With `expectedSize`, the output must be exactly that long (zip entries declare it).
  public static func inflate(
    _ bytes: [UInt8], expectedSize: Int? = nil, maxOutput: Int = 1 << 30
  ) throws -> [UInt8] {
    try bytes.withUnsafeBufferPointer {
      try inflate(raw: $0, expectedSize: expectedSize, maxOutput: maxOutput).output
    }
  }

  /// Inflates a zlib stream: 2-byte header, DEFLATE data, big-endian Adler-32 of the output.
  public static func zlibDecompress(_ bytes: [UInt8], maxOutput: Int = 1 << 30) throws -> [UInt8] {
    guard bytes.count >= 6 else {
      throw FormatError("deflate", "zlib stream is \(bytes.count) bytes, too short for header and checksum")
    }
    let cmf = Int(bytes[0]), flg = Int(bytes[1])
    guard cmf & 0x0F == 8, cmf >> 4 <= 7 else {
      throw FormatError("deflate", "zlib header at byte 0: compression method \(cmf & 0x0F) / window \(cmf >> 4) is not DEFLATE")
    }
    guard (cmf << 8 | flg) % 31 == 0 else {
      throw FormatError("deflate", "zlib header at byte 0: header check bits are wrong")
    }
    guard flg & 0x20 == 0 else {
      throw FormatError("deflate", "zlib header at byte 1: preset dictionaries are not supported")
    }
    let (output, end) = try bytes.withUnsafeBufferPointer {
      try inflate(raw: UnsafeBufferPointer(rebasing: $0[2...]), expectedSize: nil, maxOutput: maxOutput)
    }
    let at = 2 + end
    guard at + 4 <= bytes.count else {
      throw FormatError("deflate", "zlib stream truncated: Adler-32 checksum missing at byte \(at)")
    }
    let expected = bytes[at..<at + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    let actual = adler32(output)
    guard expected == actual else {
      throw FormatError("deflate", "bad Adler-32 at byte \(at): expected \(hex(expected)), got \(hex(actual))")
    }
    return output
  }

  /// Inflates `input` and also returns how many input bytes the stream used
  /// (the final block's last byte included), so wrappers can find their trailer.
  static func inflate(
    raw input: UnsafeBufferPointer<UInt8>, expectedSize: Int?, maxOutput: Int
  ) throws -> (output: [UInt8], end: Int) {
    if let expectedSize, expectedSize < 0 {
      throw FormatError("deflate", "negative expected size \(expectedSize)")
    }
    // One input bit can produce at most 258/2 bytes (a 258-byte match coded in 2 bits),
    // so a declared size beyond that is impossible: reject it before allocating.
    let possible = input.count.multipliedReportingOverflow(by: 1032).partialValue
    if let expectedSize, expectedSize > possible + 258 {
      throw FormatError("deflate", "expected size \(expectedSize) is impossible for \(input.count) compressed bytes")
    }
    var inflater = Inflater(input: input, limit: min(maxOutput, expectedSize ?? Int.max),
                            limitIsExpected: expectedSize.map { $0 <= maxOutput } ?? false,
                            // Start from the declared size but trust it only as far as the input
                            // plausibly goes; the buffer doubles if the stream really is larger.
                            initialCapacity: min(expectedSize ?? Int.max, input.count * 16 + 65536))
    defer { inflater.out.deallocate() }
    try inflater.run()
    if let expectedSize, inflater.count != expectedSize {
      throw FormatError("deflate", "inflated to \(inflater.count) bytes, expected \(expectedSize)")
    }
    let output = [UInt8](UnsafeBufferPointer(start: inflater.out, count: inflater.count))
    return (output, inflater.consumedBytes)
  }

  /// Adler-32 (RFC 1950): two running sums mod 65521, reduced every 5552 bytes,
  /// the most bytes that cannot overflow 32 bits.
  static func adler32(_ bytes: [UInt8]) -> UInt32 {
    var a: UInt32 = 1, b: UInt32 = 0
    bytes.withUnsafeBufferPointer { p in
      var i = 0
      while i < p.count {
        let end = min(i + 5552, p.count)
        while i < end {
          a &+= UInt32(p[i])
          b &+= a
          i += 1
        }
        a %= 65521
        b %= 65521
      }
    }
    return b << 16 | a
  }

  static func hex(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - s.count) + s
  }
}
