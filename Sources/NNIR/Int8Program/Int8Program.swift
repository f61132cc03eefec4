/// An int8 model after quantization: a straight-line list of kernel steps over typed tensors.
///
/// It is what both the Swift int8 reference interpreter and the C emitter consume, so the two see
/// exactly the same integers (multipliers, shifts, offsets, tables) and produce the same bytes.
/// The caller feeds and receives float32 (`inputs`/`outputs` are float tensors); `quantize` and
/// `dequantize` steps sit at the edges and around any op that runs in float.
public struct Int8Program: Sendable {
  public var name: String
  public var tensors: [ProgramTensor]
  public var steps: [ProgramStep]
  /// Float tensors the caller provides, in the model's input order.
  public var inputs: [Int]
  /// Float tensors returned to the caller, in the model's output order.
  public var outputs: [Int]
  /// The int8 tensor behind each input (for the int8 entry point), in input order.
  public var quantizedInputs: [Int]
  /// The int8 tensor behind each output, or nil when that output is produced in float.
  public var quantizedOutputs: [Int?]
  /// What the quantizer did that a user should know: folded BatchNormalizations, fused
  /// activations, ops that run in float.
  public var notes: [String]

  public init(
    name: String, tensors: [ProgramTensor], steps: [ProgramStep], inputs: [Int], outputs: [Int],
    quantizedInputs: [Int], quantizedOutputs: [Int?], notes: [String]
  ) {
    self.name = name
    self.tensors = tensors
    self.steps = steps
    self.inputs = inputs
    self.outputs = outputs
    self.quantizedInputs = quantizedInputs
    self.quantizedOutputs = quantizedOutputs
    self.notes = notes
  }
}

public enum ElementType: String, Sendable, Codable {
  case float32, int8
  public var bytes: Int { self == .float32 ? 4 : 1 }
}

public struct ProgramTensor: Sendable {
  public var name: String
  public var shape: [Int]
  public var type: ElementType
  /// Set for int8 tensors.
  public var quant: QuantParams?
  /// The tensor of the float graph this one stands for (for per-layer comparison), if any.
  public var floatTensor: Int?
  /// Constant data (weights, biases, tables live inside the step; this is for float parameters
  /// that float-fallback steps read).
  public var floatData: FloatTensor?

  public init(name: String, shape: [Int], type: ElementType, quant: QuantParams? = nil, floatTensor: Int? = nil, floatData: FloatTensor? = nil) {
    self.name = name
    self.shape = shape
    self.type = type
    self.quant = quant
    self.floatTensor = floatTensor
    self.floatData = floatData
  }

  public var elementCount: Int { shape.reduce(1, *) }
  public var isConstant: Bool { floatData != nil }
  public var bytes: Int { isConstant ? 0 : elementCount * type.bytes }
}

/// How a step's output may share its first input's bytes.
public enum StepReuse: Sendable {
  case none
  /// The output is the input's bytes (reshape, or an op that only changes quantization labels).
  case alias
  /// The kernel may write its output over its first input.
  case inPlace
}

public struct ProgramStep: Sendable {
  /// The float node it implements (or what it converts), for comments and per-layer reports.
  public var name: String
  public var kernel: Int8Kernel
  public var inputs: [Int]
  public var output: Int
  public var reuse: StepReuse

  public init(name: String, kernel: Int8Kernel, inputs: [Int], output: Int, reuse: StepReuse = .none) {
    self.name = name
    self.kernel = kernel
    self.inputs = inputs
    self.output = output
    self.reuse = reuse
  }
}

/// One kernel call with every integer it needs, precomputed.
public enum Int8Kernel: Sendable {
  /// float → int8 with the output tensor's parameters.
  case quantize
  /// int8 → float with the input tensor's parameters.
  case dequantize
  case convolution(Int8Convolution)
  case affine(Int8Affine)
  /// Output keeps the input's parameters.
  case maxPooling(PoolGeometry)
  case averagePooling(Int8Pooling)
  case sumPooling(Int8Pooling)
  case globalAveragePooling(Int8GlobalPooling)
  /// Add2 and Sub2 (Sub2 negates the second input's multiplier).
  case add(Int8Add)
  case mul(Int8Mul)
  /// `y = table[x + 128]`: any element-wise function of one input.
  case lookupTable([Int8])
  /// ReLU / ReLU6 on a tensor that keeps its parameters.
  case clamp(lo: Int8, hi: Int8)
  /// One call per input; nil rescale = plain copy (same parameters).
  case concatenate(axis: Int, rescales: [Requantization?])
  case transpose(axes: [Int])
  case slice(SliceAttributes)
  case pad(PadAttributes, value: Int8)
  /// Dequantize, float softmax, quantize: the FPU path.
  case softmax(axis: Int)
  /// A byte copy (a reshape that cannot alias).
  case copy
  /// A float op on float tensors (the fallback), computed by the float kernels.
  case float(Op)
}

