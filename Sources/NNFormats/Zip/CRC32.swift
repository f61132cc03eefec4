/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as used by zip, gzip and PNG.
public enum CRC32 {
  /// The CRC-32 of `bytes` ("123456789" gives 0xCBF43926).
  public static func checksum(_ bytes: some Collection<UInt8>) -> UInt32 {
    update(0, bytes)
  }

  /// Continues a CRC-32 over more bytes, so a checksum can be computed piecewise
  /// (PNG chunks cover the type and the data, which are not contiguous in our parser).
  public static func update(_ crc: UInt32, _ bytes: some Collection<UInt8>) -> UInt32 {
    if let r = bytes.withContiguousStorageIfAvailable({ update(crc, UnsafeRawBufferPointer($0)) }) {
      return r
    }
    return update(crc, Array(bytes))
  }

  /// Slicing-by-8: eight table lookups per 8 input bytes instead of one per byte,
  /// which keeps checking a 1 MB zip entry to about a millisecond.
  static func update(_ crc: UInt32, _ buffer: UnsafeRawBufferPointer) -> UInt32 {
    var c = ~crc
    let n = buffer.count
    var i = 0
    tables.withUnsafeBufferPointer { t in
      while i + 8 <= n {
        let lo = c ^ buffer.loadUnaligned(fromByteOffset: i, as: UInt32.self).littleEndian
        let hi = buffer.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self).littleEndian
        c = t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
          ^ t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
          ^ t[3 * 256 + Int(hi & 0xFF)] ^ t[2 * 256 + Int((hi >> 8) & 0xFF)]
          ^ t[1 * 256 + Int((hi >> 16) & 0xFF)] ^ t[Int(hi >> 24)]
        i += 8
      }
      while i < n {
        c = t[Int((c ^ UInt32(buffer[i])) & 0xFF)] ^ (c >> 8)
        i += 1
      }
    }
    return ~c
  }

  /// Eight 256-entry tables; table k advances a byte's contribution by k further bytes.
  private static let tables: [UInt32] = {
    var t = [UInt32](repeating: 0, count: 8 * 256)
    for n in 0..<256 {
      var c = UInt32(n)
      for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
      t[n] = c
    }
    for n in 0..<256 {
      for k in 1..<8 {
        let prev = t[(k - 1) * 256 + n]
        t[k * 256 + n] = t[Int(prev & 0xFF)] ^ (prev >> 8)
      }
    }
    return t
  }()
}
