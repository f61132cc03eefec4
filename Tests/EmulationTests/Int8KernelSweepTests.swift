import Testing

/// The optimized int8 convolution kernels against the reference ones on seeded shapes, built for
/// the emulated Cortex-M4F (SMLAD/SXTB16/PKH/SMMLAR/SSAT) and for the host (portable C): both
/// find no mismatch and hash the same bytes, so the instruction path itself is checked bit-exact
/// against the reference in CI (`KernelSweep`).
@Suite struct Int8KernelSweepTests {
  /// `bench/int8-kernels/sweep.c`: nnc_conv_s8_opt (+ fused max pooling), nnc_affine_s8_opt and
  /// nnc_quantize_s8 on 600 + 100 seeded cases.
  @Test func optimizedKernels_matchReference_onTheCortexM4AndTheHost() throws {
    let sweep = try KernelSweep.run(
      "kernel-sweep",
      sources: ["bench/int8-kernels/sweep.c"]
        + ["nnc_conv_s8.c", "nnc_conv_s8_opt.c", "nnc_affine_s8.c", "nnc_pool_s8.c", "nnc_quantize_s8.c"].map { "runtime-c/src/" + $0 })
    sweep.expectAgreement(cases: 600)
    // nnc_quantize_s8 (VCVT on the M4, the portable rule on the host) against nnc_quantize_one_s8.
    let quantizeLine = { (out: String) in out.split(separator: "\n").first { $0.hasPrefix("quantize ") }.map(String.init) }
    let quantizeOnTarget = try #require(quantizeLine(sweep.targetOutput), "no 'quantize' line in:\n\(sweep.targetOutput)")
    #expect(quantizeOnTarget.hasPrefix("quantize 100 mismatches 0 checksum "))
    #expect(quantizeOnTarget == quantizeLine(sweep.hostOutput))
    // LeNet's two convolutions (with their pooling), timed in the m4run build, also agree.
    #expect(sweep.targetOutput.contains("lenet conv1: same\nlenet conv2: same\n"))
  }

  /// `bench/int8-kernels/dwconv_sweep.c`: nnc_dwconv_s8 against nnc_conv_s8 on 400 seeded
  /// depthwise shapes (3x3 stride 1 and 2 with odd widths and pads 0..2, other kernels, strides and
  /// dilations, multipliers 1..3, asymmetric padding as folded Pads leave it, the stride-2 edge
  /// strips, both requantization paths); then the kws- and vww-shaped layers agree.
  @Test func depthwiseKernel_matchesReference_onTheCortexM4AndTheHost() throws {
    let sweep = try KernelSweep.run(
      "dwconv-sweep", sources: ["bench/int8-kernels/dwconv_sweep.c", "runtime-c/src/nnc_conv_s8.c", "runtime-c/src/nnc_dwconv_s8.c"])
    sweep.expectAgreement(cases: 400)
    for line in [
      "kws dw 64x25x5 s1 (72000 MACs): same", "vww dw 8x49x49 s2 (41472 MACs): same",
      "vww dw 8x48x48 s2 pad (0, 1) (41472 MACs): same", "vww-like dw 64x6x6 s1 (20736 MACs): same",
    ] {
      #expect(sweep.targetOutput.contains(line + "\n"), "\(sweep.targetOutput)")
    }
  }
}
