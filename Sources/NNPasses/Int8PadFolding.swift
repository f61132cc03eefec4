import NNIR

/// Folds a constant Pad step of an int8 program into the convolution that reads it.
///
/// A convolution's taps outside its input contribute nothing (`nnc_conv_s8`: "the padding is the
/// real value 0"), and a Pad with the input's zero point writes exactly the real value 0. So Pad
/// `(top, bottom)`, `(left, right)` on H and W followed by a convolution with padding `(pH, pW)`
/// computes the same int32 sums, hence the same bytes, as the convolution alone on the unpadded
/// input with padding `(pH + top, pW + left)` and the same output size: the window origins are the
/// same, and every tap that read the Pad's border now falls outside the input. The int8
/// parameters carry the output size explicitly, so the padding after the input (bottom, right)
/// need not be representable: TensorFlow's `SAME` padding before a stride-2 convolution,
/// `(0, 1)`, folds too.
///
/// A Pad step is folded only when all of these hold:
/// - constant mode, and its value is its input's zero point;
/// - a 4-D NCHW input, padded on H and W only;
/// - its only reader is one convolution step (any group, fused max pooling or not), as that
///   step's input, and it is no program output;
/// - for `.optimized` kernels, either the convolution runs on `nnc_dwconv_s8`
///   (`DepthwisePackedWeights.runsOnDepthwiseKernel`), which copies each plane into a border of the
///   zero point anyway and takes the padding after the input from the output size (vww's `(0, 1)`
///   Pads before its stride-2 depthwise convolutions), or no window of the folded convolution
///   touches its padding (a Pad no window reads, as `(0, 1)` before a stride-2 convolution on an
///   odd size): `nnc_conv_s8_opt` runs a per-tap path for every padded pixel, which costs more
///   than the Pad's copy (kws's first layer: +73k cycles folded), and takes a padding of zero to
///   mean that no window leaves the input. The reference kernel checks every tap anyway, so
///   `.reference` folds any such Pad.
///
/// The Pad step is removed and the convolution reads the Pad's input; the Pad's output tensor
/// stays in `tensors`, unread (tensor indices do not change).
public enum Int8PadFolding {
  /// Which convolution kernels will run the program (see the last rule above).
  public enum Kernels: Sendable { case reference, optimized }

  /// The folded program and the names of the Pad steps that were folded, in program order.
  public static func fold(_ program: Int8Program, for kernels: Kernels) -> (Int8Program, folded: [String]) {
    var p = program
    var removed = Set<Int>()
    var folded: [String] = []
    for (i, step) in program.steps.enumerated() {
      guard let (reader, layer) = foldedConvolution(i, step, in: program, kernels) else { continue }
      p.steps[reader].kernel = .convolution(layer)
      p.steps[reader].inputs[0] = step.inputs[0]
      removed.insert(i)
      folded.append(step.name)
    }
    guard !removed.isEmpty else { return (program, []) }
    p.steps = p.steps.indices.filter { !removed.contains($0) }.map { p.steps[$0] }
    return (p, folded)
  }

  /// The convolution step reading Pad step `i` and its parameters with the Pad folded in, or nil
  /// when the rules above do not all hold.
  private static func foldedConvolution(_ i: Int, _ step: ProgramStep, in program: Int8Program, _ kernels: Kernels)
    -> (Int, Int8WeightLayer<ConvS8Params>)?
  {
    guard case .pad(let attrs, let value) = step.kernel, attrs.mode == .constant, step.inputs.count == 1
    else { return nil }
    let (x, y) = (step.inputs[0], step.output)
    let input = program.tensors[x]
    guard let q = input.quant, Int32(value) == q.zeroPoint, input.type == .int8, input.shape.count == 4 else { return nil }
    guard let (top, left) = spatialPadding(attrs.padWidth, rank: 4) else { return nil }
    guard !program.outputs.contains(y), !program.quantizedOutputs.contains(y) else { return nil }
    let readers = program.steps.indices.filter { program.steps[$0].inputs.contains(y) }
    guard readers.count == 1, let r = readers.first, r > i, program.steps[r].inputs.filter({ $0 == y }).count == 1,
      program.steps[r].inputs.first == y, case .convolution(var layer) = program.steps[r].kernel
    else { return nil }
    var c = layer.params
    guard Int(c.inH) == program.tensors[y].shape[2], Int(c.inW) == program.tensors[y].shape[3],
      Int(c.batch) == input.shape[0], Int(c.inC) == input.shape[1]
    else { return nil }
    c.inH = Int32(input.shape[2])
    c.inW = Int32(input.shape[3])
    c.padH += Int32(top)
    c.padW += Int32(left)
    if kernels == .optimized && !DepthwisePackedWeights.runsOnDepthwiseKernel(layer) {
      let lastRow = (c.outH - 1) * c.strideH + (c.kernelH - 1) * c.dilationH
      let lastColumn = (c.outW - 1) * c.strideW + (c.kernelW - 1) * c.dilationW
      guard c.padH == 0, c.padW == 0, lastRow < c.inH, lastColumn < c.inW else { return nil }
    }
    layer.params = c
    return (r, layer)
  }

  /// `(top, left)` when `padWidth` (pairs for the trailing axes, outermost first) pads only the
  /// last two of `rank` axes; nil otherwise.
  static func spatialPadding(_ padWidth: [Int], rank: Int) -> (Int, Int)? {
    guard padWidth.count % 2 == 0, padWidth.count / 2 <= rank, padWidth.allSatisfy({ $0 >= 0 }) else { return nil }
    let axes = padWidth.count / 2
    var top = 0, left = 0
    for a in 0..<axes {
      let axis = rank - axes + a
      let (before, after) = (padWidth[2 * a], padWidth[2 * a + 1])
      switch axis {
      case rank - 2: top = before
      case rank - 1: left = before
      default: if before != 0 || after != 0 { return nil }
      }
    }
    return (top, left)
  }
}
