/// zlib (RFC 1950) output with STORED (uncompressed) DEFLATE blocks, for writers that need a
/// valid stream more than a small one (PNG files of a few hundred pixels).
public enum Deflate {
  /// A zlib stream of `bytes`: header 0x78 0x01, STORED blocks of at most 65535 bytes, Adler-32.
  public static func zlibStored(_ bytes: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0x78, 0x01]  // deflate, 32 KiB window, no dictionary; 0x7801 % 31 == 0
    out.reserveCapacity(bytes.count + bytes.count / 65535 * 5 + 11)
    var at = 0
    repeat {
      let n = min(65535, bytes.count - at)
      let final: UInt8 = at + n == bytes.count ? 1 : 0
      // BFINAL + BTYPE 00, then LEN and its one's complement, little-endian.
      out += [final, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
      out += bytes[at..<at + n]
      at += n
    } while at < bytes.count
    let adler = Inflate.adler32(bytes)
    out += [UInt8(adler >> 24), UInt8((adler >> 16) & 0xFF), UInt8((adler >> 8) & 0xFF), UInt8(adler & 0xFF)]
    return out
  }
}
