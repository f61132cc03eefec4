import Foundation
import NNCompileKit
import NNEmulation
import NNHostSim
import Testing
import _NNTestSupport

/// `bench/int8-kernels/eltwise_sweep.c` (nnc_add_s8_opt / nnc_mul_s8_opt against nnc_add_s8 /
/// nnc_mul_s8, and the pooling and constant Pad kernels against their element-by-element definition, on 2,000
/// seeded cases) built for the emulated Cortex-M4F, where the kernels use SMMLAR/SSAT/SMLAD, and
/// on the host with `cc`, where they are portable C: both find no mismatch and hash the same bytes.
@Suite struct EltwiseKernelSweepTests {
  static let root = Fixtures.repositoryRoot
  static let sources = ["bench/int8-kernels/eltwise_sweep.c"]
    + ["nnc_arith_s8.c", "nnc_arith_s8_opt.c", "nnc_pool_s8.c", "nnc_pad_s8.c"].map { "runtime-c/src/" + $0 }

  @Test func fastElementwiseAndPooling_matchReference_onTheCortexM4AndTheHost() throws {
    let work = try Fixtures.temporaryDirectory("eltwise-sweep")
    defer { try? FileManager.default.removeItem(at: work) }
    let urls = Self.sources.map { Self.root.appendingPathComponent($0) }
    let include = Self.root.appendingPathComponent("runtime-c/include")

    let toolchain = try Toolchain.locate()
    let target = try Emulator.run(
      Emulator.Program(sources: urls, includeDirectories: [include], cpuFlags: try TargetDescription.named("cortex-m4f").crossFlags),
      toolchain: toolchain, workDirectory: work)
    #expect(target.status == 0, "\(target.stdout)")

    let binary = work.appendingPathComponent("eltwise-sweep-host").path
    let cc = try ProcessRunner.run(
      toolchain.hostCompiler,
      ["-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I", include.path] + urls.map(\.path) + ["-lm", "-o", binary])
    #expect(cc.status == 0, "\(cc.stderr)")
    let host = try ProcessRunner.run(binary, [])
    #expect(host.status == 0)

    let onTarget = try Int8KernelSweepTests.summary(target.stdout)
    let onHost = try Int8KernelSweepTests.summary(String(decoding: host.stdout, as: UTF8.self))
    #expect(onTarget.path == "dsp")
    #expect(onHost.path == "portable")
    #expect(onTarget.cases == 2000 && onTarget.mismatches == 0)
    #expect(onHost.cases == 2000 && onHost.mismatches == 0)
    #expect(onTarget.checksum == onHost.checksum)
    // ic's three Adds and kws's pooling at their real sizes, timed in the emulated build, agree too.
    for line in ["ic add 1: 16384 elements identical", "ic add 2: 8192 elements identical", "ic add 3: 4096 elements identical", "kws avgpool: identical"] {
      #expect(target.stdout.contains(line + "\n"), "\(target.stdout)")
    }
  }
}
