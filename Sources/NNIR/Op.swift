/// One operation of the graph, with its attributes resolved to plain values.
///
/// Attributes use nnabla's semantics (see `functions.yaml`): spatial attributes (`kernel`, `pad`,
/// `stride`, `dilation`) list one value per spatial axis, outermost first; activations are NCHW
/// (channel-first) with the batch axes before `baseAxis`.
public enum Op: Sendable, Equatable {
  // Layers with parameters
  /// y = x·W + b; W is `[prod(x.shape[baseAxis...]), out...]`.
  case affine(AffineAttributes)
  /// Inputs x, W `[outC, inC/group, k...]`, optional b `[outC]`.
  case convolution(ConvolutionAttributes)
  /// Inputs x, W `[inC*multiplier, k...]`, optional b.
  case depthwiseConvolution(DepthwiseConvolutionAttributes)
  /// Inputs x, W `[inC, outC/group, k...]`, optional b.
  case deconvolution(DeconvolutionAttributes)
  /// Inputs x, beta, gamma, mean, variance (inference form: the stored statistics are used).
  case batchNormalization(BatchNormalizationAttributes)

  // Pooling
  case maxPooling(PoolingAttributes)
  case averagePooling(PoolingAttributes)
  case sumPooling(PoolingAttributes)
  /// Mean over all spatial axes: `[N, C, ...] -> [N, C, 1, 1]`.
  case globalAveragePooling

  // Element-wise activations
  case relu
  case relu6
  case leakyReLU(alpha: Float)
  case elu(alpha: Float)
  case sigmoid
  case tanh
  case swish
  case softmax(axis: Int)

  // Arithmetic (binary ops broadcast numpy-style)
  case add2
  case sub2
  case mul2
  case div2
  case addScalar(value: Double)
  case mulScalar(value: Double)

  // Shape and data movement
  case concatenate(axis: Int)
  case reshape(shape: [Int])
  case transpose(axes: [Int])
  case slice(SliceAttributes)
  case pad(PadAttributes)
  case dropout(p: Double)
  case identity

  /// Every other nnabla function: one `NNFunction` type each (`Sources/NNFunctions/`), which
  /// carries its own shape rule, semantics, C, int8 lowering and gradient. May have several
  /// outputs.
  case function(FunctionCall)
}

public struct AffineAttributes: Sendable, Equatable {
  public var baseAxis: Int
  public init(baseAxis: Int = 1) { self.baseAxis = baseAxis }
}

public struct ConvolutionAttributes: Sendable, Equatable {
  public var baseAxis: Int
  public var pad: [Int]
  public var stride: [Int]
  public var dilation: [Int]
  public var group: Int
  public init(baseAxis: Int = 1, pad: [Int], stride: [Int], dilation: [Int], group: Int = 1) {
    self.baseAxis = baseAxis
    self.pad = pad
    self.stride = stride
    self.dilation = dilation
    self.group = group
  }
}

public struct DepthwiseConvolutionAttributes: Sendable, Equatable {
  public var baseAxis: Int
  public var pad: [Int]
  public var stride: [Int]
  public var dilation: [Int]
  public var multiplier: Int
  public init(baseAxis: Int = 1, pad: [Int], stride: [Int], dilation: [Int], multiplier: Int = 1) {
    self.baseAxis = baseAxis
    self.pad = pad
    self.stride = stride
    self.dilation = dilation
    self.multiplier = multiplier
  }
}

public struct DeconvolutionAttributes: Sendable, Equatable {
  public var baseAxis: Int
  public var pad: [Int]
  public var stride: [Int]
  public var dilation: [Int]
  public var group: Int
  /// Extra rows/columns added at the end of each spatial axis of the output.
  public var outputPadding: [Int]
  public init(
    baseAxis: Int = 1, pad: [Int], stride: [Int], dilation: [Int], group: Int = 1,
    outputPadding: [Int]
  ) {
    self.baseAxis = baseAxis
    self.pad = pad
    self.stride = stride
    self.dilation = dilation
    self.group = group
    self.outputPadding = outputPadding
  }
}

public struct BatchNormalizationAttributes: Sendable, Equatable {
  /// The channel axes (nnabla allows one; typically `[1]`).
  public var axes: [Int]
  public var eps: Float
  public init(axes: [Int] = [1], eps: Float = 1e-5) {
    self.axes = axes
    self.eps = eps
  }
}

/// Max/average/sum pooling over the trailing `kernel.count` axes.
public struct PoolingAttributes: Sendable, Equatable {
  public var kernel: [Int]
  public var stride: [Int]
  /// When false, a last partial window past the input edge still produces an output.
  public var ignoreBorder: Bool
  public var pad: [Int]
  /// Average pooling only: count padded positions in the divisor.
  public var includingPad: Bool
  public init(
    kernel: [Int], stride: [Int], ignoreBorder: Bool = true, pad: [Int], includingPad: Bool = true
  ) {
    self.kernel = kernel
    self.stride = stride
    self.ignoreBorder = ignoreBorder
    self.pad = pad
    self.includingPad = includingPad
  }
}

/// `start`, `stop`, `step` per axis, resolved for the input shape as Python's `slice.indices`
/// does (the importer resolves nnabla's negative forms): with step > 0, 0 ≤ start ≤ stop ≤ n;
/// with step < 0, -1 ≤ stop ≤ start ≤ n - 1, where stop -1 means "down to index 0 inclusive".
public struct SliceAttributes: Sendable, Equatable {
  public var start: [Int]
  public var stop: [Int]
  public var step: [Int]
  public init(start: [Int], stop: [Int], step: [Int]) {
    self.start = start
    self.stop = stop
    self.step = step
  }
}

public struct PadAttributes: Sendable, Equatable {
  public enum Mode: String, Sendable, Equatable {
    case constant, reflect, repeating = "repeat"
  }
  /// Pairs `(before, after)` for the trailing `padWidth.count / 2` axes, outermost first.
  public var padWidth: [Int]
  public var mode: Mode
  public var constantValue: Float
  public init(padWidth: [Int], mode: Mode = .constant, constantValue: Float = 0) {
    self.padWidth = padWidth
    self.mode = mode
    self.constantValue = constantValue
  }
}
