import NNFormats
import Testing
import _NNTestSupport

/// Byte surgery on fixture archives, to make broken ones.
enum ZipPatch {
  static func put16(_ b: inout [UInt8], _ at: Int, _ v: Int) {
    b[at] = UInt8(v & 0xFF); b[at + 1] = UInt8(v >> 8 & 0xFF)
  }
  static func put32(_ b: inout [UInt8], _ at: Int, _ v: UInt32) {
    for i in 0..<4 { b[at + i] = UInt8(v >> (8 * UInt32(i)) & 0xFF) }
  }
  static func get(_ b: [UInt8], _ at: Int, _ n: Int) -> Int {
    (0..<n).reduce(0) { $0 | Int(b[at + $1]) << (8 * $1) }
  }
  /// Offset of the central directory header naming `name`.
  static func central(_ b: [UInt8], _ name: String) -> Int {
    let sig: [UInt8] = [0x50, 0x4B, 0x01, 0x02], n = Array(name.utf8)
    for at in 0..<(b.count - 46) where Array(b[at..<at + 4]) == sig
      && b[at + 28] == UInt8(n.count) && Array(b[(at + 46)..<(at + 46 + n.count)]) == n { return at }
    fatalError("fixture has no central entry \(name)")
  }
}

@Suite struct ZipTests {
  /// Entry name -> dataset file it was made from (see make_format_fixtures.py).
  static let sources = ["stored.txt": "small", "deflated.txt": "text", "dir/random.bin": "random",
                        "empty.txt": "empty", "runs.bin": "runs"]

  @Test(arguments: ["mixed.zip", "streamed.zip"])
  func fixtureArchivesMatchPython(_ file: String) throws {
    let archive = try ZipArchive(bytes: try FormatFixtures.bytes("formats/zip/\(file)"))
    let expected = try FormatFixtures.manifest("formats/zip/manifest.txt").filter { $0[0] == file }
    #expect(archive.entries.count == expected.count)
    for (entry, row) in zip(archive.entries, expected) {
      #expect(entry.name == row[1])
      #expect(entry.method == UInt16(row[2]))
      #expect(entry.compressedSize == Int(row[3]))
      #expect(entry.uncompressedSize == Int(row[4]))
      #expect(entry.crc32 == UInt32(row[5], radix: 16) ?? 0)
      #expect(entry.flags == UInt16(row[6]))
      let original = try FormatFixtures.bytes("formats/inflate/\(Self.sources[entry.name] ?? "?").bin")
      #expect(try archive.extract(entry) == original, "\(file): \(entry.name)")
    }
    if file == "mixed.zip" {
      #expect(archive.comment == Array("nncompile fixture comment".utf8))
      #expect(archive.entry(named: "dir/random.bin")?.method == 8)
      #expect(archive.entry(named: "stored.txt")?.method == 0)
      #expect(archive.entry(named: "missing.txt") == nil)
    }
  }

  static let mixed: [UInt8] = (try? FormatFixtures.bytes("formats/zip/mixed.zip")) ?? []

  func error(_ bytes: [UInt8], extract name: String? = nil) -> String? {
    formatError {
      let zip = try ZipArchive(bytes: bytes)
      if let name, let e = zip.entry(named: name) { _ = try zip.extract(e) }
    }.map { "\($0)" }
  }

  @Test func truncatedArchive() {
    let half = Array(Self.mixed.prefix(Self.mixed.count / 2))
    #expect(error(half) == "zip: no end-of-central-directory record in the last \(half.count) bytes: not a zip archive, or truncated")
    #expect(error(Array(Self.mixed.prefix(10))) == "zip: file is 10 bytes, too short for a zip archive (no end-of-central-directory record)")
  }

  @Test func corruptedCRC() throws {
    var bytes = Self.mixed
    bytes[30 + "stored.txt".utf8.count] ^= 0x20  // first data byte of the first (stored) entry
    let got = CRC32.checksum(bytes[40..<64])
    let hex = String(got, radix: 16).leftPadded(8)
    #expect(error(bytes, extract: "stored.txt") == "zip: bad CRC-32 for entry 'stored.txt': expected 0xe05bd988, got 0x\(hex)")
    // The other entries are still fine.
    let zip = try ZipArchive(bytes: bytes)
    #expect(try zip.extract(zip.entries[1]).count == 12000)
  }

  @Test func badEndOfCentralDirectory() {
    let eocd = Self.mixed.count - 22 - "nncompile fixture comment".utf8.count
    var bytes = Self.mixed
    bytes[eocd] = 0  // signature gone
    #expect(error(bytes)?.hasPrefix("zip: no end-of-central-directory record") == true)
    bytes = Self.mixed
    ZipPatch.put32(&bytes, eocd + 16, UInt32(eocd + 100))  // central directory offset past the record
    let size = ZipPatch.get(bytes, eocd + 12, 4)
    #expect(error(bytes) == "zip: central directory (\(size) bytes at byte \(eocd + 100)) does not fit before the end-of-central-directory record at byte \(eocd)")
    bytes = Self.mixed
    ZipPatch.put16(&bytes, eocd + 10, 6)  // one entry more than there is
    ZipPatch.put16(&bytes, eocd + 8, 6)
    #expect(error(bytes) == "zip: central directory entry 5 at byte \(eocd) is missing or corrupt")
    bytes = Self.mixed
    ZipPatch.put32(&bytes, eocd + 16, 0xFFFF_FFFF)
    #expect(error(bytes) == "zip: Zip64 archives are not supported (end-of-central-directory record at byte \(eocd))")
  }

