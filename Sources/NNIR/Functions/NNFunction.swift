/// One nnabla function, described in one place: its attributes (with proto3's defaults), its shape
/// rule, its float reference semantics, its float C call, how the int8 path runs it, and its
/// gradient. Each conforming type lives in its own file under `Sources/NNFunctions/` and is listed
/// once in `FunctionRegistry`; the stages (import, interpreter, passes, quantizer, C emitter,
/// trainer) reach it through `Op.function` and never need a case of their own for it.
///
/// The older core ops (Affine, Convolution, pooling, …) are still `Op` cases with their code in
/// each stage; new functions come this way.
public protocol NNFunction: Sendable {
  /// nnabla's function type name (`"PReLU"`), as in `functions.yaml` and the `.nntxt`.
  static var typeName: String { get }

  /// The name of its attribute message in `nnabla.proto` (`"prelu_param"`; nnabla's snake name).
  static var paramName: String { get }

  /// The inputs it takes (`2...3` for a weight, an optional bias).
  static var inputArity: ClosedRange<Int> { get }

  /// Reads `<snake_name>_param`. An absent field is proto3's zero value (0, false, "", empty),
  /// never the Python API's default: nnabla's writer omits exactly those. `inputShapes` are the
  /// (batch-fixed) input shapes, for attributes that depend on rank (negative axes).
  init(_ attributes: any FunctionAttributeReader, inputShapes: [[Int]]) throws

  /// The fields written back into a `.nntxt` (`<snake_name>_param`), in nnabla's order.
  var attributeFields: [(name: String, value: AttributeValue)] { get }

  /// The shape of every output; throws when the inputs do not fit.
  func outputShapes(_ inputs: [[Int]]) throws(ShapeError) -> [[Int]]

  /// The float32 reference: what nnabla computes, the oracle the C and int8 paths answer to.
  func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor]

  /// The float C statements of one call (`nil`: no float C kernel; the compile says so). Runs on
  /// float tensors; `.dataMovement` functions are also called with int8 tensors
  /// (`call.elementType`).
  func emitC(_ call: inout any CFunctionCall) throws -> [String]?

  /// How the int8 path runs it.
  var int8: Int8Lowering { get }

  /// `.custom` int8 lowering only: the kernel for the given input and output parameters.
  func int8Kernel(inputs: [QuantParams], output: QuantParams, shapes: [[Int]]) throws -> any Int8FunctionKernel

  /// The same, following `rules` where frameworks' int8 arithmetic differs (TFLite's MEAN); the
  /// default is `int8Kernel(inputs:output:shapes:)`.
  func int8Kernel(inputs: [QuantParams], output: QuantParams, shapes: [[Int]], rules: Int8Rules) throws -> any Int8FunctionKernel

  /// Functions that are other ops in disguise (recurrent layers, composites) write themselves
  /// with simpler nodes into `graph`, ending in `node`'s own output tensors; the expansion pass
  /// does so before quantization and C emission. Returns false to run as itself.
  func expand(_ node: Node, _ graph: inout SubgraphBuilder) throws -> Bool

  /// True when `expand` always rewrites it (the support table reports the backends through
  /// what it expands into).
  static var alwaysExpands: Bool { get }

  /// The int8 path of the usual case when it differs from what `int8` says for every case (PReLU:
  /// a constant slope has its own kernel, a computed one runs in float), for the support table.
  static var usualInt8: Int8Lowering? { get }

  /// For training: the gradient of the loss with respect to each input, from the inputs, the
  /// outputs and the outputs' gradients (`nil` entries: no gradient flows there). The whole
  /// result is `nil` when the function cannot be trained through.
  func gradients(inputs: [FloatTensor], outputs: [FloatTensor], outputGradients: [FloatTensor]) -> [FloatTensor?]?

  /// Multiply-accumulates of one call, for the compile report's MAC/cycle (0: not a MAC op).
  func macs(inputShapes: [[Int]], outputShapes: [[Int]]) -> Int

  /// True when `gradients` has a rule (so `nncompile train` accepts the function).
  var isTrainable: Bool { get }

  /// True when the output is computed element by element from the first input alone (so it
  /// may overwrite it in place and an int8 table can stand for it).
  var isElementwiseUnary: Bool { get }
}

