import NNFormats

/// The subset of TensorFlow Lite's `schema.fbs` (tensorflow/lite/schema/schema.fbs, file
/// identifier "TFL3") that nncompile reads. Field ids are the schema's declaration order.
public struct TFLiteModel: Sendable {
  public var version: UInt32
  public var operatorCodes: [TFLiteOperatorCode]
  public var subgraphs: [TFLiteSubGraph]
  /// Each buffer's bytes as a range of the file (empty for none).
  public var buffers: [Range<Int>]
  public var description: String
  public var bytes: [UInt8]

  /// Parses and checks every offset; a malformed file throws one `FormatError("tflite", …)` line.
  public init(bytes: [UInt8]) throws {
    let fb = FlatBuffer(bytes: bytes)
    self.bytes = bytes
    // Tables and vectors may be shared (many tensors naming one shape vector), so what a file can
    // make the reader build is bounded by a budget in proportion to the file, not by its size.
    let budget = ReadBudget(elements: 16 * bytes.count + (1 << 20))
    do {
      guard fb.identifier == "TFL3" else {
        throw FormatError("tflite", "not a TFLite model (no 'TFL3' file identifier at byte 4)")
      }
      let model = try fb.root()
      // table Model { version:uint; operator_codes:[OperatorCode]; subgraphs:[SubGraph];
      //   description:string; buffers:[Buffer]; metadata_buffer:[int]; metadata; signature_defs }
      version = try model.uint32(0)
      operatorCodes = try budget.tables(model, 1).map { try TFLiteOperatorCode($0, budget) }
      subgraphs = try budget.tables(model, 2).map { try TFLiteSubGraph($0, budget) }
      description = try model.string(3) ?? ""
      buffers = try budget.tables(model, 4).enumerated().map { i, b in
        // table Buffer { data:[ubyte]; offset:ulong; size:ulong } (offset/size: data past 2 GB, from the file start)
        if let r = try b.byteRange(0) { return r }
        let offset = try b.uint64(1), size = try b.uint64(2)
        guard offset > 1 else { return 0..<0 }
        guard offset <= UInt64(bytes.count), size <= UInt64(bytes.count) - offset else {
          throw FormatError("tflite", "buffer \(i): data at offset \(offset) (\(size) bytes) lies outside the \(bytes.count)-byte file")
        }
        return Int(offset)..<Int(offset + size)
      }
    } catch let e as FormatError where e.format == "flatbuffers" {
      throw FormatError("tflite", e.message)
    }
  }
}

/// table OperatorCode { deprecated_builtin_code:byte; custom_code:string; version:int = 1; builtin_code:BuiltinOperator }
public struct TFLiteOperatorCode: Sendable {
  /// The operator: the larger of `deprecated_builtin_code` and `builtin_code` (the schema's rule:
  /// files before v2.4 set only the byte; newer ones set both, codes ≥ 127 only in `builtin_code`).
  public var builtinCode: Int32
  public var customCode: String?
  public var version: Int32

  init(_ t: FlatTable, _ budget: ReadBudget) throws {
    let deprecated = Int32(try t.int8(0))
    customCode = try budget.string(t, 1)
    version = try t.int32(2, default: 1)
    builtinCode = max(deprecated, try t.int32(3))
  }

  public var name: String {
    if builtinCode == TFLiteOp.custom, let customCode { return "CUSTOM(\(customCode))" }
    return TFLiteOp.name(builtinCode)
  }
}

/// table SubGraph { tensors:[Tensor]; inputs:[int]; outputs:[int]; operators:[Operator]; name:string }
public struct TFLiteSubGraph: Sendable {
  public var tensors: [TFLiteTensor]
  public var inputs: [Int32]
  public var outputs: [Int32]
  public var operators: [TFLiteOperator]
  public var name: String

  init(_ t: FlatTable, _ budget: ReadBudget) throws {
    tensors = try budget.tables(t, 0).map { try TFLiteTensor($0, budget) }
    inputs = try budget.int32s(t, 1)
    outputs = try budget.int32s(t, 2)
    operators = try budget.tables(t, 3).map { try TFLiteOperator($0, budget) }
    name = try budget.string(t, 4) ?? ""
  }
}

