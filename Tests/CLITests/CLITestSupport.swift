import Foundation
import NNHostSim
import Testing
import _NNTestSupport

/// Runs the built `nncompile` executable as a user would.
enum CLI {
  /// The `nncompile` binary next to the test bundle in `.build/<config>/`.
  static let executable: String = {
    var dir = URL(fileURLWithPath: Bundle.main.bundlePath)
    for _ in 0..<4 {
      let candidate = dir.appendingPathComponent("nncompile")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
      dir.deleteLastPathComponent()
    }
    return Fixtures.repositoryRoot.appendingPathComponent(".build/debug/nncompile").path
  }()

  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// `run`, but the child is killed after `seconds` and the test fails, so a regression that
  /// blocks (a FIFO read) fails instead of hanging the suite.
  static func run(_ args: [String], timeout seconds: Double, sourceLocation: SourceLocation = #_sourceLocation) throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = args
    let outFile = try Fixtures.temporaryDirectory("cli-output")
    defer { try? FileManager.default.removeItem(at: outFile) }
    let out = outFile.appendingPathComponent("stdout"), err = outFile.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    process.standardInput = FileHandle.nullDevice
    try process.run()
    waitForExit(process, seconds: seconds, "nncompile \(args.joined(separator: " ")) still running after \(seconds) s: killed", sourceLocation: sourceLocation)
    return Result(
      status: process.terminationStatus, stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
      stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
  }

  /// Waits for `process` to end; one still running after `seconds` is terminated and `problem`
  /// recorded, so a regression that blocks fails the test instead of hanging the suite.
  static func waitForExit(_ process: Process, seconds: Double, _ problem: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let deadline = Date().addingTimeInterval(seconds)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    if process.isRunning {
      process.terminate()
      Issue.record(Comment(rawValue: problem), sourceLocation: sourceLocation)
    }
    process.waitUntilExit()
  }

  /// `directory`: the working directory (default: the test's).
  static func run(_ args: [String], in directory: URL? = nil) throws -> Result {
    let r = try ProcessRunner.run(executable, args, currentDirectory: directory)
    return Result(status: r.status, stdout: String(decoding: r.stdout, as: UTF8.self), stderr: r.stderr)
  }

  /// Ctrl-C as a user gives it: runs `nncompile args`, waits (at most 5 minutes) until its stderr
  /// so far satisfies `ready`, sends SIGINT and returns its status and whole stderr (stdout is
  /// not kept). The test fails if the command ended before `ready`, or is still running a minute
  /// after the signal (it is then killed).
  static func interrupt(_ args: [String], when ready: (String) -> Bool, sourceLocation: SourceLocation = #_sourceLocation) throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = args
    let errPipe = Pipe()
    process.standardError = errPipe
    process.standardOutput = Pipe()
    let stderr = LockedText()
    errPipe.fileHandleForReading.readabilityHandler = { h in stderr.append(String(decoding: h.availableData, as: UTF8.self)) }
    try process.run()
    let deadline = Date().addingTimeInterval(300)
    while !ready(stderr.text) && Date() < deadline && process.isRunning { Thread.sleep(forTimeInterval: 0.05) }
    #expect(process.isRunning, "\(stderr.text)", sourceLocation: sourceLocation)
    process.interrupt()
    waitForExit(process, seconds: 60, "nncompile \(args.first ?? "") still running a minute after SIGINT", sourceLocation: sourceLocation)
    errPipe.fileHandleForReading.readabilityHandler = nil
    stderr.append(String(decoding: errPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    return Result(status: process.terminationStatus, stdout: "", stderr: stderr.text)
  }
}

/// Text appended from a pipe's handler thread and read from the test's.
final class LockedText: @unchecked Sendable {
  private let lock = NSLock()
  private var value = ""
  func append(_ s: String) { lock.withLock { value += s } }
  var text: String { lock.withLock { value } }
}
