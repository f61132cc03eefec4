import NNExport
import NNFormats
import NNIR
import NNTrain

/// The `.nnp` `nncompile train` writes: the model file's own definition (every network, the
/// optimizer, datasets, monitors, executors) with the trained parameter values.
///
/// A definition without an executor (a hand-written `.nntxt`) gets one, on an inference copy of
/// the trained network named `<network>Runtime` (losses and Dropout left out, BatchNormalization
/// in inference form), so nnabla and `nncompile compile` can run the result. Datasets the
/// optimizer names but the file lacks are added for the training data (nnabla's loader looks
/// them up), and so is a `training_config` with the epochs run.
public enum TrainedModelWriter {
  /// `dataURI` and `samples`: the training data, for the sections the file lacks.
  public static func nnp(setup: TrainingSetup, parameters: [String: FloatTensor], dataURI: String, samples: Int) throws -> [UInt8] {
    var definition = setup.definition
    let datasets = Set(try definition.messages("dataset").compactMap { try $0.string("name") })
    var missing: [String] = []
    for o in definition.messages("optimizer") + definition.messages("monitor") {
      for d in try o.strings("dataset_name") where !datasets.contains(d) && !missing.contains(d) { missing.append(d) }
    }
    for name in missing {
      definition.add("dataset", NNablaTrainingSections.dataset(
        name: name, uri: dataURI, batchSize: setup.batchSize, shuffle: true, noImageNormalization: !setup.normalizeImages))
    }
    if definition.message("training_config") == nil {
      definition.add("training_config", NNablaTrainingSections.trainingConfig(maxEpoch: setup.epochs, iterPerEpoch: max(samples / setup.batchSize, 1)))
    }
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
    // The archive comment marks the file as nncompile's, so `train -o` may replace it (`OwnOutputs`).
    return try NNPWriter.replacingParameters(inNNP: skeleton, with: parameters, comment: OwnOutputs.generator)
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
