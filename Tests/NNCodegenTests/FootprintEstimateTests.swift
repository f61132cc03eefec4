@testable import NNCodegen
import Testing

/// The code estimate sums the sections the called kernel functions reach, as `--gc-sections`
/// keeps them: a function costs its own closure, not its file; shared sections count once.
/// (Against the linker's map: `FlashEstimateTests` in EmulationTests.)
@Suite struct FootprintEstimateTests {
  static func fileBytes(_ file: String) -> Int { KernelFootprints.files[file]!.sectionBytes.reduce(0, +) }

  @Test func aFunctionCostsItsClosure_notItsFile() {
    let affine = FootprintEstimate.kernelCodeBytes(called: ["nnc_affine_s8_opt"])
    let conv = FootprintEstimate.kernelCodeBytes(called: ["nnc_conv_s8_opt"])
    let file = Self.fileBytes("nnc_conv_s8_opt.c")
    // the fast affine shares its file with the fast convolution, which is most of it
    #expect(affine > 0 && affine < file / 2)
    #expect(conv > affine && conv < file)
    // the two entry points together reach every section of the file, none twice
    #expect(FootprintEstimate.kernelCodeBytes(called: ["nnc_affine_s8_opt", "nnc_conv_s8_opt"]) == file)
    #expect(FootprintEstimate.kernelCodeBytes(called: []) == 0)
    #expect(FootprintEstimate.kernelCodeBytes(called: ["nnc_not_a_kernel"]) == 0)
  }

  @Test func sharedSections_countOnce() {
    // the fast add and multiply share sections (their dispatch and common helpers)
    let add = FootprintEstimate.kernelCodeBytes(called: ["nnc_add_s8_opt"])
    let mul = FootprintEstimate.kernelCodeBytes(called: ["nnc_mul_s8_opt"])
    let both = FootprintEstimate.kernelCodeBytes(called: ["nnc_add_s8_opt", "nnc_mul_s8_opt"])
    #expect(both > max(add, mul) && both < add + mul)
  }

  @Test func aCallIntoAnotherFile_bringsItsClosure() {
    // the fast add falls back on the reference add of nnc_arith_s8.c
    #expect(KernelFootprints.functions["nnc_add_s8_opt"]!.calls == ["nnc_add_s8"])
    let fast = KernelFootprints.functions["nnc_add_s8_opt"]!
    let own = fast.sections.map { KernelFootprints.files[fast.file]!.sectionBytes[$0] }.reduce(0, +)
    let reference = FootprintEstimate.kernelCodeBytes(called: ["nnc_add_s8"])
    #expect(reference > 0)
    #expect(FootprintEstimate.kernelCodeBytes(called: ["nnc_add_s8_opt"]) == own + reference)
    // and its stack the reference add's frames beyond the library allowance it was measured with
    #expect(FootprintEstimate.callStackBytes("nnc_add_s8_opt")
      == fast.stackBytes + KernelFootprints.functions["nnc_add_s8"]!.stackBytes - FootprintEstimate.libraryCallBytes)
  }

  @Test func codeBytes_addsTheModelsOwnCodePerStep() {
    let kernels = FootprintEstimate.kernelCodeBytes(called: ["nnc_affine_s8_opt", "nnc_quantize_s8"])
    #expect(FootprintEstimate.codeBytes(called: ["nnc_affine_s8_opt", "nnc_quantize_s8"], steps: 5)
      == kernels + FootprintEstimate.modelCodeBaseBytes + 5 * FootprintEstimate.modelCodeBytesPerStep)
  }
}
