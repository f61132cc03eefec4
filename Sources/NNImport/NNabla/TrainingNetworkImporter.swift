import NNFormats
import NNIR

/// Reads the network an optimizer trains (NNC's `Main`) with its loss functions and label inputs.
///
/// - The forward graph is built like an inference graph (batch 1, shapes checked), but keeps
///   `Dropout`; its outputs are the predictions the losses read.
/// - Loss functions (`SoftmaxCrossEntropy`, …) become `LossTerm`s; their second input is a label
///   variable that no function writes.
/// - Parameters the file does not hold start as zeros and are listed in `uninitialized` with the
///   variable's `initializer`, so the trainer can initialise them as nnabla would.
extension NNablaImporter {
  public static func importTrainingNNP(bytes: [UInt8], network: String? = nil) throws -> TrainingGraph {
    let archive = try NNPArchive(bytes: bytes)
    return try importTrainingText(archive.networkText, extraParameters: archive.parameters, network: network)
  }

  /// `network` defaults to `Main` when the file has one, else to its only network.
  public static func importTrainingText(
    _ text: String, extraParameters: [ParameterDef] = [], network name: String? = nil
  ) throws -> TrainingGraph {
    let proto: NNablaProto
    do {
      proto = try NNablaProto(text: try ProtoTextMessage.parse(text))
    } catch let e as DiagnosticLikeError {
      throw DiagnosticError(e.description)
    }
    let network = try trainedNetwork(proto, name: name)
    guard network.repeats.isEmpty else {
      throw DiagnosticError("network '\(network.name)' uses repeat_info (RepeatStart/RecurrentInput), which training does not unroll yet")
    }
    var parameters: [String: ParameterDef] = [:]
    for p in proto.parameters + extraParameters { parameters[p.name] = p }

    // Losses apart; the rest is the forward graph.
    var forward = network
    forward.functions = network.functions.filter { TrainingLosses.function(for: $0.type) == nil }
    let lossFunctions = network.functions.filter { TrainingLosses.function(for: $0.type) != nil }
    guard !lossFunctions.isEmpty else {
      throw DiagnosticError("network '\(network.name)' has no loss function (\(TrainingLosses.typeNames.joined(separator: ", ")))")
    }

    // Absent parameters start as zeros; the trainer initialises them.
    var absent: [String: ParameterInitializer?] = [:]
    for v in network.variables where v.type == "Parameter" && parameters[v.name] == nil {
      guard v.shape.allSatisfy({ $0 > 0 }), let count = try? ShapeLimits.elementCount(v.shape), count > 0 else {
        throw DiagnosticError("parameter '\(v.name)' has no values and no usable shape \(v.shape)")
      }
      parameters[v.name] = ParameterDef(name: v.name, shape: v.shape, values: [Float](repeating: 0, count: count))
      absent[v.name] = .some(v.initializer)
    }

    var builder = GraphBuilder(network: forward, parameters: parameters, keepsDropout: true)
    let predictions = uniqued(lossFunctions.compactMap(\.inputs.first))
    var graph = try builder.build(inputs: builder.unproducedBuffers(), outputs: predictions)

    var labels: [Int] = []
    var losses: [LossTerm] = []
    for f in lossFunctions {
      guard f.inputs.count == 2, let prediction = graph.tensorIndex(named: f.inputs[0]) else {
        throw DiagnosticError("\(f.location): a loss takes a prediction and a label")
      }
      let labelName = f.inputs[1]
      let label: Int
      if let existing = graph.tensorIndex(named: labelName) {
        label = existing
      } else {
        guard let v = network.variables.first(where: { $0.name == labelName }) else {
          throw DiagnosticError("\(f.location): label variable '\(labelName)' is not declared")
        }
        // Only the leading batch -1 becomes 1; any other dimension must be positive and the whole bounded.
        let shape = v.shape.enumerated().map { $0.offset == 0 && $0.element == -1 ? 1 : $0.element }
        guard shape.allSatisfy({ $0 > 0 }), (try? ShapeLimits.elementCount(shape)) != nil else {
          throw DiagnosticError("variable '\(labelName)': shape \(v.shape) must be positive dimensions (only the leading batch may be -1) of at most \(ShapeLimits.maxElements) elements")
        }
        graph.tensors.append(TensorInfo(name: labelName, shape: shape))
        label = graph.tensors.count - 1
        labels.append(label)
      }
      let rank = graph.tensors[prediction].shape.count
      let function = try TrainingLosses.function(for: f, rank: rank)!
      let predictionShape = graph.tensors[prediction].shape
      guard let wanted = function.labelShape(prediction: predictionShape) else {
        throw DiagnosticError("\(f.location): axis is not an axis of the prediction '\(f.inputs[0])' \(predictionShape)")
      }
      guard graph.tensors[label].shape.reduce(1, *) == wanted.reduce(1, *) else {
        throw DiagnosticError("\(f.location): label '\(labelName)' has shape \(graph.tensors[label].shape); a prediction of shape \(predictionShape) needs \(wanted)")
      }
      losses.append(LossTerm(name: f.name, function: function, prediction: prediction, label: label))
    }

    var batchNorm: [String: BatchNormalizationTraining] = [:]
    for f in forward.functions where f.type == "BatchNormalization" {
      let p = f.message.message("batch_normalization_param")
      // proto3: absent decay_rate = 0.0, absent batch_stat = false (nnabla writes nothing for them).
      batchNorm[f.name] = BatchNormalizationTraining(
        decayRate: Float(try p?.double("decay_rate") ?? 0), batchStat: try p?.bool("batch_stat") ?? false)
    }
    var uninitialized: [Int: ParameterInitializer?] = [:]
    for (name, initializer) in absent {
      if let i = graph.tensorIndex(named: name) { uninitialized[i] = initializer }
    }
    return TrainingGraph(
      graph: graph, labels: labels, losses: losses, batchNormalization: batchNorm, uninitialized: uninitialized)
  }

