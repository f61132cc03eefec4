/// One file in a zip archive, as described by the central directory.
public struct ZipEntry: Sendable, Equatable {
  public let name: String
  /// 0 = STORED, 8 = DEFLATE; others are listed but cannot be extracted.
  public let method: UInt16
  public let compressedSize: Int
  public let uncompressedSize: Int
  public let crc32: UInt32
  /// General-purpose flags (bit 0: encrypted, bit 3: sizes in a data descriptor).
  public let flags: UInt16
  /// Where the entry's local file header starts.
  public let localHeaderOffset: Int
}

/// How much a zip archive may inflate to: a few kilobytes of DEFLATE can claim gigabytes.
public struct ZipLimits: Sendable, Equatable {
  /// The most bytes one entry may inflate to.
  public var entryBytes: Int
  /// The most bytes all entries together may inflate to.
  public var totalBytes: Int

  public init(entryBytes: Int, totalBytes: Int) {
    self.entryBytes = entryBytes
    self.totalBytes = totalBytes
  }

  /// 1 GiB per entry and 2 GiB in all, for callers with no tighter bound of their own.
  public static let standard = ZipLimits(entryBytes: 1 << 30, totalBytes: 2 << 30)
}

/// A zip archive held in memory (the `.nnp` container); entries are extracted on demand.
///
/// Only the central directory is trusted for sizes and CRCs: local headers may hold zeros when
/// the writer streamed (flag bit 3). Every offset is checked against the archive's size before use.
/// Declared sizes are checked against `limits` when the directory is read, before anything is
/// allocated; inflating stops at the declared size, so output can never pass the limits either.
public struct ZipArchive: Sendable {
  let bytes: [UInt8]
  public let entries: [ZipEntry]
  /// The archive comment from the end-of-central-directory record.
  public let comment: [UInt8]
  public let limits: ZipLimits

