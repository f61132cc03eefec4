import NNExport
import NNFormats
import NNIR
import NNTrain

/// The `.nnp` `nncompile train` writes: the model file's own definition (every network, the
/// optimizer, datasets, monitors, executors) with the trained parameter values.
///
/// A definition without an executor (a hand-written `.nntxt`) gets one, on an inference copy of
/// the trained network named `<network>Runtime` (losses and Dropout left out, BatchNormalization
/// in inference form), so nnabla and `nncompile compile` can run the result.
public enum TrainedModelWriter {
  public static func nnp(setup: TrainingSetup, parameters: [String: FloatTensor]) throws -> [UInt8] {
    var definition = setup.definition
    if definition.messages("executor").isEmpty {
      var graph = withoutDropout(setup.graph.graph)
      for i in graph.parameterIndices {
        if let t = parameters[graph.tensors[i].name] { graph.tensors[i].data = t }
      }
      let writer = NNablaNetworkWriter(graph: graph)
      let taken = Set(try definition.messages("network").compactMap { try $0.string("name") })
      var name = setup.networkName + "Runtime"
      while taken.contains(name) { name += "_" }
      definition.add("network", try writer.network(name: name))
      definition.add("executor", writer.executor(name: "Executor", networkName: name))
    }
    // The definition's own parameter fields give way to the trained values.
    let skeleton = try NNPWriter.archive(definition: definition, parameters: [])
    return try NNPWriter.replacingParameters(inNNP: skeleton, with: parameters)
  }

  /// `graph` with every Dropout node bypassed (inference passes values through).
  static func withoutDropout(_ graph: ModelGraph) -> ModelGraph {
    var g = graph
    var replace: [Int: Int] = [:]
    g.nodes = graph.nodes.filter { node in
      guard case .dropout = node.op else { return true }
      replace[node.outputs[0]] = replace[node.inputs[0]] ?? node.inputs[0]
      return false
    }
    for n in g.nodes.indices { g.nodes[n].inputs = g.nodes[n].inputs.map { replace[$0] ?? $0 } }
    g.outputs = g.outputs.map { replace[$0] ?? $0 }
    return g
  }
}