/// enum TensorType : byte
public enum TFLiteTensorType: UInt8, Sendable {
  case float32 = 0, float16, int32, uint8, int64, string, bool, int16, complex64, int8, float64
  case complex128, uint64, resource, variant, uint32, uint16, int4

  public var name: String { "\(self)".uppercased() }
  public var byteSize: Int? {
    switch self {
    case .float32, .int32, .uint32: 4
    case .float16, .int16, .uint16: 2
    case .uint8, .int8, .bool: 1
    case .int64, .float64, .uint64, .complex64: 8
    default: nil
    }
  }
}

/// table Tensor { shape:[int]; type:TensorType; buffer:uint; name:string; quantization:QuantizationParameters; … }
public struct TFLiteTensor: Sendable {
  public var shape: [Int32]
  public var typeCode: UInt8
  public var type: TFLiteTensorType? { TFLiteTensorType(rawValue: typeCode) }
  /// Index into `Model.buffers` (0: the schema's empty sentinel buffer).
  public var buffer: UInt32
  public var name: String
  public var quantization: TFLiteQuantization?

  init(_ t: FlatTable, _ budget: ReadBudget) throws {
    shape = try budget.int32s(t, 0)
    typeCode = try t.uint8(1)
    buffer = try t.uint32(2)
    name = try budget.string(t, 3) ?? ""
    quantization = try t.table(4).map { try TFLiteQuantization($0, budget) }
  }
}

/// table QuantizationParameters { min:[float]; max:[float]; scale:[float]; zero_point:[long];
///   details:QuantizationDetails (union: ids 4, 5); quantized_dimension:int }
/// real = scale * (q - zero_point), per channel along `quantizedDimension` when there are several.
public struct TFLiteQuantization: Sendable, Equatable {
  public var min: [Float]
  public var max: [Float]
  public var scale: [Float]
  public var zeroPoint: [Int64]
  public var quantizedDimension: Int32

  init(_ t: FlatTable, _ budget: ReadBudget) throws {
    min = try budget.spend(try t.float32s(0))
    max = try budget.spend(try t.float32s(1))
    scale = try budget.spend(try t.float32s(2))
    zeroPoint = try budget.spend(try t.int64s(3))
    quantizedDimension = try t.int32(6)
  }

  public var isEmpty: Bool { scale.isEmpty }
}

/// enum ActivationFunctionType : byte
public enum TFLiteActivation: Int8, Sendable {
  case none = 0, relu = 1, reluN1To1 = 2, relu6 = 3, tanh = 4, signBit = 5
}

/// enum Padding : byte { SAME, VALID }
public enum TFLitePadding: Int8, Sendable { case same = 0, valid = 1 }

/// The builtin options of the operators nncompile imports (union BuiltinOptions; tags from the schema).
public enum TFLiteOptions: Sendable {
  /// Conv2DOptions (tag 1) { padding; stride_w; stride_h; fused_activation_function; dilation_w_factor = 1; dilation_h_factor = 1 }
  case conv2D(padding: Int8, strideW: Int32, strideH: Int32, activation: Int8, dilationW: Int32, dilationH: Int32)
  /// DepthwiseConv2DOptions (tag 2) { padding; stride_w; stride_h; depth_multiplier; fused_activation_function; dilation_w_factor = 1; dilation_h_factor = 1 }
  case depthwiseConv2D(padding: Int8, strideW: Int32, strideH: Int32, multiplier: Int32, activation: Int8, dilationW: Int32, dilationH: Int32)
  /// Pool2DOptions (tag 5) { padding; stride_w; stride_h; filter_width; filter_height; fused_activation_function }
  case pool2D(padding: Int8, strideW: Int32, strideH: Int32, filterW: Int32, filterH: Int32, activation: Int8)
  /// FullyConnectedOptions (tag 8) { fused_activation_function; weights_format; keep_num_dims; … }
  case fullyConnected(activation: Int8, weightsFormat: Int8, keepNumDims: Bool)
  /// SoftmaxOptions (tag 9) { beta:float }
  case softmax(beta: Float)
  /// ConcatenationOptions (tag 10) { axis; fused_activation_function }
  case concatenation(axis: Int32, activation: Int8)
  /// AddOptions (11), MulOptions (21), SubOptions (28): { fused_activation_function; … }
  case arithmetic(activation: Int8)
  /// ReshapeOptions (tag 17) { new_shape:[int] }
  case reshape(newShape: [Int32])
  /// ReducerOptions (tag 27) { keep_dims:bool }
  case reducer(keepDims: Bool)
  /// StridedSliceOptions (tag 32) { begin_mask; end_mask; ellipsis_mask; new_axis_mask; shrink_axis_mask; offset:bool }
  case stridedSlice(beginMask: Int32, endMask: Int32, ellipsisMask: Int32, newAxisMask: Int32, shrinkAxisMask: Int32, offset: Bool)
  /// LeakyReluOptions (tag 75) { alpha:float }
  case leakyRelu(alpha: Float)
  /// Another options table (not read: its operator needs none of it, or is not imported).
  case other(tag: UInt8)

