import Testing

/// `bench/int8-kernels/eltwise_sweep.c` (nnc_add_s8_opt / nnc_mul_s8_opt against nnc_add_s8 /
/// nnc_mul_s8, and the pooling and constant Pad kernels against their element-by-element definition, on 2,000
/// seeded cases) built for the emulated Cortex-M4F, where the kernels use SMMLAR/SSAT/SMLAD, and
/// on the host with `cc`, where they are portable C: both find no mismatch and hash the same bytes.
@Suite struct EltwiseKernelSweepTests {
  @Test func fastElementwiseAndPooling_matchReference_onTheCortexM4AndTheHost() throws {
    let sweep = try KernelSweep.run(
      "eltwise-sweep",
      sources: ["bench/int8-kernels/eltwise_sweep.c"]
        + ["nnc_arith_s8.c", "nnc_arith_s8_opt.c", "nnc_pool_s8.c", "nnc_pad_s8.c"].map { "runtime-c/src/" + $0 })
    sweep.expectAgreement(cases: 2000)
    // ic's three Adds and kws's pooling at their real sizes, timed in the emulated build, agree too.
    for line in ["ic add 1: 16384 elements identical", "ic add 2: 8192 elements identical", "ic add 3: 4096 elements identical", "kws avgpool: identical"] {
      #expect(sweep.targetOutput.contains(line + "\n"), "\(sweep.targetOutput)")
    }
  }
}
