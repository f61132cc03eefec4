import Foundation
import NNFormats
import Testing
import _NNTestSupport

/// Files and archives that would block or fill memory: refused with the numbers, early.
@Suite struct HostileReadsTests {
  func problem(_ body: () throws -> Void) -> String? {
    do { try body() } catch let e as FileReadError { return e.description } catch { return "\(error)" }
    return nil
  }

  @Test func fifoDeviceAndFolderAreRefusedWithoutBlocking() throws {
    let dir = try Fixtures.temporaryDirectory("regular-file")
    defer { try? FileManager.default.removeItem(at: dir) }
    let fifo = dir.appendingPathComponent("pipe").path
    #expect(mkfifo(fifo, 0o600) == 0)
    // Nobody writes to the FIFO: opening it for reading would block forever.
    #expect(problem { _ = try RegularFile.read(fifo, limit: 100, kind: "a test") } == "\(fifo): error: is a FIFO (named pipe), expected a file")
    #expect(problem { _ = try RegularFile.read("/dev/zero", limit: 100, kind: "a test") }
      == "/dev/zero: error: is a character device, expected a file")
    #expect(problem { _ = try RegularFile.read(dir.path, limit: 100, kind: "a test") } == "\(dir.path): error: is a folder, expected a file")
    let missing = dir.appendingPathComponent("missing").path
    #expect(problem { _ = try RegularFile.read(missing, limit: 100, kind: "a test") } == "\(missing): error: no such file")
    #expect(RegularFile.isFolder(dir.path) && !RegularFile.isFolder(fifo) && !RegularFile.isFolder(missing))
  }

  @Test func sizeLimitIsCheckedBeforeReadingAndSaysItsNumber() throws {
    let dir = try Fixtures.temporaryDirectory("regular-file")
    defer { try? FileManager.default.removeItem(at: dir) }
    // A sparse 5 GiB file: no disk, no memory, unless someone reads it.
    let huge = dir.appendingPathComponent("huge.bin").path
    let fd = open(huge, O_CREAT | O_WRONLY, 0o600)
    #expect(ftruncate(fd, 5 << 30) == 0)
    close(fd)
    #expect(problem { _ = try RegularFile.read(huge, limit: 1 << 20, kind: "a test file") }
      == "\(huge): error: file is 5368709120 bytes (5 GiB), more than the limit of 1048576 bytes (1 MiB) for a test file")

    let exact = dir.appendingPathComponent("exact.bin")
    try Data(repeating: 7, count: 100).write(to: exact)
    #expect(try RegularFile.read(exact.path, limit: 100, kind: "a test") == [UInt8](repeating: 7, count: 100))
    #expect(problem { _ = try RegularFile.read(exact.path, limit: 99, kind: "a test") }?.contains("file is 100 bytes, more than the limit of 99 bytes") == true)

    // A symlink to a regular file is a regular file.
    let link = dir.appendingPathComponent("link.bin").path
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: exact.path)
    #expect(try RegularFile.read(link, limit: 100, kind: "a test").count == 100)
  }

  /// `/proc` files say they are 0 bytes long; reading stops at the limit whatever `stat` said.
  @Test func sizeThatLiesIsStillBounded() {
    #expect(problem { _ = try RegularFile.read("/proc/self/status", limit: 10, kind: "a test") }
      == "/proc/self/status: error: file grew while being read, more than the limit of 10 bytes for a test")
  }

  @Test func prefixReadsStopWhereAsked() throws {
    let dir = try Fixtures.temporaryDirectory("regular-file")
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("data.bin")
    try Data((0..<200).map { UInt8($0) }).write(to: path)
    let file = try RegularFile(path: path.path)
    #expect(file.size == 200)
    #expect(try file.read(upTo: 3) == [0, 1, 2])
    #expect(try file.read(upTo: 2) == [3, 4])
    #expect(try file.read(upTo: 1000).count == 195)
  }

  @Test func tailReadsTheLastBytes_andLinksCanBeRefused() throws {
    let dir = try Fixtures.temporaryDirectory("regular-file")
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("data").path
    try Data((0..<100).map { UInt8($0) }).write(to: URL(fileURLWithPath: path))
    #expect(try RegularFile(path: path).readTail(3) == [97, 98, 99])
    #expect(try RegularFile(path: path).readTail(1000).count == 100)
    let link = dir.appendingPathComponent("link").path
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "data")
    #expect(try RegularFile(path: link).readTail(1) == [99])
    #expect(throws: FileReadError(path: link, "is a symbolic link, expected a file")) {
      try RegularFile(path: link, followingLinks: false)
    }
  }

  @Test func deflateBombHelperReallyInflates() throws {
    #expect(try Inflate.inflate(DeflateBomb.zeros(1000)) == [UInt8](repeating: 0, count: 1000))
  }

  /// An entry whose directory declares 4 GB is refused when the archive is opened: nothing is inflated.
  @Test func zipEntryDeclaringGigabytesIsRefusedBeforeInflating() throws {
    let bytes = try DeflateBomb.archive([("a.txt", [1, 2, 3])], bomb: "parameter.protobuf", count: 1 << 20, declared: 0xFFFF_FFFE)
    #expect(problem { _ = try ZipArchive(bytes: bytes) }
      == "zip: entry 'parameter.protobuf' inflates to 4294967294 bytes (4.0 GiB), more than the limit of 1073741824 bytes (1 GiB) for one entry")
    let limits = ZipLimits(entryBytes: 1 << 20, totalBytes: 1 << 20)
    let honest = try DeflateBomb.archive([("a.txt", [1, 2, 3])], bomb: "p.bin", count: 1 << 20)
    #expect(problem { _ = try ZipArchive(bytes: honest, limits: limits) }
      == "zip: entries up to 'p.bin' inflate to 1048579 bytes (1.0 MiB), more than the limit of 1048576 bytes (1 MiB) for the whole archive")
  }

  /// A directory that understates the size: inflating stops at the declared size, not at the stream's end.
  @Test func zipEntryInflatingPastItsDeclaredSizeStopsThere() throws {
    let bytes = try DeflateBomb.archive([], bomb: "p.bin", count: 4 << 20, declared: 1 << 20)
    let zip = try ZipArchive(bytes: bytes, limits: ZipLimits(entryBytes: 1 << 20, totalBytes: 1 << 20))
    let message = problem { _ = try zip.extract(zip.entries[0]) }
    #expect(message?.hasPrefix("zip: entry 'p.bin': deflate data at byte 35: output is larger than the expected 1048576 bytes") == true, "\(message ?? "")")
  }

  @Test func gzipStopsAtItsLimit() throws {
    let stream = DeflateBomb.zeros(2 << 20)
    let gz: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3] + stream + [UInt8](repeating: 0, count: 8)
    #expect(problem { _ = try Gzip.decompress(gz, maxOutput: 1 << 20) } == "gzip: inflates to more than the limit of 1048576 bytes (1 MiB)")
    #expect(problem { _ = try IDXArray(bytes: gz, maxBytes: 1 << 20) } == "gzip: inflates to more than the limit of 1048576 bytes (1 MiB)")
  }

  @Test func hdf5DataBeyondTheCallersLimitIsRefusedBeforeAllocating() throws {
    let file = try HDF5File(bytes: try FormatFixtures.bytes("formats/hdf5/nnabla_earliest.h5"))
    #expect(try !file.datasets().isEmpty)
    let message = problem { _ = try file.datasets(maxDataBytes: 16) }
    #expect(message?.contains("bytes, more than the 16 bytes left of the limit for the data") == true, "\(message ?? "")")
  }

  /// A 20000x20000 PNG header: the size is known from 33 bytes, and decoding refuses it at IHDR.
  @Test func pngDimensionsComeFromTheHeaderAlone() throws {
    let png = PNGBuilder.png(PNGBuilder.ihdr(20000, 20000), PNGBuilder.chunk("IDAT", PNGBuilder.zlibStored([0, 0])))
    #expect(try ImageDimensions.read(png, png: true) == ImageDimensions(width: 20000, height: 20000))
    #expect(try ImageDimensions.read(Array(png.prefix(33)), png: true) == ImageDimensions(width: 20000, height: 20000))
    #expect(problem { _ = try Image.decode(png, png: true) } == "png: image is 20000x20000 (400000000 pixels), more than the limit of 16777216 pixels")
    #expect(problem { _ = try Image.decode(png, png: true, maxPixels: 28 * 28) } == "png: image is 20000x20000 (400000000 pixels), more than the limit of 784 pixels")
    let pgm = Array("P5 20000 20000 255\n".utf8)
    #expect(try ImageDimensions.read(pgm, png: false) == ImageDimensions(width: 20000, height: 20000))
    #expect(problem { _ = try Image.decode(pgm, png: false) } == "pgm: image is 20000x20000 (400000000 pixels), more than the limit of 16777216 pixels")
  }
}
