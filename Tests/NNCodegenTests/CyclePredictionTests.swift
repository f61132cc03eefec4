import Foundation
import NNCodegen
import NNCompileKit
import NNIR
import Testing
import _NNTestSupport

/// The int8 cycle predictor (`CyclePrediction`): each step's kind and features come from the
/// program and the kernel set, the total is the steps plus the call, and the compile report
/// carries it on Cortex-M4 targets only.
@Suite struct CyclePredictionTests {
  /// examples/mnist-lenet, emulated: 1,296,708 cycles (conv 16@5×5 + pool, conv 16@5×5 + pool, affine 50, affine 10).
  static func lenet(kernels: KernelSet? = nil, target: String = "cortex-m4f") throws -> Compilation {
    let dir = Fixtures.repositoryRoot.appendingPathComponent("examples/mnist-lenet")
    return try Driver.compile(
      modelPath: dir.appendingPathComponent("lenet.nnp").path,
      options: CompileOptions(
        target: try .named(target), quantization: "int8", calibrationData: dir.appendingPathComponent("calibration.bin").path,
        kernels: kernels))
  }

  @Test func lenet_featuresKindsAndPinnedPrediction() throws {
    let c = try Self.lenet()
    let program = try #require(c.program)
    let rows = program.steps.map { CyclePrediction.features($0, in: program, kernels: .optimized) }
    let convolutions = rows.filter { $0.kind == .convolutionPool }
    // conv1: 24×24×16 outputs, 25 taps on 1 channel (K padded to 26 for SMLAD); conv2: 8×8×16
    // outputs, 25 taps on 16 channels; inputs = the im2col columns built; then the output pixels
    // (one group), the MACs of channels past a multiple of 4 (none) and the column elements of
    // pixels whose window reaches into the padding (none: unpadded).
    #expect(convolutions.map(\.x) == [[1, 239_616, 9_216, 14_400, 576, 0, 0], [1, 409_600, 1_024, 25_600, 64, 0, 0]])
    #expect(rows.filter { $0.kind == .affine }.map(\.x) == [[1, 12_800, 50, 256], [1, 500, 10, 50]])
    #expect(rows.first?.kind == .quantize && rows.first?.x == [1, 0, 784, 784])

    let (total, perStep) = CyclePrediction.predictedCycles(program: program, kernels: .optimized)
    #expect(perStep.count == program.steps.count)
    #expect(total == perStep.reduce(0, +) + CyclePrediction.callCycles)
    // Pinned to the committed coefficient table (bench/cycle-model): refitting changes it.
    #expect(total == 1_241_778, "\(total) \(perStep)")
    #expect(c.predictedCycles?.total == total)
    #expect(c.report.predictedCycles == total)
    #expect(c.report.summaryLines.last == "cycles: ~\(grouped(total)) per call (predicted by the Cortex-M4F cost model, not emulated)")
  }

  /// The border feature of im2col convolutions: output pixels whose window reaches into the padding.
  @Test func borderPixels_countThePaddedRim() {
    func conv(_ size: Int32, _ out: Int32, stride: Int32, pad: Int32) -> ConvS8Params {
      ConvS8Params(
        batch: 1, inC: 4, inH: size, inW: size, outC: 8, outH: out, outW: out, kernelH: 3, kernelW: 3, strideH: stride,
        strideW: stride, padH: pad, padW: pad, dilationH: 1, dilationW: 1, group: 1, inputOffset: 0, outputOffset: 0)
    }
    #expect(CyclePrediction.borderPixels(conv(14, 14, stride: 1, pad: 1)) == 14 * 14 - 12 * 12)
    // Stride 2, pad 1 on 28×28: only the first row and column reach into the padding.
    #expect(CyclePrediction.borderPixels(conv(28, 14, stride: 2, pad: 1)) == 14 + 14 - 1)
    #expect(CyclePrediction.borderPixels(conv(14, 12, stride: 1, pad: 0)) == 0)
  }

  @Test func referenceKernels_andOtherCores_getNoReportFigure() throws {
    let reference = try Self.lenet(kernels: .reference)
    let program = try #require(reference.program)
    let kinds = program.steps.map { CyclePrediction.features($0, in: program, kernels: .reference).kind }
    #expect(kinds.filter { $0 == .convolutionReferencePool }.count == 2 && kinds.filter { $0 == .affineReference }.count == 2)
    // Fitted on the optimized kernels of the Cortex-M4F: no figure for the reference ones or another core.
    #expect(reference.report.predictedCycles == nil)
    let other = try Self.lenet(target: "host")
    #expect(other.report.predictedCycles == nil)
    #expect(!other.report.summaryLines.contains { $0.hasPrefix("cycles:") })
  }
}
