import NNFormats
import NNIR

/// Maps one nnabla function (type name + `<snake_name>_param`) to an `Op`.
///
/// Absent fields: `nnabla.proto` is proto3, so an absent scalar is proto3's default (false, 0,
/// 0.0, empty), NOT the Python API's default from `functions.yaml`: nnabla's writer omits a field
/// exactly when it equals that zero value (e.g. `ignore_border: false`, `axis: 0`), and nnabla's
/// loader (`utils/load.py` -> `load_function.py`) passes `f.<x>_param.<field>` straight to the
/// C++ function, so an absent field really is 0/false when nnabla runs the file. Where nnabla's
/// C++ then special-cases the zero value it is noted at the field.
///
/// `inputShapes` are the (already batch-fixed) shapes of the function's inputs, needed for
/// defaults that depend on rank (softmax/concatenate axis, the spatial rank of a convolution).
enum NNablaFunctionMap {
  /// nnabla function types this importer understands.
  static let supportedTypes: Set<String> = [
    "Affine", "Convolution", "DepthwiseConvolution", "Deconvolution", "BatchNormalization",
    "MaxPooling", "AveragePooling", "SumPooling", "GlobalAveragePooling",
    "ReLU", "ReLU6", "LeakyReLU", "ELU", "Sigmoid", "Tanh", "Swish", "Softmax",
    "Add2", "Sub2", "Mul2", "Div2", "AddScalar", "MulScalar",
    "Concatenate", "Reshape", "Transpose", "Slice", "Pad", "Dropout", "Identity",
  ]

