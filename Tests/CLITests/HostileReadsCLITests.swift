import Foundation
import NNCompileKit
import NNFormats
import Testing
import _NNTestSupport

/// Inputs that would block, fill memory or take minutes: one line naming the file, exit 1, at once.
@Suite struct HostileReadsCLITests {
  static let lenet = Fixtures.path("nnabla/digits_lenet/model.nnp")
  static let mlp = Fixtures.path("train/mlp.nntxt")
  /// Generous for a debug build on a loaded machine; a read that blocks never finishes at all.
  static let timeout = 120.0

  func expectOneLine(_ r: CLI.Result, _ line: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(r.status == 1, "exit status; stderr: \(r.stderr)", sourceLocation: sourceLocation)
    #expect(r.stderr == line + "\n", sourceLocation: sourceLocation)
  }

  @Test func fifoAsModelCalibrationInputOrDataReturnsAtOnce() throws {
    let dir = try Fixtures.temporaryDirectory("hostile-fifo")
    defer { try? FileManager.default.removeItem(at: dir) }
    let fifo = dir.appendingPathComponent("model.nnp").path
    #expect(mkfifo(fifo, 0o600) == 0)
    let out = dir.appendingPathComponent("out").path
    let line = "\(fifo): error: is a FIFO (named pipe), expected a file"
    expectOneLine(try CLI.run([fifo, "-o", out], timeout: Self.timeout), line)
    expectOneLine(try CLI.run([Self.lenet, "--calibrate", fifo, "-o", out], timeout: Self.timeout), line)
    expectOneLine(try CLI.run(["verify", Self.lenet, "--quantize", "float32", "--input", fifo], timeout: Self.timeout), line)
    expectOneLine(try CLI.run(["train", Self.mlp, "--data", fifo, "-o", out + ".nnp"], timeout: Self.timeout), line)
    #expect(!FileManager.default.fileExists(atPath: out))
    let json = dir.appendingPathComponent("target.json").path
    #expect(mkfifo(json, 0o600) == 0)
    let t = try CLI.run([Self.lenet, "--target", json, "-o", out], timeout: Self.timeout)
    expectOneLine(t, "\(json): error: is a FIFO (named pipe), expected a file")
  }

  @Test func characterDeviceIsRefusedUnread() throws {
    let line = "/dev/zero: error: is a character device, expected a file"
    expectOneLine(try CLI.run(["info", "/dev/zero"], timeout: Self.timeout), line)
    expectOneLine(try CLI.run(["verify", Self.lenet, "--quantize", "float32", "--input", "/dev/zero"], timeout: Self.timeout), line)
  }

  /// A sparse file: 5 GiB by its size, nothing on disk.
  func sparseFile(_ path: String, bytes: Int, truncate: Bool = true) {
    let fd = open(path, O_CREAT | O_WRONLY | (truncate ? O_TRUNC : 0), 0o600)
    #expect(fd >= 0 && ftruncate(fd, off_t(bytes)) == 0)
    close(fd)
  }

  @Test func hugeModelFileIsRefusedByItsSize() throws {
    let dir = try Fixtures.temporaryDirectory("hostile-huge")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("model.nnp").path
    sparseFile(model, bytes: 5 << 30)
    expectOneLine(try CLI.run([model, "-o", dir.appendingPathComponent("out").path], timeout: Self.timeout),
      "\(model): error: file is 5368709120 bytes (5 GiB), more than the limit of 67108864 bytes (64 MiB) for a model file (no target can hold a bigger model)")
  }

  /// 1.25 GB of samples (sparse): calibration reads the 3 it is asked for, so the compile succeeds;
  /// asking for more than the input limit is refused by the numbers, before reading.
  @Test func calibrationSamplesReadsOnlyTheFirstN() throws {
    let dir = try Fixtures.temporaryDirectory("hostile-calibration")
    defer { try? FileManager.default.removeItem(at: dir) }
    let data = dir.appendingPathComponent("calibration.bin").path
    sparseFile(data, bytes: 784 * 4 * 400_000)
    let out = dir.appendingPathComponent("out").path
    let ok = try CLI.run([Self.lenet, "--calibrate", data, "--calibration-samples", "3", "-o", out], timeout: Self.timeout)
    #expect(ok.status == 0, "\(ok.stderr)")
    #expect(FileManager.default.fileExists(atPath: out + "/model.c"))
    let tooMany = try CLI.run([Self.lenet, "--calibrate", data, "--calibration-samples", "100000", "-o", out + "2"], timeout: Self.timeout)
    expectOneLine(tooMany,
      "\(data): error: 100000 samples need 313600000 bytes (299 MiB), more than the limit of 268435456 bytes (256 MiB) for an input file")
    let zero = try CLI.run([Self.lenet, "--calibrate", data, "--calibration-samples", "0", "-o", out + "3"], timeout: Self.timeout)
    #expect(zero.status == 2 && zero.stderr.hasPrefix("Error: '--calibration-samples' needs a positive whole number, got '0'"))
  }

