/// The constants of `nnc_dwconv_s8` (layout in `runtime-c/include/nnc_int8.h`), made from a
/// depthwise convolution's reference constants at compile time: the weights stay exactly as the
/// reference kernel reads them (`[outC][kernelH][kernelW]`, one input channel per output channel;
/// the kernel builds its SMLAD operand pairs per channel itself), and the input offset is folded
/// into the bias, `bias' = bias + inputOffset·Σw` (wrapping, as the kernel sums), so that the
/// kernel reads activations as they are and pads with the input zero point.
public struct DepthwisePackedWeights: Sendable, Equatable {
  public var weights: [Int8]
  public var bias: [Int32]

  /// True for a depthwise convolution, which `nnc_dwconv_s8` computes: one input channel per group,
  /// a whole number of output channels per input channel. A single-channel input (group 1) is left
  /// to the general kernel, whose column blocks suit a dense convolution better.
  public static func isDepthwise(_ p: ConvS8Params) -> Bool {
    p.group > 1 && p.group == p.inC && p.outC % p.inC == 0
  }

  /// True when the optimized emitter sends this convolution to `nnc_dwconv_s8` (no im2col): a
  /// depthwise convolution without a fused max pooling.
  public static func runsOnDepthwiseKernel(_ conv: Int8WeightLayer<ConvS8Params>) -> Bool {
    conv.fusedMaxPool == nil && isDepthwise(conv.params)
  }

  /// `weights` is `[channels][K]`, K = kernelH·kernelW.
  public init(weights: [Int8], bias: [Int32]?, channels: Int, inputOffset: Int32) {
    precondition(channels > 0 && weights.count % channels == 0)
    let k = weights.count / channels
    var folded = bias ?? [Int32](repeating: 0, count: channels)
    for c in 0..<channels {
      var sum: Int32 = 0
      for i in 0..<k { sum &+= Int32(weights[c * k + i]) }
      folded[c] = folded[c] &+ inputOffset &* sum
    }
    self.weights = weights
    self.bias = folded
  }

  /// `nnc_dwconv_s8`'s scratch bytes: one input plane inside its padding, plus 4 bytes of slack for
  /// a word read past the last tap, when it pads. The padding after the input is `padH` (`padW`),
  /// or more where `outH` (`outW`) implies it (a folded asymmetric Pad), as the kernel computes it.
  public static func scratchBytes(_ p: ConvS8Params) -> Int {
    let bottom = padAfter(p.inH, p.padH, p.outH, p.strideH, p.kernelH, p.dilationH)
    let right = padAfter(p.inW, p.padW, p.outW, p.strideW, p.kernelW, p.dilationW)
    guard p.padH > 0 || p.padW > 0 || bottom > 0 || right > 0 else { return 0 }
    return Int(p.padH + p.inH + bottom) * Int(p.padW + p.inW + right) + 4
  }

  /// The rows (columns) of padding after the input that the last window reaches, at least `pad`.
  static func padAfter(_ input: Int32, _ pad: Int32, _ output: Int32, _ stride: Int32, _ kernel: Int32, _ dilation: Int32)
    -> Int32
  {
    max(pad, (output - 1) * stride + (kernel - 1) * dilation + 1 - input - pad)
  }
}
