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

  /// The reference kernels (plain loops) have their own kinds, fitted on reference-kernel
  /// profiles only: the optimized kinds' coefficients, and `lenet_featuresKindsAndPinnedPrediction`'s
  /// total, do not move with them.
  @Test func referenceKernels_ownKindsAndPinnedPrediction_otherCoresGetNoReportFigure() throws {
    let reference = try Self.lenet(kernels: .reference)
    let program = try #require(reference.program)
    let rows = program.steps.map { CyclePrediction.features($0, in: program, kernels: .reference) }
    #expect(rows.filter { $0.kind == .affineReference }.map(\.x) == [[1, 12_800, 50, 256], [1, 500, 10, 50]])
    // [1, MACs inside the input, convolution outputs, kernel-row iterations, taps skipped in the
    // padding (none: unpadded), pooling window reads, pooled outputs]: conv1 16@24×24 of 25 taps on
    // 1 channel, conv2 16@8×8 of 25 taps on 16 channels, each with a 2×2 pooling.
    #expect(
      rows.filter { $0.kind == .convolutionReferencePool }.map(\.x)
        == [[1, 230_400, 9_216, 46_080, 0, 9_216, 2_304], [1, 409_600, 1_024, 81_920, 0, 1_024, 256]])
    let total = try #require(reference.predictedCycles?.total)
    // Pinned to the committed coefficient table (bench/cycle-model, profiles-reference.json).
    #expect(total == 16_798_784, "\(total)")  // emulated: 16,839,177 (profiles-reference.json)
    #expect(reference.report.predictedCycles == total)
    #expect(reference.report.summaryLines.last == "cycles: ~\(grouped(total)) per call (predicted by the Cortex-M4F cost model, not emulated)")
    // Fitted on the Cortex-M4F: no figure for another core.
    let other = try Self.lenet(target: "host")
    #expect(other.report.predictedCycles == nil)
    #expect(!other.report.summaryLines.contains { $0.hasPrefix("cycles:") })
  }

  /// The reference convolution's padding features: rows and taps of the window outside the input.
  @Test func referenceConvolutionFeatures_countTheTapsInsideTheInput() {
    // 4→8 channels, 3×3, pad 1, stride 1 on 5×5: per axis 5 outputs see 2+3+3+3+2 = 13 of 15 taps.
    let p = ConvS8Params(
      batch: 1, inC: 4, inH: 5, inW: 5, outC: 8, outH: 5, outW: 5, kernelH: 3, kernelW: 3, strideH: 1,
      strideW: 1, padH: 1, padW: 1, dilationH: 1, dilationW: 1, group: 1, inputOffset: 0, outputOffset: 0)
    let layer = Int8WeightLayer(params: p, weights: [], bias: nil, multipliers: [], shifts: [])
    let x = CyclePrediction.referenceConvolutionFeatures(layer)
    #expect(x == [1, Double(8 * 4 * 13 * 13), 200, Double(200 * 4 * 3), Double(8 * 4 * 13 * (15 - 13)), 0, 0])
  }
}
