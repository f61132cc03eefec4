import Foundation

/// Runs a program to completion, feeding stdin and collecting stdout/stderr without deadlocking.
public enum ProcessRunner {
  public struct Result: Sendable {
    public var status: Int32
    public var stdout: Data
    public var stderr: String
  }

  /// `program` is looked up on PATH when it has no slash; `currentDirectory` and `environment`
  /// default to this process's.
  public static func run(
    _ program: String, _ arguments: [String], stdin: Data? = nil, currentDirectory: URL? = nil, environment: [String: String]? = nil
  ) throws -> Result {
    let process = Process()
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    if let environment { process.environment = environment }
    if program.contains("/") {
      process.executableURL = URL(fileURLWithPath: program)
      process.arguments = arguments
    } else {
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = [program] + arguments
    }
    let outPipe = Pipe(), errPipe = Pipe(), inPipe = Pipe()
    process.standardOutput = outPipe
    process.standardError = errPipe
    process.standardInput = stdin == nil ? FileHandle.nullDevice : inPipe
    do { try process.run() } catch {
      throw HostSimError("cannot run '\(program)': \(error.localizedDescription)")
    }
    // Read both pipes on their own threads while stdin is written, so no pipe buffer fills up.
    nonisolated(unsafe) var outData = Data()
    nonisolated(unsafe) var errData = Data()
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) { outData = outPipe.fileHandleForReading.readDataToEndOfFile() }
    DispatchQueue.global().async(group: group) { errData = errPipe.fileHandleForReading.readDataToEndOfFile() }
    if let stdin {
      try? inPipe.fileHandleForWriting.write(contentsOf: stdin)
      try? inPipe.fileHandleForWriting.close()
    }
    process.waitUntilExit()
    group.wait()
    return Result(status: process.terminationStatus, stdout: outData, stderr: String(decoding: errData, as: UTF8.self))
  }
}