  private static func trainedNetwork(_ proto: NNablaProto, name: String?) throws -> NetworkDef {
    let wanted = name ?? (proto.networks.contains { $0.name == "Main" } ? "Main" : nil)
    if let wanted {
      guard let n = proto.networks.first(where: { $0.name == wanted }) else {
        throw DiagnosticError("no network named '\(wanted)' (the file has: \(proto.networks.map(\.name).joined(separator: ", ")))")
      }
      return n
    }
    guard proto.networks.count == 1, let only = proto.networks.first else {
      throw DiagnosticError(proto.networks.isEmpty ? "the file holds no network" : "the file holds \(proto.networks.count) networks and none is called 'Main'; name the one to train")
    }
    return only
  }

  private static func uniqued(_ names: [String]) -> [String] {
    var seen = Set<String>()
    return names.filter { seen.insert($0).inserted }
  }
}

/// The nnabla loss functions training understands, with `functions.yaml`'s defaults.
enum TrainingLosses {
  static let typeNames = ["SoftmaxCrossEntropy", "CategoricalCrossEntropy", "SigmoidCrossEntropy", "BinaryCrossEntropy", "SquaredError"]

  static func function(for type: String) -> String? { typeNames.contains(type) ? type : nil }

  /// `axis` absent = 0 (proto3; nnabla writes nothing for `axis: 0`), not the Python API's last axis.
  static func function(for f: FunctionDef, rank: Int) throws -> LossFunction? {
    switch f.type {
    case "SoftmaxCrossEntropy":
      return .softmaxCrossEntropy(axis: try f.message.message("softmax_cross_entropy_param")?.int("axis") ?? 0)
    case "CategoricalCrossEntropy":
      return .categoricalCrossEntropy(axis: try f.message.message("categorical_cross_entropy_param")?.int("axis") ?? 0)
    case "SigmoidCrossEntropy": return .sigmoidCrossEntropy
    case "BinaryCrossEntropy": return .binaryCrossEntropy
    case "SquaredError": return .squaredError
    default: return nil
    }
  }
}
