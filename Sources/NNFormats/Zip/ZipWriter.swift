/// Writes zip archives (the `.nnp` container) with STORED entries.
///
/// STORED keeps the writer small and the output byte-for-byte reproducible: every entry carries
/// the DOS timestamp 1980-01-01 00:00, so the same entries always give the same archive. nnabla
/// and every zip reader accept STORED entries; `.nnp` payloads (text and float arrays) gain
/// little from DEFLATE anyway. No Zip64: each entry and the whole archive stay below 4 GiB.
public enum ZipWriter {
  /// One file to store: its path inside the archive and its contents.
  public struct Entry: Sendable {
    public var name: String
    public var bytes: [UInt8]
    public init(name: String, bytes: [UInt8]) {
      self.name = name
      self.bytes = bytes
    }
  }

  /// The archive holding `entries` in the given order, and `comment` (at most 65535 bytes) in its
  /// end record, where zip readers keep it apart from the entries.
  public static func archive(_ entries: [Entry], comment: String = "") throws -> [UInt8] {
    let commentBytes = Array(comment.utf8)
    guard commentBytes.count <= 0xFFFF else { throw FormatError("zip", "the archive comment is longer than 65535 bytes") }
    var out: [UInt8] = []
    var central: [UInt8] = []
    let dosTime = 0, dosDate = (0 << 9) | (1 << 5) | 1  // 1980-01-01 00:00:00
    for entry in entries {
      let name = Array(entry.name.utf8)
      guard !name.isEmpty, name.count <= 0xFFFF else {
        throw FormatError("zip", "entry name '\(entry.name)' must be 1 to 65535 bytes long")
      }
      guard entry.bytes.count < 0xFFFF_FFFF, out.count < 0xFFFF_FFFF - entry.bytes.count - 30 - name.count else {
        throw FormatError("zip", "entry '\(entry.name)' would put the archive past 4 GiB (Zip64 is not written)")
      }
      let crc = CRC32.checksum(entry.bytes)
      let offset = UInt32(out.count)
      let size = UInt32(entry.bytes.count)
      // Local file header: version 2.0, no flags, STORED, time, date, CRC, sizes, name.
      put32(0x0403_4B50, &out); put16(20, &out); put16(0, &out); put16(0, &out)
      put16(dosTime, &out); put16(dosDate, &out)
      put32(crc, &out); put32(size, &out); put32(size, &out)
      put16(name.count, &out); put16(0, &out)
      out += name
      out += entry.bytes
      // Central directory record: the same facts plus where the local header is.
      put32(0x0201_4B50, &central); put16(20, &central); put16(20, &central); put16(0, &central); put16(0, &central)
      put16(dosTime, &central); put16(dosDate, &central)
      put32(crc, &central); put32(size, &central); put32(size, &central)
      put16(name.count, &central); put16(0, &central); put16(0, &central)  // name, extra, comment lengths
      put16(0, &central); put16(0, &central); put32(0, &central)  // disk, internal and external attributes
      put32(offset, &central)
      central += name
    }
    guard entries.count <= 0xFFFF else { throw FormatError("zip", "\(entries.count) entries: more than 65535 needs Zip64") }
    let centralOffset = UInt32(out.count)
    out += central
    put32(0x0605_4B50, &out); put16(0, &out); put16(0, &out)
    put16(entries.count, &out); put16(entries.count, &out)
    put32(UInt32(central.count), &out); put32(centralOffset, &out); put16(commentBytes.count, &out)
    return out + commentBytes
  }

  /// `archive` for `(name, bytes)` pairs.
  public static func stored(_ entries: [(name: String, bytes: [UInt8])]) throws -> [UInt8] {
    try archive(entries.map { Entry(name: $0.name, bytes: $0.bytes) })
  }

  static func put16(_ v: Int, _ a: inout [UInt8]) { a += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
  static func put32(_ v: UInt32, _ a: inout [UInt8]) {
    a += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)]
  }
}
