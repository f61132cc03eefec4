import NNIR
import NNInterpreter
@testable import NNPasses
import Testing
import _NNTestSupport

/// Pad folding in an int8 program: a folded program gives the same bytes as the unfolded one on
/// random inputs (the Swift int8 reference, which the C kernels match byte for byte), and the Pads
/// it must not fold stay.
@Suite struct Int8PadFoldingTests {
  static let inputQuant = QuantParams(scale: 0.05, zeroPoint: 3)
  static let outputQuant = QuantParams(scale: 0.2, zeroPoint: -7)

  /// quantize → Pad (value, padWidth) → convolution (kernel, stride, pad, group) → dequantize.
  static func program(
    input: [Int], padWidth: [Int], value: Int8 = 3, kernel: (Int, Int), stride: (Int, Int), pad: (Int, Int),
    outC: Int, group: Int = 1, secondReader: Bool = false, seed: UInt64
  ) -> Int8Program {
    var rng = SeededGenerator(seed: seed)
    let (n, c) = (input[0], input[1])
    let pairs = padWidth.count / 2
    var padded = input
    for a in 0..<pairs { padded[4 - pairs + a] += padWidth[2 * a] + padWidth[2 * a + 1] }
    let outH = (padded[2] + 2 * pad.0 - kernel.0) / stride.0 + 1
    let outW = (padded[3] + 2 * pad.1 - kernel.1) / stride.1 + 1
    let params = ConvS8Params(
      batch: Int32(n), inC: Int32(c), inH: Int32(padded[2]), inW: Int32(padded[3]), outC: Int32(outC), outH: Int32(outH),
      outW: Int32(outW), kernelH: Int32(kernel.0), kernelW: Int32(kernel.1), strideH: Int32(stride.0), strideW: Int32(stride.1),
      padH: Int32(pad.0), padW: Int32(pad.1), dilationH: 1, dilationW: 1, group: Int32(group),
      inputOffset: -inputQuant.zeroPoint, outputOffset: outputQuant.zeroPoint, actMin: -128, actMax: 127)
    let k = (c / group) * kernel.0 * kernel.1
    let layer = Int8WeightLayer(
      params: params, weights: (0..<(outC * k)).map { _ in Int8.random(in: -127...127, using: &rng) },
      bias: (0..<outC).map { _ in Int32.random(in: -2000...2000, using: &rng) },
      multipliers: (0..<outC).map { _ in Int32.random(in: (1 << 30)...Int32.max, using: &rng) },
      shifts: (0..<outC).map { _ in Int32.random(in: -9 ... -6, using: &rng) })
    var tensors = [
      ProgramTensor(name: "x", shape: input, type: .float32),
      ProgramTensor(name: "x_q", shape: input, type: .int8, quant: inputQuant),
      ProgramTensor(name: "x_pad", shape: padded, type: .int8, quant: inputQuant),
      ProgramTensor(name: "y_q", shape: [n, outC, outH, outW], type: .int8, quant: outputQuant),
      ProgramTensor(name: "y", shape: [n, outC, outH, outW], type: .float32),
    ]
    var steps = [
      ProgramStep(name: "quantize x", kernel: .quantize, inputs: [0], output: 1),
      ProgramStep(name: "Pad", kernel: .pad(PadAttributes(padWidth: padWidth), value: value), inputs: [1], output: 2),
      ProgramStep(name: "Convolution", kernel: .convolution(layer), inputs: [2], output: 3),
      ProgramStep(name: "dequantize y", kernel: .dequantize, inputs: [3], output: 4),
    ]
    var outputs = [4]
    if secondReader {
      tensors.append(ProgramTensor(name: "z", shape: padded, type: .float32))
      steps.append(ProgramStep(name: "dequantize pad", kernel: .dequantize, inputs: [2], output: 5))
      outputs.append(5)
    }
    return Int8Program(
      name: "pad-fold", tensors: tensors, steps: steps, inputs: [0], outputs: outputs, quantizedInputs: [1],
      quantizedOutputs: outputs.map { $0 == 4 ? 3 : nil }, notes: [])
  }