  init(tag: UInt8, _ t: FlatTable) throws {
    switch tag {
    case 1:
      self = .conv2D(
        padding: try t.int8(0), strideW: try t.int32(1), strideH: try t.int32(2), activation: try t.int8(3),
        dilationW: try t.int32(4, default: 1), dilationH: try t.int32(5, default: 1))
    case 2:
      self = .depthwiseConv2D(
        padding: try t.int8(0), strideW: try t.int32(1), strideH: try t.int32(2), multiplier: try t.int32(3),
        activation: try t.int8(4), dilationW: try t.int32(5, default: 1), dilationH: try t.int32(6, default: 1))
    case 5:
      self = .pool2D(
        padding: try t.int8(0), strideW: try t.int32(1), strideH: try t.int32(2), filterW: try t.int32(3),
        filterH: try t.int32(4), activation: try t.int8(5))
    case 8: self = .fullyConnected(activation: try t.int8(0), weightsFormat: try t.int8(1), keepNumDims: try t.bool(2))
    case 9: self = .softmax(beta: try t.float32(0))
    case 10: self = .concatenation(axis: try t.int32(0), activation: try t.int8(1))
    case 11, 21, 28: self = .arithmetic(activation: try t.int8(0))
    case 17: self = .reshape(newShape: try t.int32s(0))
    case 27: self = .reducer(keepDims: try t.bool(0))
    case 32:
      self = .stridedSlice(
        beginMask: try t.int32(0), endMask: try t.int32(1), ellipsisMask: try t.int32(2), newAxisMask: try t.int32(3),
        shrinkAxisMask: try t.int32(4), offset: try t.bool(5))
    case 75: self = .leakyRelu(alpha: try t.float32(0))
    default: self = .other(tag: tag)
    }
  }
}

/// table Operator { opcode_index:uint; inputs:[int]; outputs:[int]; builtin_options:BuiltinOptions (ids 3, 4); … }
public struct TFLiteOperator: Sendable {
  public var opcodeIndex: UInt32
  /// Tensor indices; -1 is an omitted optional input.
  public var inputs: [Int32]
  public var outputs: [Int32]
  public var options: TFLiteOptions?

  init(_ t: FlatTable, _ budget: ReadBudget) throws {
    opcodeIndex = try t.uint32(0)
    inputs = try budget.int32s(t, 1)
    outputs = try budget.int32s(t, 2)
    options = try t.union(4).map { try TFLiteOptions(tag: $0.type, $0.table) }
    if case let .reshape(shape)? = options { _ = try budget.spend(shape) }
  }
}

/// enum BuiltinOperator : int32 (the codes nncompile names in messages).
public enum TFLiteOp {
  public static let add: Int32 = 0, averagePool2D: Int32 = 1, concatenation: Int32 = 2, conv2D: Int32 = 3
  public static let depthwiseConv2D: Int32 = 4, dequantize: Int32 = 6, fullyConnected: Int32 = 9, logistic: Int32 = 14
  public static let maxPool2D: Int32 = 17, mul: Int32 = 18, relu: Int32 = 19, reluN1To1: Int32 = 20, relu6: Int32 = 21
  public static let reshape: Int32 = 22, softmax: Int32 = 25, tanh: Int32 = 28, custom: Int32 = 32, pad: Int32 = 34
  public static let transpose: Int32 = 39, mean: Int32 = 40, sub: Int32 = 41, stridedSlice: Int32 = 45
  public static let leakyRelu: Int32 = 98, quantize: Int32 = 114, hardSwish: Int32 = 117