/// `y = clamp(requantize(x + inputOffset) + outputOffset)`: moves int8 values to other parameters.
public struct Requantization: Sendable, Equatable {
  public var inputOffset: Int32
  public var outputOffset: Int32
  public var multiplier: Int32
  public var shift: Int32
  public init(inputOffset: Int32, outputOffset: Int32, multiplier: Int32, shift: Int32) {
    self.inputOffset = inputOffset
    self.outputOffset = outputOffset
    self.multiplier = multiplier
    self.shift = shift
  }
}

/// Convolution geometry as the C kernels take it: 2-D, 1-D maps as H = 1.
public struct ConvGeometry: Sendable, Equatable {
  public var batch, inC, inH, inW, outC, outH, outW: Int
  public var kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, group: Int
  public init(
    batch: Int, inC: Int, inH: Int, inW: Int, outC: Int, outH: Int, outW: Int, kernelH: Int, kernelW: Int,
    strideH: Int, strideW: Int, padH: Int, padW: Int, dilationH: Int, dilationW: Int, group: Int
  ) {
    (self.batch, self.inC, self.inH, self.inW, self.outC, self.outH, self.outW) = (batch, inC, inH, inW, outC, outH, outW)
    (self.kernelH, self.kernelW, self.strideH, self.strideW) = (kernelH, kernelW, strideH, strideW)
    (self.padH, self.padW, self.dilationH, self.dilationW, self.group) = (padH, padW, dilationH, dilationW, group)
  }
}

/// Pooling geometry as the C kernels take it.
public struct PoolGeometry: Sendable, Equatable {
  public var outer, inH, inW, outH, outW, kernelH, kernelW, strideH, strideW, padH, padW: Int
  public var includingPad: Bool
  public init(
    outer: Int, inH: Int, inW: Int, outH: Int, outW: Int, kernelH: Int, kernelW: Int, strideH: Int, strideW: Int,
    padH: Int, padW: Int, includingPad: Bool
  ) {
    (self.outer, self.inH, self.inW, self.outH, self.outW) = (outer, inH, inW, outH, outW)
    (self.kernelH, self.kernelW, self.strideH, self.strideW, self.padH, self.padW) = (kernelH, kernelW, strideH, strideW, padH, padW)
    self.includingPad = includingPad
  }
}

/// Weights int8 per output channel, bias int32 at scale `s_in * s_w[c]`, one multiplier and shift
/// per output channel, and the clamp of a fused ReLU/ReLU6 (or the int8 range).
public struct Int8Convolution: Sendable {
  public var geometry: ConvGeometry
  /// `[outC][inC/group][kh][kw]`.
  public var weights: [Int8]
  public var bias: [Int32]?
  public var multipliers: [Int32]
  public var shifts: [Int32]
  public var inputOffset: Int32
  public var outputOffset: Int32
  public var activationMin: Int32
  public var activationMax: Int32
  public init(
    geometry: ConvGeometry, weights: [Int8], bias: [Int32]?, multipliers: [Int32], shifts: [Int32],
    inputOffset: Int32, outputOffset: Int32, activationMin: Int32, activationMax: Int32
  ) {
    self.geometry = geometry
    self.weights = weights
    self.bias = bias
    self.multipliers = multipliers
    self.shifts = shifts
    self.inputOffset = inputOffset
    self.outputOffset = outputOffset
    self.activationMin = activationMin
    self.activationMax = activationMax
  }
}

public struct Int8Affine: Sendable {
  public var outer: Int
  public var inFeatures: Int
  public var outFeatures: Int
  /// `[outFeatures][inFeatures]` (nnabla's `[in, out]` transposed at compile time).
  public var weights: [Int8]
  public var bias: [Int32]?
  public var multipliers: [Int32]
  public var shifts: [Int32]
  public var inputOffset: Int32
  public var outputOffset: Int32
  public var activationMin: Int32
  public var activationMax: Int32
  public init(
    outer: Int, inFeatures: Int, outFeatures: Int, weights: [Int8], bias: [Int32]?, multipliers: [Int32],
    shifts: [Int32], inputOffset: Int32, outputOffset: Int32, activationMin: Int32, activationMax: Int32
  ) {
    self.outer = outer
    self.inFeatures = inFeatures
    self.outFeatures = outFeatures
    self.weights = weights
    self.bias = bias
    self.multipliers = multipliers
    self.shifts = shifts
    self.inputOffset = inputOffset
    self.outputOffset = outputOffset
    self.activationMin = activationMin
    self.activationMax = activationMax
  }
}

