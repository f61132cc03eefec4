import NNIR

/// The importer fixes the batch at 1; training runs at the mini-batch size. Axis 0 of every data
/// input, label and Reshape target is the batch axis: set it to `batch` and infer every shape again.
/// Tensor indices do not change, so parameters are shared with the batch-1 graph.
enum Rebatching {
  static func rebatched(_ t: TrainingGraph, batch: Int) throws -> TrainingGraph {
    var out = t
    if let first = t.graph.inputs.first, t.graph.tensors[first].shape.first == batch { return out }
    for i in t.graph.inputs + t.labels {
      guard out.graph.tensors[i].shape.first == 1 else {
        throw TrainingError("input '\(t.graph.tensors[i].name)' has no batch axis of size 1 to grow (shape \(t.graph.tensors[i].shape))")
      }
      out.graph.tensors[i].shape[0] = batch
    }
    for (n, node) in t.graph.nodes.enumerated() {
      if case .reshape(var shape) = node.op, shape.first == 1 {
        shape[0] = batch
        out.graph.nodes[n].op = .reshape(shape: shape)
      }
      let shapes = node.inputs.map { out.graph.tensors[$0].shape }
      do {
        let outShapes = try ShapeInference.outputShapes(of: out.graph.nodes[n].op, inputs: shapes)
        for (o, shape) in zip(node.outputs, outShapes) { out.graph.tensors[o].shape = shape }
      } catch {
        throw TrainingError("node '\(node.name)' at batch \(batch): \(error.message)")
      }
    }
    return out
  }
}

/// A training problem a caller can print as one line.
public struct TrainingError: Error, CustomStringConvertible, Equatable {
  public var description: String
  public init(_ description: String) { self.description = description }
}