  static let names: [String] = [
    "ADD", "AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D", "DEPTH_TO_SPACE", "DEQUANTIZE",
    "EMBEDDING_LOOKUP", "FLOOR", "FULLY_CONNECTED", "HASHTABLE_LOOKUP", "L2_NORMALIZATION", "L2_POOL_2D",
    "LOCAL_RESPONSE_NORMALIZATION", "LOGISTIC", "LSH_PROJECTION", "LSTM", "MAX_POOL_2D", "MUL", "RELU", "RELU_N1_TO_1",
    "RELU6", "RESHAPE", "RESIZE_BILINEAR", "RNN", "SOFTMAX", "SPACE_TO_DEPTH", "SVDF", "TANH", "CONCAT_EMBEDDINGS",
    "SKIP_GRAM", "CALL", "CUSTOM", "EMBEDDING_LOOKUP_SPARSE", "PAD", "UNIDIRECTIONAL_SEQUENCE_RNN", "GATHER",
    "BATCH_TO_SPACE_ND", "SPACE_TO_BATCH_ND", "TRANSPOSE", "MEAN", "SUB", "DIV", "SQUEEZE",
    "UNIDIRECTIONAL_SEQUENCE_LSTM", "STRIDED_SLICE", "BIDIRECTIONAL_SEQUENCE_RNN", "EXP", "TOPK_V2", "SPLIT",
    "LOG_SOFTMAX", "DELEGATE", "BIDIRECTIONAL_SEQUENCE_LSTM", "CAST", "PRELU", "MAXIMUM", "ARG_MAX", "MINIMUM", "LESS",
    "NEG", "PADV2", "GREATER", "GREATER_EQUAL", "LESS_EQUAL", "SELECT", "SLICE", "SIN", "TRANSPOSE_CONV",
    "SPARSE_TO_DENSE", "TILE", "EXPAND_DIMS", "EQUAL", "NOT_EQUAL", "LOG", "SUM", "SQRT", "RSQRT", "SHAPE", "POW",
    "ARG_MIN", "FAKE_QUANT", "REDUCE_PROD", "REDUCE_MAX", "PACK", "LOGICAL_OR", "ONE_HOT", "LOGICAL_AND", "LOGICAL_NOT",
    "UNPACK", "REDUCE_MIN", "FLOOR_DIV", "REDUCE_ANY", "SQUARE", "ZEROS_LIKE", "FILL", "FLOOR_MOD", "RANGE",
    "RESIZE_NEAREST_NEIGHBOR", "LEAKY_RELU", "SQUARED_DIFFERENCE", "MIRROR_PAD", "ABS", "SPLIT_V", "UNIQUE", "CEIL",
    "REVERSE_V2", "ADD_N", "GATHER_ND", "COS", "WHERE", "RANK", "ELU", "REVERSE_SEQUENCE", "MATRIX_DIAG", "QUANTIZE",
    "MATRIX_SET_DIAG", "ROUND", "HARD_SWISH", "IF", "WHILE", "NON_MAX_SUPPRESSION_V4", "NON_MAX_SUPPRESSION_V5",
    "SCATTER_ND", "SELECT_V2", "DENSIFY", "SEGMENT_SUM", "BATCH_MATMUL",
  ]

  public static func name(_ code: Int32) -> String {
    code >= 0 && Int(code) < names.count ? names[Int(code)] : "BUILTIN_\(code)"
  }
}

/// How many elements (vector entries, tables, string bytes) one parse may still build.
final class ReadBudget {
  var remaining: Int
  init(elements: Int) { remaining = elements }

  @discardableResult
  func spend<T>(_ values: [T]) throws -> [T] {
    try charge(values.count + 1)
    return values
  }
  func charge(_ n: Int) throws {
    remaining -= n
    guard remaining >= 0 else {
      throw FormatError("tflite", "the file's tables and vectors refer to one another so often that reading them would build far more than the file holds")
    }
  }
  func tables(_ t: FlatTable, _ id: Int) throws -> [FlatTable] { try spend(try t.tables(id)) }
  func int32s(_ t: FlatTable, _ id: Int) throws -> [Int32] { try spend(try t.int32s(id)) }
  func string(_ t: FlatTable, _ id: Int) throws -> String? {
    let s = try t.string(id)
    try charge((s?.utf8.count ?? 0) + 1)
    return s
  }
}