public struct Int8Pooling: Sendable {
  public var geometry: PoolGeometry
  public var requantization: Requantization
  public var activationMin: Int32
  public var activationMax: Int32
  public init(geometry: PoolGeometry, requantization: Requantization, activationMin: Int32 = -128, activationMax: Int32 = 127) {
    self.geometry = geometry
    self.requantization = requantization
    self.activationMin = activationMin
    self.activationMax = activationMax
  }
}

public struct Int8GlobalPooling: Sendable {
  public var outer: Int
  public var size: Int
  public var requantization: Requantization
  public init(outer: Int, size: Int, requantization: Requantization) {
    self.outer = outer
    self.size = size
    self.requantization = requantization
  }
}

/// Broadcast strides as `nnc_binary_params` takes them: 0 where an input is broadcast.
public struct BroadcastGeometry: Sendable, Equatable {
  public var shape: [Int]
  public var aStrides: [Int]
  public var bStrides: [Int]
  public init(shape: [Int], aStrides: [Int], bStrides: [Int]) {
    self.shape = shape
    self.aStrides = aStrides
    self.bStrides = bStrides
  }

  /// Output shape `y`, inputs `a`, `b` aligned at the right (numpy).
  public init(y: [Int], a: [Int], b: [Int]) {
    func strides(_ s: [Int]) -> [Int] {
      let aligned = [Int](repeating: 1, count: y.count - s.count) + s
      var row = [Int](repeating: 1, count: aligned.count)
      for i in stride(from: aligned.count - 2, through: 0, by: -1) { row[i] = row[i + 1] * aligned[i + 1] }
      return aligned.indices.map { aligned[$0] == 1 ? 0 : row[$0] }
    }
    self.init(shape: y, aStrides: strides(a), bStrides: strides(b))
  }
}

/// TFLite's add: both inputs scaled up by `2^leftShift`, moved to a common scale, summed, and the
/// sum requantized to the output.
public struct Int8Add: Sendable {
  public var geometry: BroadcastGeometry
  public var aOffset: Int32
  public var bOffset: Int32
  public var leftShift: Int32
  public var aMultiplier: Int32
  public var aShift: Int32
  public var bMultiplier: Int32
  public var bShift: Int32
  public var outputMultiplier: Int32
  public var outputShift: Int32
  public var outputOffset: Int32
  public var activationMin: Int32
  public var activationMax: Int32
  public init(
    geometry: BroadcastGeometry, aOffset: Int32, bOffset: Int32, leftShift: Int32, aMultiplier: Int32, aShift: Int32,
    bMultiplier: Int32, bShift: Int32, outputMultiplier: Int32, outputShift: Int32, outputOffset: Int32,
    activationMin: Int32, activationMax: Int32
  ) {
    self.geometry = geometry
    self.aOffset = aOffset
    self.bOffset = bOffset
    self.leftShift = leftShift
    self.aMultiplier = aMultiplier
    self.aShift = aShift
    self.bMultiplier = bMultiplier
    self.bShift = bShift
    self.outputMultiplier = outputMultiplier
    self.outputShift = outputShift
    self.outputOffset = outputOffset
    self.activationMin = activationMin
    self.activationMax = activationMax
  }
}

public struct Int8Mul: Sendable {
  public var geometry: BroadcastGeometry
  public var aOffset: Int32
  public var bOffset: Int32
  public var outputMultiplier: Int32
  public var outputShift: Int32
  public var outputOffset: Int32
  public var activationMin: Int32
  public var activationMax: Int32
  public init(
    geometry: BroadcastGeometry, aOffset: Int32, bOffset: Int32, outputMultiplier: Int32, outputShift: Int32,
    outputOffset: Int32, activationMin: Int32, activationMax: Int32
  ) {
    self.geometry = geometry
    self.aOffset = aOffset
    self.bOffset = bOffset
    self.outputMultiplier = outputMultiplier
    self.outputShift = outputShift
    self.outputOffset = outputOffset
    self.activationMin = activationMin
    self.activationMax = activationMax
  }
}
