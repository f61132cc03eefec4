import NNFormats

/// Writes minimal STORED zip archives, so tests can build `.nnp` files (valid and broken) in code.
public enum ZipWriter {
  public static func stored(_ entries: [(name: String, bytes: [UInt8])]) -> [UInt8] {
    var out: [UInt8] = []
    var central: [UInt8] = []
    func u16(_ v: Int, _ a: inout [UInt8]) { a += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
    func u32(_ v: UInt32, _ a: inout [UInt8]) { for s in stride(from: 0, to: 32, by: 8) { a.append(UInt8((v >> UInt32(s)) & 0xFF)) } }
    for (name, bytes) in entries {
      let crc = CRC32.checksum(bytes)
      let offset = UInt32(out.count)
      let nameBytes = Array(name.utf8)
      u32(0x0403_4B50, &out); u16(20, &out); u16(0, &out); u16(0, &out); u16(0, &out); u16(0, &out)
      u32(crc, &out); u32(UInt32(bytes.count), &out); u32(UInt32(bytes.count), &out)
      u16(nameBytes.count, &out); u16(0, &out); out += nameBytes; out += bytes
      u32(0x0201_4B50, &central); u16(20, &central); u16(20, &central); u16(0, &central); u16(0, &central)
      u16(0, &central); u16(0, &central); u32(crc, &central); u32(UInt32(bytes.count), &central)
      u32(UInt32(bytes.count), &central); u16(nameBytes.count, &central); u16(0, &central); u16(0, &central)
      u16(0, &central); u16(0, &central); u32(0, &central); u32(offset, &central); central += nameBytes
    }
    let centralOffset = UInt32(out.count)
    out += central
    u32(0x0605_4B50, &out); u16(0, &out); u16(0, &out); u16(entries.count, &out); u16(entries.count, &out)
    u32(UInt32(central.count), &out); u32(centralOffset, &out); u16(0, &out)
    return out
  }

  /// The entries of a fixture archive, read with nncompile's own reader.
  public static func entries(of bytes: [UInt8]) throws -> [(name: String, bytes: [UInt8])] {
    let zip = try ZipArchive(bytes: bytes)
    return try zip.entries.map { ($0.name, try zip.extract($0)) }
  }
}
