import NNFormats
import NNIR

/// One parameter as `parameter.protobuf` stores it.
public struct NNPParameter: Sendable, Equatable {
  public var name: String
  public var shape: [Int]
  public var values: [Float]
  /// False for values the solver does not update (BatchNormalization's running mean and variance).
  public var needGrad: Bool

  public init(name: String, shape: [Int], values: [Float], needGrad: Bool = true) {
    precondition(values.count == shape.reduce(1, *), "NNPParameter '\(name)': \(values.count) values for shape \(shape)")
    self.name = name
    self.shape = shape
    self.values = values
    self.needGrad = needGrad
  }
}

/// Writes `.nnp` files that nnabla (`nnabla.utils.load`, `NnpLoader`, `nnabla_cli`) and Neural
/// Network Console load.
///
/// The archive holds, as `nnabla.utils.save` writes them: `nnp_version.txt` (`0.1`),
/// `network.nntxt` (the `NNablaProtoBuf` message in text format: networks, executors and any
/// optimizer, dataset, monitor, training_config and global_config sections) and
/// `parameter.protobuf` (`NNablaProtoBuf { repeated Parameter parameter = 200 }`, each
/// `Parameter { variable_name = 1, Shape shape = 20 { repeated int64 dim = 1 }, repeated float
/// data = 100, bool need_grad = 101 }`, floats packed little-endian). Entries are STORED and
/// dated 1980-01-01, so equal inputs give byte-identical files.
///
/// Two ways in:
/// - `replacingParameters(inNNP:with:)` keeps an existing `.nnp`'s definition (all its networks,
///   the optimizer, datasets, monitors, executors) and writes new parameter values: what
///   `nncompile train` does with an NNC project.
/// - `archive(graph:)` writes a network built from a `ModelGraph` (see `NNablaNetworkWriter`).
public enum NNPWriter {
  /// The archive for a definition (its `parameter` fields, if any, are dropped: the values go to
  /// `parameter.protobuf`) and parameters, in the given order; `comment` is the zip archive's.
  public static func archive(definition: ProtoTextMessage, parameters: [NNPParameter], comment: String = "") throws -> [UInt8] {
    try ZipWriter.archive(
      [
        .init(name: "nnp_version.txt", bytes: Array("0.1\n".utf8)),
        .init(name: "network.nntxt", bytes: Array(definition.removing("parameter").formatted().utf8)),
        .init(name: "parameter.protobuf", bytes: parameterProtobuf(parameters)),
      ], comment: comment)
  }

  /// `parameter.protobuf`'s bytes.
  public static func parameterProtobuf(_ parameters: [NNPParameter]) -> [UInt8] {
    var root = ProtoWireWriter()
    for p in parameters {
      var message = ProtoWireWriter()
      message.string(1, p.name)
      var shape = ProtoWireWriter()
      shape.packedInt64(1, p.shape.map(Int64.init))
      message.message(20, shape)
      message.packedFloat(100, p.values)
      message.bool(101, p.needGrad)
      root.message(200, message)
    }
    return root.bytes
  }

  /// An `.nnp` holding `graph` as network `networkName` with one executor, and the graph's
  /// parameters.
  public static func archive(graph: ModelGraph, networkName: String = "MainRuntime", executorName: String = "Executor") throws -> [UInt8] {
    let writer = NNablaNetworkWriter(graph: graph)
    var definition = ProtoTextMessage()
    definition.add("network", try writer.network(name: networkName))
    definition.add("executor", writer.executor(name: executorName, networkName: networkName))
    return try archive(definition: definition, parameters: writer.parameters())
  }

  /// `nnp` with its parameters replaced by `values`, everything else in its definition kept.
  ///
  /// The parameters written are the `Parameter` variables the networks declare, in the order
  /// they first appear; each must have a value in `values` whose element count matches its
  /// declaration (the value's own shape is written). `need_grad` is false for the mean and
  /// variance inputs (4th and 5th) of BatchNormalization functions, as nnabla creates them.
  public static func replacingParameters(inNNP nnp: [UInt8], with values: [String: FloatTensor], comment: String = "") throws -> [UInt8] {
    let zip = try ZipArchive(bytes: nnp)
    guard let entry = zip.entries.first(where: { $0.name.hasSuffix(".nntxt") || $0.name.hasSuffix(".prototxt") }) else {
      throw FormatError("nnp", "no network description (*.nntxt or *.prototxt) in the archive")
    }
    guard let text = String(validating: try zip.extract(entry), as: UTF8.self) else {
      throw FormatError("nnp", "\(entry.name) is not valid UTF-8 text")
    }
    let definition = try ProtoTextMessage.parse(text)
    var seen = Set<String>()
    var frozen = Set<String>()
    var parameters: [NNPParameter] = []
    for network in definition.messages("network") {
      for f in network.messages("function") where try f.string("type") == "BatchNormalization" {
        let inputs = try f.strings("input")
        if inputs.count == 5 { frozen.formUnion(inputs[3...]) }
      }
    }
    for network in definition.messages("network") {
      for v in network.messages("variable") where try v.string("type") == "Parameter" {
        guard let name = try v.string("name"), seen.insert(name).inserted else { continue }
        guard let value = values[name] else { throw FormatError("nnp", "no value given for parameter '\(name)'") }
        let declared = try v.message("shape")?.ints("dim") ?? []
        guard declared.reduce(1, *) == value.count else {
          throw FormatError("nnp", "parameter '\(name)' is declared \(declared) but the value has shape \(value.shape)")
        }
        parameters.append(NNPParameter(name: name, shape: value.shape, values: value.values, needGrad: !frozen.contains(name)))
      }
    }
    return try archive(definition: definition, parameters: parameters, comment: comment)
  }
}