extension NNFunction {
  public var typeName: String { Self.typeName }
  public var attributeFields: [(name: String, value: AttributeValue)] { [] }
  public var int8: Int8Lowering { .float }
  public func int8Kernel(inputs: [QuantParams], output: QuantParams, shapes: [[Int]]) throws -> any Int8FunctionKernel {
    throw ShapeError("\(Self.typeName) has no int8 kernel")
  }
  public func int8Kernel(inputs: [QuantParams], output: QuantParams, shapes: [[Int]], rules: Int8Rules) throws -> any Int8FunctionKernel {
    try int8Kernel(inputs: inputs, output: output, shapes: shapes)
  }
  public func expand(_ node: Node, _ graph: inout SubgraphBuilder) throws -> Bool { false }
  public static var alwaysExpands: Bool { false }
  public static var usualInt8: Int8Lowering? { nil }
  public func gradients(inputs: [FloatTensor], outputs: [FloatTensor], outputGradients: [FloatTensor]) -> [FloatTensor?]? {
    nil
  }
  public var isElementwiseUnary: Bool { false }
  public var isTrainable: Bool { false }
  public func macs(inputShapes: [[Int]], outputShapes: [[Int]]) -> Int { 0 }
}

/// How the int8 path runs a function.
public enum Int8Lowering: Sendable, Equatable {
  /// No int8 kernel: it runs in float between a dequantize and a quantize (the compile says so).
  case float
  /// Element-wise on one input: a 256-entry table of the input's codes, built from `evaluate`
  /// (the int8 op is the float op rounded once). The output's parameters are calibrated, or
  /// fixed where the range is known (sigmoid-like: [0, 1)).
  case table(fixedOutput: QuantParams?)
  /// Moves or selects values without arithmetic (Split, Flip, Broadcast, Max over an axis, …):
  /// runs `emitC`/`evaluate` on the int8 codes; every input and the output share the first
  /// input's parameters.
  case dataMovement
  /// Its own int8 kernel: `int8Kernel(inputs:output:shapes:)`, output parameters calibrated.
  case custom
}

/// An int8 kernel of a `.custom` function, with every integer precomputed: the Swift reference
/// and the C call it emits must give the same bytes.
public protocol Int8FunctionKernel: Sendable {
  /// The int8 output, from the int8 inputs (row-major, shapes as at quantization).
  func run(_ inputs: [[Int8]]) -> [Int8]
  /// The C statements of the call.
  func emitC(_ call: inout any CFunctionCall) throws -> [String]
}

/// A value of a function attribute, as read from or written to a `.nntxt`.
public enum AttributeValue: Sendable, Equatable {
  case int(Int)
  case ints([Int])
  case double(Double)
  case doubles([Double])
  case bool(Bool)
  case string(String)
  /// A `Shape { dim: … }` message.
  case shape([Int])
}

/// Reads the fields of one function's `<snake_name>_param` message. Each method returns nil when
/// the field is absent and throws when it holds the wrong kind of value.
public protocol FunctionAttributeReader {
  func int(_ name: String) throws -> Int?
  func ints(_ name: String) throws -> [Int]?
  func double(_ name: String) throws -> Double?
  func doubles(_ name: String) throws -> [Double]?
  func bool(_ name: String) throws -> Bool?
  func string(_ name: String) throws -> String?
  /// A nested `Shape { dim: … }` field.
  func shape(_ name: String) throws -> [Int]?
}

extension FunctionAttributeReader {
  /// proto3's zero defaults.
  public func int(_ name: String, absent: Int = 0) throws -> Int { try int(name) ?? absent }
  public func double(_ name: String, absent: Double = 0) throws -> Double { try double(name) ?? absent }
  public func bool(_ name: String, absent: Bool = false) throws -> Bool { try bool(name) ?? absent }
  public func ints(_ name: String, absent: [Int] = []) throws -> [Int] { try ints(name) ?? absent }
  public func string(_ name: String, absent: String = "") throws -> String { try string(name) ?? absent }
}

/// An attribute whose value nncompile cannot run (one line for the user, at the function).
public struct FunctionAttributeError: Error, CustomStringConvertible, Sendable {
  public var description: String
  public init(_ description: String) { self.description = description }
}

/// A function inside an `Op`: equal when the same type with the same attributes.
public struct FunctionCall: Sendable, Equatable, CustomStringConvertible {
  public let function: any NNFunction
  public init(_ function: any NNFunction) { self.function = function }
  public var typeName: String { type(of: function).typeName }
  public var description: String { String(reflecting: function) }
  public static func == (a: FunctionCall, b: FunctionCall) -> Bool {
    type(of: a.function) == type(of: b.function) && a.description == b.description
  }
}
