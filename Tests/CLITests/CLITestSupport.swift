import Foundation
import NNHostSim
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

  /// `directory`: the working directory (default: the test's).
  static func run(_ args: [String], in directory: URL? = nil) throws -> Result {
    let r = try ProcessRunner.run(executable, args, currentDirectory: directory)
    return Result(status: r.status, stdout: String(decoding: r.stdout, as: UTF8.self), stderr: r.stderr)
  }
}