  static func op(for f: FunctionDef, inputShapes: [[Int]], batchSize: Int?) throws -> Op {
    let m = f.message
    let rank = inputShapes.first?.count ?? 0
    switch f.type {
    case "Affine":
      // base_axis absent = 0 (proto3); nnabla has no special case for 0 (only negatives wrap).
      return .affine(AffineAttributes(baseAxis: try m.message("affine_param")?.int("base_axis") ?? 0))
    case "Convolution":
      let p = m.message("convolution_param")
      try rejectChannelLast(p)
      let n = max((inputShapes.count > 1 ? inputShapes[1].count : 0) - 2, 1)
      return .convolution(ConvolutionAttributes(
        baseAxis: try p?.int("base_axis") ?? 0,
        pad: try dims(p, "pad", n, 0), stride: try dims(p, "stride", n, 1),
        dilation: try dims(p, "dilation", n, 1), group: try positive(p, "group")))
    case "DepthwiseConvolution":
      let p = m.message("depthwise_convolution_param")
      let n = max((inputShapes.count > 1 ? inputShapes[1].count : 0) - 1, 1)
      return .depthwiseConvolution(DepthwiseConvolutionAttributes(
        baseAxis: try p?.int("base_axis") ?? 0,
        pad: try dims(p, "pad", n, 0), stride: try dims(p, "stride", n, 1),
        dilation: try dims(p, "dilation", n, 1), multiplier: try positive(p, "multiplier")))
    case "Deconvolution":
      let p = m.message("deconvolution_param")
      try rejectChannelLast(p)
      let n = max((inputShapes.count > 1 ? inputShapes[1].count : 0) - 2, 1)
      return .deconvolution(DeconvolutionAttributes(
        baseAxis: try p?.int("base_axis") ?? 0,
        pad: try dims(p, "pad", n, 0), stride: try dims(p, "stride", n, 1),
        dilation: try dims(p, "dilation", n, 1), group: try positive(p, "group"),
        outputPadding: try dims(p, "output_padding", n, 0)))
    case "BatchNormalization":
      let p = m.message("batch_normalization_param")
      let axes = try p?.ints("axes") ?? []
      // eps absent = 0.0 (proto3). Absent axes (empty) is kept lenient as [1]: nnabla's writer
      // always writes the non-empty axes list.
      return .batchNormalization(BatchNormalizationAttributes(
        axes: axes.isEmpty ? [1] : axes, eps: Float(try p?.double("eps") ?? 0)))
    case "MaxPooling":
      return .maxPooling(try pooling(m.message("max_pooling_param"), rank: rank))
    case "AveragePooling":
      return .averagePooling(try pooling(m.message("average_pooling_param"), rank: rank))
    case "SumPooling":
      return .sumPooling(try pooling(m.message("sum_pooling_param"), rank: rank))
    case "GlobalAveragePooling": return .globalAveragePooling
    case "ReLU": return .relu
    case "ReLU6": return .relu6
    case "LeakyReLU":
      // alpha absent = 0.0 (proto3), not the Python API's 0.1 / 1.0.
      return .leakyReLU(alpha: Float(try m.message("leaky_relu_param")?.double("alpha") ?? 0))
    case "ELU": return .elu(alpha: Float(try m.message("elu_param")?.double("alpha") ?? 0))
    case "Sigmoid": return .sigmoid
    case "Tanh": return .tanh
    case "Swish": return .swish
    case "Softmax":
      return .softmax(axis: try axis(m.message("softmax_param"), rank: rank))
    case "Add2": return .add2
    case "Sub2": return .sub2
    case "Mul2": return .mul2
    case "Div2": return .div2
    // val absent = 0.0 (proto3): nnabla writes nothing for `val: 0`.
    case "AddScalar": return .addScalar(value: try m.message("add_scalar_param")?.double("val") ?? 0)
    case "MulScalar": return .mulScalar(value: try m.message("mul_scalar_param")?.double("val") ?? 0)
    case "Concatenate":
      return .concatenate(axis: try axis(m.message("concatenate_param"), rank: rank))
    case "Reshape":
      let shape = try m.message("reshape_param")?.message("shape")?.ints("dim") ?? []
      return .reshape(shape: try resolveReshape(shape, input: inputShapes.first ?? [], batchSize: batchSize))
    case "Transpose":
      return .transpose(axes: try m.message("transpose_param")?.ints("axes") ?? [])
    case "Slice":
      return .slice(try slice(m.message("slice_param"), input: inputShapes.first ?? []))
    case "Pad":
      let p = m.message("pad_param")
      // mode absent ("" in proto3) is kept lenient as "constant": nnabla always writes the mode.
      let modeName = try p?.string("mode") ?? "constant"
      guard let mode = PadAttributes.Mode(rawValue: modeName) else {
        throw DiagnosticLikeError("pad mode '\(modeName)' is not supported (constant, reflect, repeat)")
      }
      return .pad(PadAttributes(
        padWidth: try p?.ints("pad_width") ?? [], mode: mode,
        constantValue: Float(try p?.double("constant_value") ?? 0)))
    // p absent = 0.0 (proto3); Dropout is the identity at inference either way.
    case "Dropout": return .dropout(p: try m.message("dropout_param")?.double("p") ?? 0)
    case "Identity": return .identity
    default:
      throw DiagnosticLikeError("unsupported function type '\(f.type)'")
    }
  }

  private static func rejectChannelLast(_ p: ProtoTextMessage?) throws {
    if try p?.bool("channel_last") == true {
      throw DiagnosticLikeError("channel_last: true is not supported; export the model channel-first (NCHW)")
    }
  }

  /// group / multiplier: absent is proto3's 0, which nnabla cannot run (it divides the channels
  /// by it; nnabla's writer always writes the 1); say so in one line rather than guess the Python
  /// default 1. An explicit value goes on to shape inference's range checks.
  private static func positive(_ p: ProtoTextMessage?, _ name: String) throws -> Int {
    guard let value = try p?.int(name) else {
      throw DiagnosticLikeError("\(name) is absent, so 0 (nnabla.proto is proto3), and nnabla needs \(name) >= 1; write \(name): 1")
    }
    return value
  }

  /// A `Shape` sub-message (`pad { dim: 1 dim: 1 }`), or `count` copies of `fill` when absent or empty.
  /// Lenient on purpose: nnabla's writer always writes pad/stride/dilation (it never omits a
  /// repeated field it has), and nnabla's convolution would reject an empty one; the neutral
  /// fill (pad 0, stride 1, dilation 1) is the only value such a file could mean.
  private static func dims(_ p: ProtoTextMessage?, _ name: String, _ count: Int, _ fill: Int) throws -> [Int] {
    let values = try p?.message(name)?.ints("dim") ?? []
    return values.isEmpty ? [Int](repeating: fill, count: count) : values
  }

