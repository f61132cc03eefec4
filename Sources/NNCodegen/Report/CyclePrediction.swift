import NNIR

/// Which cost line a step's cycles follow on the Cortex-M4F: the C kernel the emitter calls and
/// the fast path it takes inside (1×1 and fused-pool convolutions, the 3×3 depthwise planes).
public enum CycleStepKind: String, CaseIterable, Sendable, Codable {
  case convolution1x1, convolution, convolutionPool, depthwise3x3s1, depthwise3x3s2, depthwise
  case convolutionReference, convolutionReferencePool, affine, affineReference
  case add, mul, addReference, mulReference, maxPool, averagePool, sumPool, globalAveragePool
  case softmax, softmaxTFLite, table, clamp, dataMovement, copy, quantize, dequantize, float, function
  /// A float op without MACs (BatchNormalization that could not fold, element-wise math): the
  /// middle of a float island, between its dequantize and quantize steps.
  case floatElementwise
}

/// Cycles of an int8 program on the Cortex-M4F predicted without emulating it: per step
/// `a + b·work + c·outputs + d·inputs` (+ `e·pixels + f·leftover MACs + g·border columns` for
/// the im2col convolutions), with the coefficients fitted per `CycleStepKind` on emulated step
/// profiles (`bench/cycle-model`, the table in `Generated/CycleCoefficients.swift`). `work` is
/// the MACs of weight layers (K padded to even for the SMLAD kernels), the window reads of poolings, the rows of a softmax; for the im2col
/// convolutions `inputs` is the column elements built (output pixels × kernel taps × channels).
/// The search prunes candidates on it before it trains them.
public enum CyclePrediction {
  /// The kind and the feature vector `[1, work, outputs, inputs]` of one step; the im2col
  /// convolutions add `[pixels × groups, leftover MACs, border column elements]`.
  public static func features(_ step: ProgramStep, in program: Int8Program, kernels: KernelSet) -> (kind: CycleStepKind, x: [Double]) {
    let outputs = program.tensors[step.output].elementCount
    let inputs = step.inputs.map { program.tensors[$0] }.filter { !$0.isConstant }.map(\.elementCount).reduce(0, +)
    func row(_ kind: CycleStepKind, _ work: Int, _ outs: Int = outputs, _ ins: Int = inputs) -> (CycleStepKind, [Double]) {
      (kind, [1, Double(work), Double(outs), Double(ins)])
    }
    let macs = Cost.macs(step, in: program)
    switch step.kernel {
    case .convolution(let c):
      let p = c.params
      let convOutputs = Int(p.batch) * Int(p.outC) * Int(p.outH) * Int(p.outW)
      let taps = Int(p.kernelH) * Int(p.kernelW)
      let columns = Int(p.batch) * Int(p.outH) * Int(p.outW) * taps * Int(p.inC)
      if kernels == .reference {
        return (c.fusedMaxPool == nil ? .convolutionReference : .convolutionReferencePool, referenceConvolutionFeatures(c))
      }
      if DepthwisePackedWeights.runsOnDepthwiseKernel(c) {
        let three = p.kernelH == 3 && p.kernelW == 3 && p.dilationH == 1 && p.dilationW == 1 && p.outC == p.inC
        let planes = Int(p.batch) * Int(p.inC) * Int(p.inH + 2 * p.padH) * Int(p.inW + 2 * p.padW)
        let kind: CycleStepKind =
          three && p.strideH == 1 && p.strideW == 1 ? .depthwise3x3s1 : three && p.strideH == 2 && p.strideW == 2 ? .depthwise3x3s2 : .depthwise
        return row(kind, macs, convOutputs, planes)
      }
      // The SMLAD kernels run K (taps × channels of a group) padded to even, on blocks of four
      // output channels of a group, then two, then one, one group after the other: three more
      // features, the output pixels of every group (im2col and loop overhead per pixel and
      // group), the MACs of the leftover channels (out channels of a group mod 4), and the
      // column elements of pixels whose window overlaps the padding (built tap by tap with bound
      // checks, not by the fast copies).
      let groups = max(Int(p.group), 1), outPerGroup = Int(p.outC) / groups
      let k = taps * (Int(p.inC) / groups), kPadded = k + (k & 1)
      let pixels = Int(p.batch) * Int(p.outH) * Int(p.outW)
      let leftover = pixels * groups * (outPerGroup % 4) * kPadded
      let pointwise = taps == 1 && p.strideH == 1 && p.strideW == 1 && p.padH == 0 && p.padW == 0 && p.group == 1
      let kind: CycleStepKind = c.fusedMaxPool != nil ? .convolutionPool : pointwise ? .convolution1x1 : .convolution
      let (_, x) = row(kind, convOutputs * kPadded, convOutputs, columns)
      return (kind, x + [Double(pixels * groups), Double(leftover), Double(borderPixels(p) * taps * Int(p.inC))])
    case .affine(let a):
      guard kernels == .optimized else { return row(.affineReference, macs) }
      let k = Int(a.params.inFeatures)
      return row(.affine, Int(a.params.outer) * Int(a.params.outFeatures) * (k + (k & 1)))
    case .maxPooling(let g):
      return row(.maxPool, outputs * Int(g.kernelH) * Int(g.kernelW))
    case .averagePooling(let g):
      return row(.averagePool, outputs * Int(g.geometry.kernelH) * Int(g.geometry.kernelW))
    case .sumPooling(let g):
      return row(.sumPool, outputs * Int(g.geometry.kernelH) * Int(g.geometry.kernelW))
    case .globalAveragePooling:
      return row(.globalAveragePool, inputs)
    case .add:
      return row(kernels == .optimized ? .add : .addReference, 0)
    case .mul:
      return row(kernels == .optimized ? .mul : .mulReference, 0)
    case .lookupTable:
      return row(.table, 0)
    case .clamp:
      return row(.clamp, 0)
    case .softmax(let axis), .float(.softmax(let axis)):
      let shape = program.tensors[step.output].shape
      let a = axis < 0 ? axis + shape.count : axis
      let size = a >= 0 && a < shape.count ? shape[a] : 1
      return row(.softmax, outputs / max(size, 1))
    case .softmaxTFLite:
      let shape = program.tensors[step.output].shape
      return row(.softmaxTFLite, outputs / max(shape.last ?? 1, 1))
    case .concatenate, .transpose, .slice, .pad, .dataMovement:
      return row(.dataMovement, 0)
    case .copy:
      return row(.copy, 0)
    case .quantize:
      return row(.quantize, 0)
    case .dequantize:
      return row(.dequantize, 0)
    case .float:
      return row(macs == 0 ? .floatElementwise : .float, macs)
    case .function:
      return row(.function, macs)
    }
  }

