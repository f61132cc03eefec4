import Foundation
import NNHostSim
import Testing
import _NNTestSupport

/// SIGTERM, SIGINT or a full disk while an output is written: exit 143, 130 or 1, one line naming
/// the output, no `.X.nncompile-…` left behind, and what was there before unchanged.
@Suite struct InterruptedWriteTests {

  /// Runs nncompile with the test hook that pauses once the output is staged
  /// (`NNCOMPILE_TEST_WRITE_DELAY`), sends `signal` as soon as `.<name>.nncompile-…` appears in
  /// `folder`, and returns the exit status and stderr.
  static func interruptWhileWriting(_ args: [String], signal: Int32, folder: URL, name: String) throws -> (status: Int32, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CLI.executable)
    process.arguments = args
    process.environment = ProcessInfo.processInfo.environment.merging(["NNCOMPILE_TEST_WRITE_DELAY": "30"]) { _, new in new }
    let errPipe = Pipe()
    process.standardError = errPipe
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let staged = { ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).contains { $0.hasPrefix(".\(name).nncompile-") } }
    let deadline = Date().addingTimeInterval(120)
    while !staged() && process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    #expect(staged(), "the output was never staged")
    kill(process.processIdentifier, signal)
    CLI.waitForExit(process, seconds: 20, "still running 20 s after the signal")
    return (process.terminationStatus, String(decoding: errPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
  }

  static func expectUndone(_ r: (status: Int32, stderr: String), signal: Int32, output: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(r.status == 128 + signal, "\(r.stderr)", sourceLocation: sourceLocation)
    // train prints its epochs before: the one error line is the last.
    let errors = r.stderr.split(separator: "\n").filter { $0.contains("error") }
    #expect(errors == ["\(output): error: interrupted; not written, anything there before is unchanged"], "\(r.stderr)", sourceLocation: sourceLocation)
    #expect(r.stderr.hasSuffix("unchanged\n"), "\(r.stderr)", sourceLocation: sourceLocation)
  }

  @Test(arguments: [SIGTERM, SIGINT])
  func compile_signalWhileWriting_removesTheStagingFolder_keepsTheOldOutput(signal: Int32) throws {
    let box = try Sandbox.withModel()
    defer { box.remove() }
    let out = box.path("out")
    let first = try CLI.run([box.model] + OutputSafetyTests.compile + ["-o", out])
    #expect(first.status == 0, "\(first.stderr)")
    let before = box.snapshot()
    let r = try Self.interruptWhileWriting(
      [box.model] + OutputSafetyTests.compile + ["--name", "other", "-o", out], signal: signal, folder: box.root, name: "out")
    Self.expectUndone(r, signal: signal, output: out)
    #expect(box.snapshot() == before)
  }

  @Test(arguments: [SIGTERM, SIGINT])
  func train_signalWhileWriting_removesTheTemporaryFile_keepsTheOldModel(signal: Int32) throws {
    let box = try Sandbox.withModel()
    defer { box.remove() }
    let trained = box.path("trained.nnp")
    let train = ["train", TrainCommandTests.mlp, "--data", TrainCommandTests.data("train_4_9.csv"), "--epochs", "1", "-o", trained]
    let first = try CLI.run(train)
    #expect(first.status == 0, "\(first.stderr)")
    let before = box.snapshot()
    let r = try Self.interruptWhileWriting(train + ["--seed", "7"], signal: signal, folder: box.root, name: "trained.nnp")
    Self.expectUndone(r, signal: signal, output: trained)
    #expect(box.snapshot() == before)
  }

  /// A full disk, stood in for by a file-size limit (`ulimit -f`, with SIGXFSZ ignored so the
  /// write fails with EFBIG instead of killing the process): the old output stays whole.
  @Test func fullDisk_failsWithOneLine_keepsTheOldOutput() throws {
    let box = try Sandbox.withModel()
    defer { box.remove() }
    let trained = box.path("trained.nnp"), out = box.path("out")
    let train = ["train", TrainCommandTests.mlp, "--data", TrainCommandTests.data("train_4_9.csv"), "--epochs", "1", "-o", trained]
    let compile = [CommandTests.lenet, "--quantize", "float32", "-o", out]
    for args in [train, compile] {
      let r = try CLI.run(args)
      #expect(r.status == 0, "\(r.stderr)")
    }
    let before = box.snapshot()
    for (args, output) in [(train + ["--seed", "7"], trained), (compile + ["--name", "other"], out)] {
      let quoted = ([CLI.executable] + args).map { "'\($0)'" }.joined(separator: " ")
      let r = try ProcessRunner.run("sh", ["-c", "trap '' XFSZ; ulimit -f 40; exec \(quoted)"])
      #expect(r.status == 1, "\(r.stderr)")
      let errors = r.stderr.split(separator: "\n").filter { $0.contains("error") }
      #expect(errors.count == 1 && errors[0].hasPrefix("\(output): error: cannot write") && errors[0].hasSuffix("File too large"), "\(r.stderr)")
      #expect(box.snapshot() == before)
    }
  }
}