  @Test func hugeDeclaredSizes() {
    var bytes = Self.mixed
    let deflated = ZipPatch.central(bytes, "deflated.txt")
    ZipPatch.put32(&bytes, deflated + 24, 0x3FFF_FFFF)
    let start = ZipPatch.get(bytes, deflated + 42, 4) + 30 + "deflated.txt".utf8.count
    let compressed = ZipPatch.get(bytes, deflated + 20, 4)
    #expect(error(bytes, extract: "deflated.txt")
      == "zip: entry 'deflated.txt': deflate data at byte \(start): expected size 1073741823 is impossible for \(compressed) compressed bytes")

    bytes = Self.mixed
    let stored = ZipPatch.central(bytes, "stored.txt")
    ZipPatch.put32(&bytes, stored + 20, 0x3FFF_FFFF)
    ZipPatch.put32(&bytes, stored + 24, 0x3FFF_FFFF)
    #expect(error(bytes, extract: "stored.txt")
      == "zip: entry 'stored.txt': data (1073741823 bytes at byte 40) runs past the end of the archive (\(bytes.count) bytes)")
  }

  @Test func otherBrokenEntries() {
    var bytes = Self.mixed
    let deflated = ZipPatch.central(bytes, "deflated.txt")
    ZipPatch.put16(&bytes, deflated + 10, 12)
    #expect(error(bytes, extract: "deflated.txt")
      == "zip: entry 'deflated.txt': compression method 12 is not supported (only 0 STORED and 8 DEFLATE)")
    bytes = Self.mixed
    ZipPatch.put32(&bytes, deflated + 42, 0)  // points at the first entry's header instead
    #expect(error(bytes, extract: "deflated.txt") == "zip: entry 'deflated.txt': local header at byte 0 names a different file")
    bytes = Self.mixed
    let local = ZipPatch.get(bytes, deflated + 42, 4)
    bytes[local + 30 + 12] = 0xFF  // first byte of the deflate data: block type 3
    #expect(error(bytes, extract: "deflated.txt")
      == "zip: entry 'deflated.txt': deflate data at byte \(local + 42): invalid block type 3 at byte 0")
    bytes = Self.mixed
    ZipPatch.put16(&bytes, deflated + 8, 1)
    #expect(error(bytes, extract: "deflated.txt") == "zip: entry 'deflated.txt': encrypted entries are not supported")
  }

  /// Random damage to an archive gives FormatErrors (or data that passes its CRC), never a crash.
  @Test func corruptedArchivesNeverCrash() {
    var rng = SeededRandom(seed: 7)
    for _ in 0..<1500 {
      var bad = Self.mixed
      for _ in 0..<Int.random(in: 1...4, using: &rng) {
        bad[Int.random(in: 0..<bad.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
      }
      guard let zip = try? ZipArchive(bytes: bad) else { continue }
      for e in zip.entries {
        do { _ = try zip.extract(e) } catch is FormatError {} catch { Issue.record("\(error)") }
      }
    }
  }

  /// Entries of the real `.nnp` fixtures as Python's zipfile lists them: name, method, sizes, CRC.
  static let realArchives: [String: [(String, UInt16, Int, Int, UInt32)]] = [
    "nnc_result2.nnp": [
      ("network.prototxt", 8, 1463, 18403, 0x8D47_E529), ("nnp_version.txt", 8, 6, 4, 0xC534_A2FB),
      ("output_result.zip", 8, 821_679, 821_549, 0x4943_33C1),
      ("parameter.protobuf", 8, 292_711, 315_543, 0xC43A_A158),
    ],
    "nnabla_lenet_010000.nnp": [
      ("nnp_version.txt", 0, 4, 4, 0xC534_A2FB), ("network.nntxt", 0, 5517, 5517, 0x7723_4EC1),
      ("parameter.protobuf", 0, 81023, 81023, 0xD0DF_81A0),
    ],
    "nnc_result.nnp": [
      ("nnp_version.txt", 0, 4, 4, 0xC534_A2FB), ("network.prototxt", 0, 10196, 10196, 0x774C_557C),
      ("parameter.protobuf", 0, 79347, 79347, 0xDB24_73DF), ("output_result.zip", 0, 25286, 25286, 0xEE58_2A10),
    ],
  ]

  @Test(arguments: ["nnc_result2.nnp", "nnabla_lenet_010000.nnp", "nnc_result.nnp"])
  func realArchives(_ file: String) throws {
    let archive = try ZipArchive(bytes: try FormatFixtures.bytes("real/\(file)"))
    let expected = try #require(Self.realArchives[file])
    #expect(archive.entries.map(\.name) == expected.map(\.0))
    for (entry, e) in zip(archive.entries, expected) {
      let listed = (entry.method, entry.compressedSize, entry.uncompressedSize, entry.crc32)
      #expect(listed == (e.1, e.2, e.3, e.4), "\(entry.name)")
      let data = try archive.extract(entry)  // checks the CRC-32 itself
      #expect(data.count == e.3)
      #expect(CRC32.checksum(data) == e.4)
    }
    let version = try #require(archive.entry(named: "nnp_version.txt"))
    #expect(try archive.extract(version) == Array("0.1\n".utf8))
  }

  @Test func nestedResultArchive() throws {
    // nnc_result2's output_result.zip holds a 2 MB deflated CSV.
    let outer = try ZipArchive(bytes: try FormatFixtures.bytes("real/nnc_result2.nnp"))
    let inner = try ZipArchive(bytes: try outer.extract(try #require(outer.entry(named: "output_result.zip"))))
    let csv = try #require(inner.entry(named: "output_result.csv"))
    #expect(csv.method == 8 && csv.uncompressedSize == 2_024_446 && csv.crc32 == 0xC623_BE04)
    #expect(try inner.extract(csv).count == 2_024_446)
  }
}
