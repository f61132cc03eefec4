import Foundation
import NNCompileKit
import NNEmulation
import NNHostSim
import Testing
import _NNTestSupport

/// A sweep program under `bench/int8-kernels/` (seeded cases of fast kernels against reference
/// kernels) built twice: for the emulated Cortex-M4F, where nnc_dsp.h is the DSP instructions,
/// and with the host `cc` (`-Wall -Wextra -Werror -pedantic`), where it is the portable C. Both
/// runs print `kernels <path>` and `cases N mismatches M checksum X`, which the tests compare.
struct KernelSweep {
  /// The sweep's summary: which nnc_dsp.h path ran, the cases, the mismatches and the checksum.
  struct Summary: Equatable {
    var path: String, cases: Int, mismatches: Int, checksum: String
  }

  var target: Summary, host: Summary
  /// Everything each run printed (timed layers, extra check lines).
  var targetOutput: String, hostOutput: String

  /// Builds and runs `sources` (paths from the repository root) both ways; fails the test when
  /// either build or run fails.
  static func run(_ name: String, sources: [String]) throws -> KernelSweep {
    let root = Fixtures.repositoryRoot
    let work = try Fixtures.temporaryDirectory(name)
    defer { try? FileManager.default.removeItem(at: work) }
    let urls = sources.map { root.appendingPathComponent($0) }
    let include = root.appendingPathComponent("runtime-c/include")

    let toolchain = try Toolchain.locate()
    let onTarget = try Emulator.run(
      Emulator.Program(sources: urls, includeDirectories: [include], cpuFlags: try TargetDescription.named("cortex-m4f").crossFlags),
      toolchain: toolchain, workDirectory: work)
    #expect(onTarget.status == 0, "\(onTarget.stdout)")

    let binary = work.appendingPathComponent("\(name)-host").path
    let cc = try ProcessRunner.run(
      toolchain.hostCompiler,
      ["-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I", include.path] + urls.map(\.path) + ["-lm", "-o", binary])
    #expect(cc.status == 0, "\(cc.stderr)")
    let onHost = try ProcessRunner.run(binary, [])
    #expect(onHost.status == 0)
    let hostOutput = String(decoding: onHost.stdout, as: UTF8.self)
    return KernelSweep(
      target: try summary(onTarget.stdout), host: try summary(hostOutput), targetOutput: onTarget.stdout, hostOutput: hostOutput)
  }

  static func summary(_ stdout: String) throws -> Summary {
    let lines = stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    let path = try #require(lines.first { $0.count == 2 && $0[0] == "kernels" }, "no 'kernels' line in:\n\(stdout)")
    let f = try #require(lines.first { $0.count == 6 && $0[0] == "cases" }, "no 'cases' line in:\n\(stdout)")
    return Summary(path: path[1], cases: try #require(Int(f[1])), mismatches: try #require(Int(f[3])), checksum: f[5])
  }

  /// Both paths ran (DSP on the M4, portable on the host), `cases` cases each, no mismatch, and
  /// the same bytes.
  func expectAgreement(cases: Int) {
    #expect(target.path == "dsp")
    #expect(host.path == "portable")
    #expect(target.cases == cases && target.mismatches == 0)
    #expect(host.cases == cases && host.mismatches == 0)
    #expect(target.checksum == host.checksum)
  }
}
