import Foundation
import NNCompileKit
import NNEmulation
import NNHostSim
import Testing
import _NNTestSupport

/// `bench/int8-kernels/sweep.c` (the optimized int8 kernels against the reference ones on 600
/// seeded shapes) built for the emulated Cortex-M4F, where nnc_dsp.h is SMLAD/SXTB16/PKH, and on
/// the host with `cc`, where it is the portable C: both find no mismatch and hash the same bytes,
/// so the instruction path itself is checked bit-exact against the reference in CI.
@Suite struct Int8KernelSweepTests {
  static let root = Fixtures.repositoryRoot
  static let sources = ["bench/int8-kernels/sweep.c"]
    + ["nnc_conv_s8.c", "nnc_conv_s8_opt.c", "nnc_affine_s8.c", "nnc_pool_s8.c", "nnc_quantize_s8.c"].map { "runtime-c/src/" + $0 }

  /// The sweep's summary: which nnc_dsp.h path ran, the cases, the mismatches and the checksum.
  struct Summary: Equatable {
    var path: String, cases: Int, mismatches: Int, checksum: String
  }

  static func summary(_ stdout: String) throws -> Summary {
    let lines = stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    let path = try #require(lines.first { $0.count == 2 && $0[0] == "kernels" }, "no 'kernels' line in:\n\(stdout)")
    let f = try #require(lines.first { $0.count == 6 && $0[0] == "cases" }, "no 'cases' line in:\n\(stdout)")
    return Summary(path: path[1], cases: try #require(Int(f[1])), mismatches: try #require(Int(f[3])), checksum: f[5])
  }

  @Test func optimizedKernels_matchReference_onTheCortexM4AndTheHost() throws {
    let work = try Fixtures.temporaryDirectory("kernel-sweep")
    defer { try? FileManager.default.removeItem(at: work) }
    let urls = Self.sources.map { Self.root.appendingPathComponent($0) }
    let include = Self.root.appendingPathComponent("runtime-c/include")

    let toolchain = try Toolchain.locate()
    let target = try Emulator.run(
      Emulator.Program(sources: urls, includeDirectories: [include], cpuFlags: try TargetDescription.named("cortex-m4f").crossFlags),
      toolchain: toolchain, workDirectory: work)
    #expect(target.status == 0, "\(target.stdout)")

    let binary = work.appendingPathComponent("sweep-host").path
    let cc = try ProcessRunner.run(
      toolchain.hostCompiler,
      ["-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I", include.path] + urls.map(\.path) + ["-lm", "-o", binary])
    #expect(cc.status == 0, "\(cc.stderr)")
    let host = try ProcessRunner.run(binary, [])
    #expect(host.status == 0)

    let onTarget = try Self.summary(target.stdout), onHost = try Self.summary(String(decoding: host.stdout, as: UTF8.self))
    #expect(onTarget.path == "dsp")
    #expect(onHost.path == "portable")
    #expect(onTarget.cases == 600 && onTarget.mismatches == 0)
    #expect(onHost.cases == 600 && onHost.mismatches == 0)
    #expect(onTarget.checksum == onHost.checksum)
    // nnc_quantize_s8 (VCVT on the M4, the portable rule on the host) against nnc_quantize_one_s8.
    let quantizeLine = { (out: String) in out.split(separator: "\n").first { $0.hasPrefix("quantize ") }.map(String.init) }
    let quantizeOnTarget = try #require(quantizeLine(target.stdout), "no 'quantize' line in:\n\(target.stdout)")
    #expect(quantizeOnTarget.hasPrefix("quantize 100 mismatches 0 checksum "))
    #expect(quantizeOnTarget == quantizeLine(String(decoding: host.stdout, as: UTF8.self)))
    // LeNet's two convolutions (with their pooling), timed in the m4run build, also agree.
    #expect(target.stdout.contains("lenet conv1: same\nlenet conv2: same\n"))
  }

  /// `bench/int8-kernels/dwconv_sweep.c`: nnc_dwconv_s8 against nnc_conv_s8 on 400 seeded
  /// depthwise shapes (3x3 stride 1 and 2 with odd widths and pads 0..2, other kernels, strides and
  /// dilations, multipliers 1..3, asymmetric padding as folded Pads leave it, the stride-2 edge
  /// strips, both requantization paths), on the emulated M4 (SMLAD, SMLABB,
  /// SMMLAR, SSAT) and on the host, with the same checksum; then the kws- and vww-shaped layers agree.
  @Test func depthwiseKernel_matchesReference_onTheCortexM4AndTheHost() throws {
    let work = try Fixtures.temporaryDirectory("dwconv-sweep")
    defer { try? FileManager.default.removeItem(at: work) }
    let urls = ["bench/int8-kernels/dwconv_sweep.c", "runtime-c/src/nnc_conv_s8.c", "runtime-c/src/nnc_dwconv_s8.c"]
      .map { Self.root.appendingPathComponent($0) }
    let include = Self.root.appendingPathComponent("runtime-c/include")

    let toolchain = try Toolchain.locate()
    let target = try Emulator.run(
      Emulator.Program(sources: urls, includeDirectories: [include], cpuFlags: try TargetDescription.named("cortex-m4f").crossFlags),
      toolchain: toolchain, workDirectory: work)
    #expect(target.status == 0, "\(target.stdout)")

    let binary = work.appendingPathComponent("dwconv-sweep-host").path
    let cc = try ProcessRunner.run(
      toolchain.hostCompiler,
      ["-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I", include.path] + urls.map(\.path) + ["-lm", "-o", binary])
    #expect(cc.status == 0, "\(cc.stderr)")
    let host = try ProcessRunner.run(binary, [])
    #expect(host.status == 0)

    let onTarget = try Self.summary(target.stdout), onHost = try Self.summary(String(decoding: host.stdout, as: UTF8.self))
    #expect(onTarget.path == "dsp")
    #expect(onHost.path == "portable")
    #expect(onTarget.cases == 400 && onTarget.mismatches == 0)
    #expect(onHost.cases == 400 && onHost.mismatches == 0)
    #expect(onTarget.checksum == onHost.checksum)
    #expect(target.stdout.contains("kws dw 64x25x5 s1 (72000 MACs): same\n"))
    #expect(target.stdout.contains("vww dw 8x49x49 s2 (41472 MACs): same\n"))
    #expect(target.stdout.contains("vww dw 8x48x48 s2 pad (0, 1) (41472 MACs): same\n"))
    #expect(target.stdout.contains("vww-like dw 64x6x6 s1 (20736 MACs): same\n"))
  }
}
