import NNFormats
import NNIR

/// The parts of nnabla's `NNablaProtoBuf` message that compiling needs, decoded from text format.
///
/// Field names follow `nnabla.proto`; see DESIGN.md §2 for the field numbers.
struct NNablaProto {
  var networks: [NetworkDef] = []
  var executors: [ExecutorDef] = []
  /// Parameters written in the text file itself (rare; usually they sit in `parameter.protobuf`/`.h5`).
  var parameters: [ParameterDef] = []

  init(text message: ProtoTextMessage) throws {
    networks = try message.messages("network").map(NetworkDef.init)
    executors = try message.messages("executor").map(ExecutorDef.init)
    parameters = try message.messages("parameter").map { p in
      ParameterDef(
        name: try p.string("variable_name") ?? "",
        shape: try p.message("shape")?.ints("dim") ?? [],
        values: try p.doubles("data").map(Float.init))
    }
  }
}

struct NetworkDef {
  var name: String
  var batchSize: Int?
  var variables: [VariableDef]
  var functions: [FunctionDef]
  /// NNC's unrolled form: `repeat_info { id times }`, expanded by `RepeatExpansion`.
  var repeats: [RepeatInfo]

  init(_ m: ProtoTextMessage) throws {
    name = try m.string("name") ?? ""
    batchSize = try m.int("batch_size")
    variables = try m.messages("variable").map(VariableDef.init)
    functions = try m.messages("function").map(FunctionDef.init)
    repeats = try m.messages("repeat_info").map { RepeatInfo(id: try $0.string("id") ?? "", times: try $0.int("times") ?? 0) }
  }
}

struct RepeatInfo {
  var id: String
  var times: Int
}

struct VariableDef {
  var name: String
  var type: String
  var shape: [Int]
  /// `initializer { type multiplier }`: how NNC asks a parameter to start when it has no values.
  var initializer: ParameterInitializer?
  /// The repeats (`repeat_info` ids) the variable has one copy per step of.
  var repeatIDs: [String]

  init(_ m: ProtoTextMessage) throws {
    name = try m.string("name") ?? ""
    type = try m.string("type") ?? "Buffer"
    shape = try m.message("shape")?.ints("dim") ?? []
    repeatIDs = try m.strings("repeat_id")
    if let i = m.message("initializer"), let t = try i.string("type") {
      // multiplier absent = 0.0 (proto3); nnabla's load.py passes v.initializer.multiplier as is.
      initializer = ParameterInitializer(type: t, multiplier: try i.double("multiplier") ?? 0)
    }
  }
}

struct FunctionDef {
  var name: String
  var type: String
  var inputs: [String]
  var outputs: [String]
  /// The whole function message, so the op mapping can read its `<snake_name>_param`.
  var message: ProtoTextMessage
  /// The repeats the function runs once per step of.
  var repeatIDs: [String]

  init(_ m: ProtoTextMessage) throws {
    name = try m.string("name") ?? ""
    type = try m.string("type") ?? ""
    inputs = try m.values("input").map { v in try Self.stringValue(v) }
    outputs = try m.values("output").map { v in try Self.stringValue(v) }
    message = m
    repeatIDs = try m.strings("repeat_id")
  }

  /// A function made by the importer (`param`: its `<snake_name>_param { … }` text).
  init(name: String, type: String, inputs: [String], outputs: [String], param: String = "") throws {
    self.name = name
    self.type = type
    self.inputs = inputs
    self.outputs = outputs
    message = try ProtoTextMessage.parse(param)
    repeatIDs = []
  }

  private static func stringValue(_ v: ProtoTextValue) throws -> String {
    guard case .string(let s) = v else { throw DiagnosticLikeError("function input/output must be a string") }
    return s
  }

  /// `function 'conv2' (Convolution)`, the location used in diagnostics.
  var location: String { "function '\(name)' (\(type))" }
}

struct ExecutorDef {
  var name: String
  var networkName: String
  var dataVariables: [String]
  var outputVariables: [String]
  var noImageNormalization: Bool
  /// `generator_variable { variable_name type multiplier }`: inputs the executor fills itself
  /// (NNC's Delay initial values: "Constant" 0).
  var generators: [(name: String, type: String, multiplier: Double)]

  init(_ m: ProtoTextMessage) throws {
    generators = try m.messages("generator_variable").map {
      (try $0.string("variable_name") ?? "", try $0.string("type") ?? "", try $0.double("multiplier") ?? 0)
    }
    name = try m.string("name") ?? ""
    networkName = try m.string("network_name") ?? ""
    dataVariables = try m.messages("data_variable").map { try $0.string("variable_name") ?? "" }
    outputVariables = try m.messages("output_variable").map { try $0.string("variable_name") ?? "" }
    noImageNormalization = try m.bool("no_image_normalization") ?? false
  }
}

/// One stored parameter, as `parameter.protobuf` or `parameter.h5` holds it.
public struct ParameterDef: Sendable {
  public var name: String
  public var shape: [Int]
  public var values: [Float]
  public init(name: String, shape: [Int], values: [Float]) {
    self.name = name
    self.shape = shape
    self.values = values
  }
}

/// A structural problem in the network description, turned into a diagnostic by the importer.
struct DiagnosticLikeError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