  /// `.bin` and `.npy` give their first N samples, read from a file far larger than the input limit.
  @Test func loaderReadsOnlyTheFirstSamples() throws {
    let dir = try Fixtures.temporaryDirectory("hostile-npy")
    defer { try? FileManager.default.removeItem(at: dir) }
    let loader = InputLoader(graph: try ModelLoader.load(path: Self.lenet).graph, normalizeImages: true)
    let calibration = Fixtures.path("nnabla/digits_lenet/calibration.bin")
    let firstTwo = try loader.load(path: calibration, maxSamples: 2)
    #expect(firstTwo.map { $0[0].values } == Array(try loader.load(path: calibration).prefix(2)).map { $0[0].values })

    var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (400000, 1, 28, 28), }"
    header += String(repeating: " ", count: 63 - (10 + header.count) % 64) + "\n"
    let bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)] + Array(header.utf8)
    let npy = dir.appendingPathComponent("big.npy").path
    try Data(bytes).write(to: URL(fileURLWithPath: npy))
    sparseFile(npy, bytes: bytes.count + 400_000 * 784 * 4, truncate: false)
    let two = try loader.load(path: npy, maxSamples: 2)
    #expect(two.count == 2 && two.allSatisfy { $0[0].shape == [1, 1, 28, 28] && $0[0].values.allSatisfy { $0 == 0 } })
    #expect(throws: CompileError.self) { _ = try loader.load(path: npy) }
    do { _ = try loader.load(path: npy) } catch let e as CompileError {
      #expect(e.description == "\(npy): error: file is \(bytes.count + 1_254_400_000) bytes (1.2 GiB), more than the limit of 268435456 bytes (256 MiB) for an input file")
    }
  }

  /// The header of a 20000x20000 PNG is compared with the model's 28x28 input before decoding.
  @Test func hugePNGIsRefusedFromItsHeader() throws {
    let dir = try Fixtures.temporaryDirectory("hostile-png")
    defer { try? FileManager.default.removeItem(at: dir) }
    func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
      let body = Array(type.utf8) + data
      return be32(data.count) + body + be32(Int(CRC32.checksum(body)))
    }
    func be32(_ v: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8(v >> $0 & 0xFF) } }
    let png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", be32(20000) + be32(20000) + [8, 0, 0, 0, 0])
      + chunk("IDAT", Deflate.zlibStored([UInt8](repeating: 0, count: 300))) + chunk("IEND", [])
    let path = dir.appendingPathComponent("big.png").path
    try Data(png).write(to: URL(fileURLWithPath: path))
    let started = Date()
    let r = try CLI.run(["verify", Self.lenet, "--quantize", "float32", "--input", path], timeout: Self.timeout)
    expectOneLine(r, "\(path): error: image is 20000×20000 but the model input [1, 1, 28, 28] needs 28×28")
    #expect(Date().timeIntervalSince(started) < 60)
    // The same image named by a calibration CSV.
    let csv = dir.appendingPathComponent("data.csv").path
    try "x:image,y\nbig.png,0\n".write(toFile: csv, atomically: true, encoding: .utf8)
    let c = try CLI.run([Self.lenet, "--calibrate", csv, "-o", dir.appendingPathComponent("out").path], timeout: Self.timeout)
    expectOneLine(c, "\(csv):2: error: 'big.png': image is 20000x20000, expected 28x28 (the model input's size)")
  }

  @Test func csvPathNamingAFolderSaysSo() throws {
    let dir = try Fixtures.temporaryDirectory("hostile-csv")
    defer { try? FileManager.default.removeItem(at: dir) }
    try FileManager.default.createDirectory(at: dir.appendingPathComponent("images"), withIntermediateDirectories: true)
    let csv = dir.appendingPathComponent("data.csv").path
    try "x:image,y\nimages,0\n".write(toFile: csv, atomically: true, encoding: .utf8)
    let images = dir.appendingPathComponent("images").path
    let r = try CLI.run([Self.lenet, "--calibrate", csv, "-o", dir.appendingPathComponent("out").path], timeout: Self.timeout)
    expectOneLine(r, "\(csv):2: error: 'images': is a folder, expected a file (\(images))")
    let t = try CLI.run(["train", Self.mlp, "--data", csv, "-o", dir.appendingPathComponent("t.nnp").path], timeout: Self.timeout)
    expectOneLine(t, "\(csv):2: error: 'images': is a folder, expected a file (\(images))")
  }

  /// A `.nnp` whose parameters declare 4 GB: refused from the zip directory, nothing inflated.
  @Test func zipBombModelIsRefusedWithItsNumbers() throws {
    let dir = try Fixtures.temporaryDirectory("hostile-zip")
    defer { try? FileManager.default.removeItem(at: dir) }
    let entries = try ZipWriter.entries(of: Fixtures.bytes("real/nnabla_lenet_010000.nnp")).filter { !$0.name.hasSuffix(".protobuf") }
    let bomb = try DeflateBomb.archive(entries, bomb: "parameter.protobuf", count: 1 << 20, declared: 0xFFFF_FFFE)
    let model = dir.appendingPathComponent("bomb.nnp").path
    try Data(bomb).write(to: URL(fileURLWithPath: model))
    expectOneLine(try CLI.run([model, "-o", dir.appendingPathComponent("out").path], timeout: Self.timeout),
      "\(model): error: zip: entry 'parameter.protobuf' inflates to 4294967294 bytes (4.0 GiB), more than the limit of 67108864 bytes (64 MiB) for one entry")
  }
}