  /// Features of `nnc_conv_s8` (the reference kernel: plain loops over out channels, output
  /// pixels, in channels of the group, kernel rows, kernel columns, with a bound check on every
  /// row and every tap, the taps in the padding skipped), and of the `nnc_maxpool_s8` after it
  /// when a max pooling is fused: `[1, MACs inside the input, convolution outputs, kernel-row
  /// iterations, taps skipped in the left/right padding of rows inside, pooling window reads,
  /// pooled outputs]`.
  public static func referenceConvolutionFeatures(_ c: Int8WeightLayer<ConvS8Params>) -> [Double] {
    let p = c.params
    func inside(_ out: Int32, _ stride: Int32, _ pad: Int32, _ kernel: Int32, _ dilation: Int32, _ size: Int32) -> Int {
      (0..<Int(out)).map { o in
        (0..<Int(kernel)).filter { k in
          let i = o * Int(stride) - Int(pad) + k * Int(dilation)
          return i >= 0 && i < Int(size)
        }.count
      }.reduce(0, +)
    }
    let rowsInside = inside(p.outH, p.strideH, p.padH, p.kernelH, p.dilationH, p.inH)
    let colsInside = inside(p.outW, p.strideW, p.padW, p.kernelW, p.dilationW, p.inW)
    let perGroup = Int(p.inC) / max(Int(p.group), 1)
    let filters = Int(p.batch) * Int(p.outC) * perGroup
    let outputs = Int(p.batch) * Int(p.outC) * Int(p.outH) * Int(p.outW)
    let macs = filters * rowsInside * colsInside
    let rowIterations = outputs * perGroup * Int(p.kernelH)
    let skipped = filters * rowsInside * (Int(p.outW) * Int(p.kernelW) - colsInside)
    var x = [1, Double(macs), Double(outputs), Double(rowIterations), Double(skipped), 0, 0]
    if let pool = c.fusedMaxPool {
      let pooled = Int(pool.outer) * Int(pool.outH) * Int(pool.outW)
      x[5] = Double(pooled * Int(pool.kernelH) * Int(pool.kernelW))
      x[6] = Double(pooled)
    }
    return x
  }

  /// Output pixels of a convolution whose window reaches into the padding (top, bottom, left or
  /// right border), over the batch.
  public static func borderPixels(_ p: ConvS8Params) -> Int {
    func border(_ out: Int32, _ stride: Int32, _ pad: Int32, _ kernel: Int32, _ dilation: Int32, _ size: Int32) -> Int {
      (0..<Int(out)).filter { o in
        let start = o * Int(stride) - Int(pad)
        return start < 0 || start + Int(kernel - 1) * Int(dilation) >= Int(size)
      }.count
    }
    let rows = border(p.outH, p.strideH, p.padH, p.kernelH, p.dilationH, p.inH)
    let cols = border(p.outW, p.strideW, p.padW, p.kernelW, p.dilationW, p.inW)
    return Int(p.batch) * (rows * Int(p.outW) + cols * Int(p.outH) - rows * cols)
  }

  /// The coefficients `[a, b, c, d(, e, f, g)]` of a kind: the fitted table's, else a rough guess (a call,
  /// a cycle a MAC, a few an element) for kinds no profiled model had.
  public static func coefficients(_ kind: CycleStepKind) -> [Double] {
    CycleCoefficients.table[kind] ?? [60, 1.0, 6, 2]
  }

  /// Predicted cycles of one step (0 for a copy the planner turned into an alias).
  public static func stepCycles(_ step: ProgramStep, in program: Int8Program, kernels: KernelSet) -> Int {
    let (kind, x) = features(step, in: program, kernels: kernels)
    let coef = coefficients(kind)
    let value = zip(coef, x).map { $0 * $1 }.reduce(0, +)
    return max(0, Int(value.rounded()))
  }

  /// The call's own cycles besides its steps (entry, the glue between steps, the return).
  public static var callCycles: Int { Int(CycleCoefficients.callCycles.rounded()) }

  /// The whole model call: every step plus `callCycles`.
  public static func predictedCycles(program: Int8Program, kernels: KernelSet) -> (total: Int, perStep: [Int]) {
    let perStep = program.steps.map { stepCycles($0, in: program, kernels: kernels) }
    return (perStep.reduce(0, +) + callCycles, perStep)
  }
}
