/// gzip (RFC 1952) decompression, for datasets shipped as `.gz` (MNIST's `*-ubyte.gz`).
public enum Gzip {
  /// True when `bytes` start with the gzip magic number 1F 8B.
  public static func isGzip(_ bytes: [UInt8]) -> Bool {
    bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
  }

  /// The contents of the first member, its CRC-32 and length checked against the trailer;
  /// inflating stops as soon as the output passes `maxOutput` bytes.
  public static func decompress(_ bytes: [UInt8], maxOutput: Int = 1 << 30) throws -> [UInt8] {
    guard bytes.count >= 18, isGzip(bytes) else {
      throw FormatError("gzip", "missing gzip header (1F 8B) at byte 0: not a gzip file")
    }
    guard bytes[2] == 8 else { throw FormatError("gzip", "compression method \(bytes[2]) at byte 2 is not DEFLATE") }
    let flags = bytes[3]
    var at = 10
    func skip(_ n: Int, _ what: String) throws {
      guard n <= bytes.count - at else { throw FormatError("gzip", "header \(what) runs past the end of the file") }
      at += n
    }
    if flags & 0x04 != 0 {  // FEXTRA: 2-byte length, then data
      try skip(2, "extra length")
      try skip(Int(bytes[at - 2]) | Int(bytes[at - 1]) << 8, "extra field")
    }
    for (flag, what) in [(UInt8(0x08), "file name"), (0x10, "comment")] where flags & flag != 0 {
      guard let end = bytes[at...].firstIndex(of: 0) else { throw FormatError("gzip", "header \(what) is not terminated") }
      at = end + 1
    }
    if flags & 0x02 != 0 { try skip(2, "CRC") }
    let (output, used): ([UInt8], Int)
    do {
      (output, used) = try bytes.withUnsafeBufferPointer {
        try Inflate.inflate(raw: UnsafeBufferPointer(rebasing: $0[at...]), expectedSize: nil, maxOutput: maxOutput)
      }
    } catch let e as FormatError where e.message.hasPrefix("output exceeds") {
      // Stopped as soon as the output passed the limit: say so in gzip's terms.
      throw FormatError("gzip", "inflates to more than the limit of \(ByteCount.describe(maxOutput))")
    }
    let trailer = at + used
    guard trailer + 8 <= bytes.count else {
      throw FormatError("gzip", "file ends at byte \(bytes.count) before the CRC-32 and size trailer (truncated?)")
    }
    func u32(_ i: Int) -> UInt32 { (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[i + $1]) << (8 * UInt32($1)) } }
    let crc = CRC32.checksum(output)
    guard u32(trailer) == crc else {
      throw FormatError("gzip", "bad CRC-32 at byte \(trailer): expected \(Inflate.hex(u32(trailer))), got \(Inflate.hex(crc))")
    }
    guard u32(trailer + 4) == UInt32(truncatingIfNeeded: output.count) else {
      throw FormatError("gzip", "trailer at byte \(trailer + 4) says \(u32(trailer + 4)) bytes, inflated \(output.count)")
    }
    return output
  }
}
