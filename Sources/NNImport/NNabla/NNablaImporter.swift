import NNFormats
import NNIR

/// What the importer found besides the graph: facts a caller needs to feed the model.
public struct ImportedModel: Sendable {
  public var graph: ModelGraph
  /// Names of every network in the file (`Main`, `MainValidation`, `MainRuntime` in NNC exports).
  public var networkNames: [String]
  /// The executor whose network was compiled.
  public var executorName: String?
  /// The executor says its image inputs are not divided by 255 (`no_image_normalization`).
  public var noImageNormalization: Bool
  /// What import accepted but the user should know (printed as `<file>: <location>: warning: …`).
  public var warnings: [Diagnostic] = []
  /// How the graph takes its inputs when the source framework says ("NHWC" for TFLite, "NCHW"
  /// as an ONNX graph declares them); nil: as the graph's shapes say (nnabla's NCHW).
  public var inputLayout: String? = nil
}

/// Reads an `.nnp` (or a bare `.nntxt`/`.prototxt` with text parameters) into a checked `ModelGraph`.
///
/// - The network compiled is the executor's (the first executor, or `executor` by name); without an
///   executor, a file with one network compiles it with its unproduced buffers as inputs.
/// - The batch dimension `-1` becomes 1.
/// - Only functions that the executor's outputs depend on are imported (training-only losses drop out).
/// - Every problem found is reported at once, as a `DiagnosticError`, before anything is returned.
public enum NNablaImporter {
  public static func importNNP(bytes: [UInt8], executor: String? = nil) throws -> ImportedModel {
    let archive = try NNPArchive(bytes: bytes)
    return try importText(archive.networkText, extraParameters: archive.parameters, executor: executor)
  }

  public static func importText(_ text: String, extraParameters: [ParameterDef] = [], executor: String? = nil) throws -> ImportedModel {
    let proto: NNablaProto
    do {
      proto = try NNablaProto(text: try ProtoTextMessage.parse(text))
    } catch let e as DiagnosticLikeError {
      throw DiagnosticError(e.description)
    }
    var parameters: [String: ParameterDef] = [:]
    for p in proto.parameters + extraParameters { parameters[p.name] = p }

    let (selected, executorDef) = try selectNetwork(proto, executor: executor)
    let network: NetworkDef
    do {
      network = try RepeatExpansion.expand(selected, parameters: Set(parameters.keys))
      for g in executorDef?.generators ?? [] { parameters[g.name] = try generated(g, in: network) }
    } catch let e as DiagnosticLikeError {
      throw DiagnosticError(e.description)
    }
    var builder = GraphBuilder(network: network, parameters: parameters)
    let inputs = executorDef?.dataVariables ?? builder.unproducedBuffers()
    let outputs = executorDef?.outputVariables ?? builder.unconsumedBuffers()
    // Nothing to compute: generated C with no output (or no input) is no model.
    let owner = executorDef.map { "executor '\($0.name)'" } ?? "network '\(network.name)'"
    guard !outputs.isEmpty else { throw DiagnosticError("\(owner) has no output variable: there is nothing to compute") }
    guard !inputs.isEmpty else { throw DiagnosticError("\(owner) has no data (input) variable") }
    let graph = try builder.build(inputs: inputs, outputs: outputs)
    guard !graph.nodes.isEmpty else {
      throw DiagnosticError("\(owner) computes nothing: its outputs are its inputs (0 layers)")
    }
    return ImportedModel(
      graph: graph, networkNames: proto.networks.map(\.name), executorName: executorDef?.name,
      noImageNormalization: executorDef?.noImageNormalization ?? false, warnings: builder.warnings)
  }

  /// A generator variable as a constant: "Constant" fills it with its multiplier (NNC's Delay
  /// initial values); random ones have no fixed value to compile.
  private static func generated(_ g: (name: String, type: String, multiplier: Double), in network: NetworkDef) throws -> ParameterDef {
    guard g.type == "Constant" else {
      throw DiagnosticLikeError("generator variable '\(g.name)' is \(g.type.isEmpty ? "untyped" : g.type); only Constant generators can be compiled")
    }
    guard let v = network.variables.first(where: { $0.name == g.name }) else {
      throw DiagnosticLikeError("generator variable '\(g.name)' is not declared in network '\(network.name)'")
    }
    let shape = v.shape.enumerated().map { $0.offset == 0 && $0.element == -1 ? 1 : $0.element }
    guard shape.allSatisfy({ $0 > 0 }), let count = try? ShapeLimits.elementCount(shape) else {
      throw DiagnosticLikeError("generator variable '\(g.name)' has shape \(v.shape)")
    }
    return ParameterDef(name: g.name, shape: shape, values: [Float](repeating: Float(g.multiplier), count: count))
  }

  private static func selectNetwork(_ proto: NNablaProto, executor: String?) throws -> (NetworkDef, ExecutorDef?) {
    let executorDef: ExecutorDef?
    if let executor {
      guard let e = proto.executors.first(where: { $0.name == executor }) else {
        throw DiagnosticError("no executor named '\(executor)' (the file has: \(proto.executors.map(\.name).joined(separator: ", ")))")
      }
      executorDef = e
    } else {
      executorDef = proto.executors.first
    }
    if let e = executorDef {
      guard let n = proto.networks.first(where: { $0.name == e.networkName }) else {
        throw DiagnosticError("executor '\(e.name)' names network '\(e.networkName)', which is not in the file")
      }
      return (n, e)
    }
    guard proto.networks.count == 1, let only = proto.networks.first else {
      throw DiagnosticError(proto.networks.isEmpty ? "the file holds no network" : "the file holds \(proto.networks.count) networks and no executor saying which to compile")
    }
    return (only, nil)
  }
}