  /// Folds, and checks the convolution's bytes on random inputs (values across the whole int8
  /// range, so the border taps matter) against the unfolded program's.
  @discardableResult
  static func checkFolds(_ program: Int8Program, seed: UInt64, kernels: Int8PadFolding.Kernels = .reference) throws -> Int8Program {
    let (folded, names) = Int8PadFolding.fold(program, for: kernels)
    #expect(names == ["Pad"])
    #expect(folded.steps.count == program.steps.count - 1)
    #expect(!folded.steps.contains { if case .pad = $0.kernel { true } else { false } })
    #expect(folded.steps[1].inputs == [1])
    var rng = SeededGenerator(seed: seed)
    for _ in 0..<4 {
      let shape = program.tensors[0].shape
      let x = FloatTensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float.random(in: -7...7, using: &rng) })
      let before = Int8ProgramInterpreter.runAll(program, inputs: [x])
      let after = Int8ProgramInterpreter.runAll(folded, inputs: [x])
      let bytes = try #require(before[3]?.int8Values)
      #expect(after[3]?.int8Values == bytes)
      #expect(Set(bytes).count > 1)
    }
    return folded
  }

  static func isFolded(_ program: Int8Program, for kernels: Int8PadFolding.Kernels = .reference) -> Bool {
    !Int8PadFolding.fold(program, for: kernels).folded.isEmpty
  }

  @Test func symmetricPad_FoldsIntoTheConvolutionsPadding() throws {
    let p = Self.program(input: [1, 2, 6, 7], padWidth: [1, 1, 1, 1], kernel: (3, 3), stride: (1, 1), pad: (0, 0), outC: 3, seed: 1)
    let folded = try Self.checkFolds(p, seed: 11)
    guard case .convolution(let layer) = folded.steps[1].kernel else { Issue.record("no convolution"); return }
    #expect((layer.params.inH, layer.params.inW, layer.params.padH, layer.params.padW) == (6, 7, 1, 1))
    #expect(!Self.isFolded(p, for: .optimized))  // its windows now touch the padding
    #expect((layer.params.outH, layer.params.outW) == (6, 7))
  }

  @Test func asymmetricPad_OnTopOfTheConvolutionsOwn_Folds() throws {
    // kws's first layer: Pad (4, 5) x (1, 1), then a 10 x 4 convolution with stride 2.
    try Self.checkFolds(
      Self.program(input: [1, 1, 13, 6], padWidth: [4, 5, 1, 1], kernel: (10, 4), stride: (2, 2), pad: (0, 0), outC: 4, seed: 2),
      seed: 12)
    try Self.checkFolds(
      Self.program(input: [2, 4, 7, 7], padWidth: [0, 0, 0, 0, 2, 0, 1, 2], kernel: (3, 3), stride: (2, 1), pad: (1, 1), outC: 4, group: 4, seed: 3),
      seed: 13)
  }

  @Test func padNoWindowReads_FoldsForBothKernelSets() throws {
    // (0, 1) that no window reads: stride 2 over 6 + 1 rows, kernel 2.
    let p = Self.program(input: [1, 2, 6, 6], padWidth: [0, 1, 0, 1], kernel: (2, 2), stride: (2, 2), pad: (0, 0), outC: 2, seed: 4)
    try Self.checkFolds(p, seed: 14, kernels: .optimized)
    try Self.checkFolds(p, seed: 14, kernels: .reference)
  }

  @Test func padAfterOnly_ThatAWindowReads_StaysForTheOptimizedKernel() {
    // ic's Pad (0, 1) before a stride-2 3 x 3 convolution: the last window reads the Pad's border,
    // and nnc_conv_s8_opt takes padding 0 to mean every window is inside the input.
    let p = Self.program(input: [1, 2, 8, 8], padWidth: [0, 1, 0, 1], kernel: (3, 3), stride: (2, 2), pad: (0, 0), outC: 2, seed: 5)
    #expect(!Self.isFolded(p, for: .optimized))
  }

  @Test func padAfterOnly_BeforeADepthwiseConvolution_FoldsForTheOptimizedKernel() throws {
    // vww's Pad (0, 1) before a stride-2 3 x 3 depthwise convolution: nnc_dwconv_s8 copies each
    // plane into a zero-point border anyway and takes the bottom / right padding from outH / outW.
    let p = Self.program(input: [1, 3, 8, 8], padWidth: [0, 1, 0, 1], kernel: (3, 3), stride: (2, 2), pad: (0, 0), outC: 3, group: 3, seed: 9)
    let folded = try Self.checkFolds(p, seed: 19, kernels: .optimized)
    guard case .convolution(let layer) = folded.steps[1].kernel else { Issue.record("no convolution"); return }
    #expect((layer.params.inH, layer.params.padH, layer.params.outH, layer.params.outW) == (8, 0, 4, 4))
    #expect(DepthwisePackedWeights.runsOnDepthwiseKernel(layer))
    // One 8 x 8 plane with a row and a column of padding after it, plus a word of slack.
    #expect(DepthwisePackedWeights.scratchBytes(layer.params) == 9 * 9 + 4)
  }

  @Test func padAfterOnly_ThatAWindowReads_FoldsForTheReferenceKernel() throws {
    let p = Self.program(input: [1, 2, 8, 8], padWidth: [0, 1, 0, 1], kernel: (3, 3), stride: (2, 2), pad: (0, 0), outC: 2, seed: 5)
    let folded = try Self.checkFolds(p, seed: 15, kernels: .reference)
    guard case .convolution(let layer) = folded.steps[1].kernel else { Issue.record("no convolution"); return }
    #expect((layer.params.inH, layer.params.padH, layer.params.outH) == (8, 0, 4))
  }

  @Test func padThatIsNotTheRealZero_OrReadTwice_OrOnChannels_Stays() {
    #expect(!Self.isFolded(Self.program(input: [1, 2, 5, 5], padWidth: [1, 1, 1, 1], value: 4, kernel: (3, 3), stride: (1, 1), pad: (0, 0), outC: 2, seed: 6)))
    #expect(!Self.isFolded(Self.program(input: [1, 2, 5, 5], padWidth: [1, 1, 1, 1], kernel: (3, 3), stride: (1, 1), pad: (0, 0), outC: 2, secondReader: true, seed: 7)))
    #expect(!Self.isFolded(Self.program(input: [1, 2, 5, 5], padWidth: [1, 0, 1, 1, 1, 1], kernel: (3, 3), stride: (1, 1), pad: (0, 0), outC: 2, seed: 8)))
  }

  @Test func spatialPadding_ReadsTheTrailingPairs() {
    #expect(Int8PadFolding.spatialPadding([2, 3], rank: 4)! == (0, 2))
    #expect(Int8PadFolding.spatialPadding([4, 5, 1, 1], rank: 4)! == (4, 1))
    #expect(Int8PadFolding.spatialPadding([0, 0, 0, 0, 0, 1, 0, 1], rank: 4)! == (0, 0))
    #expect(Int8PadFolding.spatialPadding([0, 1, 0, 0, 0, 0], rank: 4) == nil)
    #expect(Int8PadFolding.spatialPadding([1, -1, 0, 0], rank: 4) == nil)
  }
}