  private static func pooling(_ p: ProtoTextMessage?, rank: Int) throws -> PoolingAttributes {
    try rejectChannelLast(p)
    let kernel = try p?.message("kernel")?.ints("dim") ?? []
    guard !kernel.isEmpty else { throw DiagnosticLikeError("pooling has no kernel") }
    // An empty stride is the kernel: nnabla's PoolingConfiguration (base_pooling.cpp,
    // get_stride) copies the kernel when stride.size() == 0.
    let strideValues = try p?.message("stride")?.ints("dim") ?? []
    // ignore_border / including_pad absent = false (proto3): nnabla writes nothing for false,
    // so a real export without `ignore_border` pools the partial border windows.
    return PoolingAttributes(
      kernel: kernel, stride: strideValues.isEmpty ? kernel : strideValues,
      ignoreBorder: try p?.bool("ignore_border") ?? false,
      pad: try dims(p, "pad", kernel.count, 0),
      includingPad: try p?.bool("including_pad") ?? false)
  }

  /// An `axis` argument; negative values count from the end. Absent = 0 (proto3), not the
  /// Python API's last axis: nnabla writes nothing for `axis: 0` and loads it as 0.
  private static func axis(_ p: ProtoTextMessage?, rank: Int) throws -> Int {
    let value = try p?.int("axis") ?? 0
    return value < 0 ? value + rank : value
  }

  /// Resolves `-1` and a batch dimension written as the training batch size (NNC writes the
  /// batch size it trained with into Reshape targets) for the batch-1 graph.
  static func resolveReshape(_ shape: [Int], input: [Int], batchSize: Int?) throws -> [Int] {
    var shape = shape
    let total = try ShapeLimits.elementCount(input)
    let inferred = shape.firstIndex(of: -1)
    guard shape.filter({ $0 == -1 }).count <= 1, !shape.contains(where: { $0 < -1 }) else {
      throw DiagnosticLikeError("Reshape shape \(shape) may hold one -1 and otherwise non-negative dimensions")
    }
    // The product of the known dimensions, checked: a target like [2^32, 2^32] overflows.
    func knownCount() throws -> Int { try ShapeLimits.elementCount(shape.filter { $0 != -1 }) }
    if try inferred != nil || knownCount() != total, let b = batchSize, b > 1, shape.first == b, input.first == 1 {
      shape[0] = 1
    }
    if let inferred {
      let known = try knownCount()
      guard known > 0, total % known == 0 else {
        throw DiagnosticLikeError("Reshape target \(shape) does not divide input shape \(input)")
      }
      shape[inferred] = total / known
    }
    return shape
  }

  /// Resolves Python-style negative and out-of-range indices; missing leading axes are kept whole.
  private static func slice(_ p: ProtoTextMessage?, input: [Int]) throws -> SliceAttributes {
    var start = try p?.ints("start") ?? []
    var stop = try p?.ints("stop") ?? []
    var step = try p?.ints("step") ?? []
    guard start.count == stop.count, step.isEmpty || step.count == start.count, start.count <= input.count else {
      throw DiagnosticLikeError("Slice start/stop/step lengths \(start.count)/\(stop.count)/\(step.count) do not fit input \(input)")
    }
    if step.isEmpty { step = [Int](repeating: 1, count: start.count) }
    let lead = input.count - start.count
    start = [Int](repeating: 0, count: lead) + start
    stop = Array(input[..<lead]) + stop
    step = [Int](repeating: 1, count: lead) + step
    // nnabla resolves start/stop as Python's slice.indices does: negative counts from the end, then
    // clamp to [0, n] walking forwards or to [-1, n-1] walking backwards (-1: "before index 0").
    for i in input.indices {
      let n = input[i]
      guard step[i] != 0 else { throw DiagnosticLikeError("Slice step must not be 0") }
      func clamp(_ v: Int) -> Int {
        step[i] > 0 ? min(max(v < 0 ? v + n : v, 0), n) : min(max(v < 0 ? v + n : v, -1), n - 1)
      }
      start[i] = clamp(start[i])
      stop[i] = step[i] > 0 ? max(clamp(stop[i]), start[i]) : min(clamp(stop[i]), start[i])
    }
    return SliceAttributes(start: start, stop: stop, step: step)
  }
}
