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

/// One kernel call with every integer it needs, precomputed. The payloads are the Swift twins of
/// the C parameter structs (`NNIR/Quantization`, `NNIR/KernelParams`), so the C emitter writes
/// and the Swift reference reads the very same numbers.
public enum Int8Kernel: Sendable {
  /// float → int8 with the output tensor's parameters.
  case quantize
  /// int8 → float with the input tensor's parameters.
  case dequantize
  case convolution(Int8WeightLayer<ConvS8Params>)
  case affine(Int8WeightLayer<AffineS8Params>)
  /// Output keeps the input's parameters.
  case maxPooling(PoolParams)
  case averagePooling(PoolS8Params)
  case sumPooling(PoolS8Params)
  case globalAveragePooling(GlobalPoolS8Params)
  /// Add2 and Sub2 (Sub2 negates the second input's multiplier).
  case add(AddS8Params)
  case mul(MulS8Params)
  /// `y = table[x + 128]`: any element-wise function of one input.
  case lookupTable([Int8])
  /// ReLU / ReLU6 on a tensor that keeps its parameters.
  case clamp(lo: Int8, hi: Int8)
  /// One call per input; nil rescale = plain copy (same parameters).
  case concatenate(axis: Int, rescales: [RescaleS8Params?])
  case transpose(axes: [Int])
  case slice(SliceAttributes)
  case pad(PadAttributes, value: Int8)
  /// Dequantize, float softmax, quantize: the FPU path.
  case softmax(axis: Int)
  /// TFLite's integer softmax (imported int8 `.tflite`): TFLM's bytes, output (1/256, −128).
  case softmaxTFLite(SoftmaxTFLiteS8Params)
  /// A byte copy (a reshape that cannot alias).
  case copy
  /// A float op on float tensors (the fallback), computed by the float kernels.
  case float(Op)
  /// A `.dataMovement` function on int8 codes: output and inputs share one set of parameters.
  case dataMovement(FunctionCall)
  /// A `.custom` function's own int8 kernel (`NNFunction.int8Kernel`).
  case function(name: String, kernel: any Int8FunctionKernel)
}

/// A convolution or affine layer: its kernel parameters and its constants. Weights are int8 per
/// output channel (`[outC][inC/group][kh][kw]`, or `[out][in]` for affine: nnabla's `[in, out]`
/// transposed at compile time), biases int32 at scale `s_in * s_w[c]`, and one multiplier and
/// shift per output channel.
public struct Int8WeightLayer<Params: Sendable>: Sendable {
  public var params: Params
  public var weights: [Int8]
  public var bias: [Int32]?
  public var multipliers: [Int32]
  public var shifts: [Int32]
  /// Convolutions only: a max pooling fused after the layer (non-overlapping windows, no
  /// padding). The step's output is the pooled tensor; it means `maxPooling(convolution(x))`,
  /// which is how the Swift reference computes it. The quantizer fuses only when every
  /// multiplier is >= 0, so requantization is monotone and the C may pool the accumulators.
  public var fusedMaxPool: PoolParams?
  public init(
    params: Params, weights: [Int8], bias: [Int32]?, multipliers: [Int32], shifts: [Int32], fusedMaxPool: PoolParams? = nil
  ) {
    self.params = params
    self.weights = weights
    self.bias = bias
    self.multipliers = multipliers
    self.shifts = shifts
    self.fusedMaxPool = fusedMaxPool
  }
}