  /// Parses the end-of-central-directory record and the central directory; extracts nothing yet.
  public init(bytes: [UInt8], limits: ZipLimits = .standard) throws {
    self.bytes = bytes
    self.limits = limits
    let eocd = try ZipArchive.findEndOfCentralDirectory(bytes)
    let r = ByteReader(bytes)
    let disk = r.u16(eocd + 4), cdDisk = r.u16(eocd + 6)
    let countOnDisk = r.u16(eocd + 8), count = r.u16(eocd + 10)
    let cdSize = Int(r.u32(eocd + 12)), cdOffset = Int(r.u32(eocd + 16))
    comment = Array(bytes[(eocd + 22)..<(eocd + 22 + Int(r.u16(eocd + 20)))])
    if count == 0xFFFF || cdSize == 0xFFFF_FFFF || cdOffset == 0xFFFF_FFFF
      || (eocd >= 20 && r.u32(eocd - 20) == 0x0706_4B50) {
      throw FormatError("zip", "Zip64 archives are not supported (end-of-central-directory record at byte \(eocd))")
    }
    guard disk == 0, cdDisk == 0, countOnDisk == count else {
      throw FormatError("zip", "multi-disk archives are not supported (end-of-central-directory record at byte \(eocd))")
    }
    guard cdOffset <= eocd, cdSize <= eocd - cdOffset else {
      throw FormatError("zip",
        "central directory (\(cdSize) bytes at byte \(cdOffset)) does not fit before the end-of-central-directory record at byte \(eocd)")
    }
    var entries: [ZipEntry] = []
    entries.reserveCapacity(min(Int(count), cdSize / 46))
    var at = cdOffset
    var totalSize = 0
    let cdEnd = cdOffset + cdSize
    for index in 0..<Int(count) {
      guard at + 46 <= cdEnd, r.u32(at) == 0x0201_4B50 else {
        throw FormatError("zip", "central directory entry \(index) at byte \(at) is missing or corrupt")
      }
      let nameLength = Int(r.u16(at + 28)), extraLength = Int(r.u16(at + 30))
      let commentLength = Int(r.u16(at + 32))
      let next = at + 46 + nameLength + extraLength + commentLength
      guard next <= cdEnd else {
        throw FormatError("zip", "central directory entry \(index) at byte \(at) runs past the directory's end at byte \(cdEnd)")
      }
      let name = String(decoding: bytes[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self)
      let entry = ZipEntry(
        name: name, method: r.u16(at + 10), compressedSize: Int(r.u32(at + 20)),
        uncompressedSize: Int(r.u32(at + 24)), crc32: r.u32(at + 16), flags: r.u16(at + 8),
        localHeaderOffset: Int(r.u32(at + 42)))
      if entry.compressedSize == 0xFFFF_FFFF || entry.uncompressedSize == 0xFFFF_FFFF
        || entry.localHeaderOffset == 0xFFFF_FFFF {
        throw FormatError("zip", "entry '\(name)' uses Zip64 sizes, which are not supported")
      }
      guard entry.uncompressedSize <= limits.entryBytes else {
        throw FormatError("zip",
          "entry '\(name)' inflates to \(ByteCount.describe(entry.uncompressedSize)), more than the limit of \(ByteCount.describe(limits.entryBytes)) for one entry")
      }
      totalSize += entry.uncompressedSize
      guard totalSize <= limits.totalBytes else {
        throw FormatError("zip",
          "entries up to '\(name)' inflate to \(ByteCount.describe(totalSize)), more than the limit of \(ByteCount.describe(limits.totalBytes)) for the whole archive")
      }
      guard entry.localHeaderOffset < cdOffset else {
        throw FormatError("zip",
          "entry '\(name)' has its local header at byte \(entry.localHeaderOffset), past the central directory at byte \(cdOffset)")
      }
      entries.append(entry)
      at = next
    }
    self.entries = entries
  }

  /// The first entry with this exact name.
  public func entry(named name: String) -> ZipEntry? {
    entries.first { $0.name == name }
  }

  /// The entry's uncompressed bytes, after checking its local header, size and CRC-32.
  public func extract(_ entry: ZipEntry) throws -> [UInt8] {
    let name = entry.name
    func fail(_ message: String) -> FormatError { FormatError("zip", "entry '\(name)': \(message)") }
    let r = ByteReader(bytes)
    let at = entry.localHeaderOffset
    guard at >= 0, at <= bytes.count - 30, r.u32(at) == 0x0403_4B50 else {
      throw fail("no local file header at byte \(at)")
    }
    let nameLength = Int(r.u16(at + 26)), extraLength = Int(r.u16(at + 28))
    let start = at + 30 + nameLength + extraLength
    guard entry.compressedSize >= 0, start <= bytes.count, entry.compressedSize <= bytes.count - start else {
      throw fail("data (\(entry.compressedSize) bytes at byte \(start)) runs past the end of the archive (\(bytes.count) bytes)")
    }
    guard bytes[(at + 30)..<(at + 30 + nameLength)].elementsEqual(name.utf8) else {
      throw fail("local header at byte \(at) names a different file")
    }
    guard entry.flags & 1 == 0 else { throw fail("encrypted entries are not supported") }

    let output: [UInt8]
    switch entry.method {
    case 0:
      guard entry.compressedSize == entry.uncompressedSize else {
        throw fail("stored entry declares \(entry.compressedSize) bytes stored but \(entry.uncompressedSize) bytes uncompressed")
      }
      output = Array(bytes[start..<(start + entry.compressedSize)])
    case 8:
      do {
        output = try bytes.withUnsafeBufferPointer {
          try Inflate.inflate(raw: UnsafeBufferPointer(rebasing: $0[start..<(start + entry.compressedSize)]),
                              expectedSize: entry.uncompressedSize, maxOutput: limits.entryBytes).output
        }
      } catch let e as FormatError {
        throw fail("deflate data at byte \(start): \(e.message)")
      }
    default:
      throw fail("compression method \(entry.method) is not supported (only 0 STORED and 8 DEFLATE)")
    }
    let crc = CRC32.checksum(output)
    guard crc == entry.crc32 else {
      throw FormatError("zip", "bad CRC-32 for entry '\(name)': expected \(Inflate.hex(entry.crc32)), got \(Inflate.hex(crc))")
    }
    return output
  }

  /// Finds the end-of-central-directory record by searching back from the end: it is 22 bytes
  /// plus a comment of up to 65535 bytes. A record whose comment length reaches exactly to the
  /// end of the file wins over a signature that merely appears inside a comment.
  static func findEndOfCentralDirectory(_ bytes: [UInt8]) throws -> Int {
    guard bytes.count >= 22 else {
      throw FormatError("zip", "file is \(bytes.count) bytes, too short for a zip archive (no end-of-central-directory record)")
    }
    let r = ByteReader(bytes)
    let lowest = max(0, bytes.count - 22 - 0xFFFF)
    var loose: Int?
    for at in stride(from: bytes.count - 22, through: lowest, by: -1) where r.u32(at) == 0x0605_4B50 {
      let end = at + 22 + Int(r.u16(at + 20))
      if end == bytes.count { return at }
      if end < bytes.count && loose == nil { loose = at }  // trailing junk after the comment
    }
    if let loose { return loose }
    throw FormatError("zip", "no end-of-central-directory record in the last \(bytes.count - lowest) bytes: not a zip archive, or truncated")
  }
}

/// Little-endian reads at offsets the caller has already bounds-checked.
private struct ByteReader {
  let bytes: [UInt8]
  init(_ bytes: [UInt8]) { self.bytes = bytes }

  func u16(_ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
  func u32(_ at: Int) -> UInt32 {
    UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
  }
}
