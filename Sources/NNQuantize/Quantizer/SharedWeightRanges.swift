import NNIR

/// Layers that apply the same constant weight tensor are one layer applied several times — a
/// recurrent cell's time steps, each its own Affine after the expansion. They get one range for
/// their inputs and one for their outputs (the union of what each saw), as TFLite's int8 LSTM
/// keeps one scale per gate: every step then has the same requantization, and the lookup tables
/// of the gates' activations are the same bytes, which the emitter writes once.
enum SharedWeightRanges {
  static func unify(_ graph: ModelGraph, _ ranges: [Int: CalibratedRange]) -> [Int: CalibratedRange] {
    var readers: [Int: [Node]] = [:]
    for node in graph.nodes {
      switch node.op {
      case .affine, .convolution, .depthwiseConvolution:
        guard node.inputs.count > 1, graph.tensors[node.inputs[1]].data != nil else { continue }
        readers[node.inputs[1], default: []].append(node)
      default: continue
      }
    }
    var result = ranges
    for layers in readers.values where layers.count > 1 {
      for tensors in [layers.map { $0.inputs[0] }, layers.map(\.outputs[0])] {
        // A constant input keeps its own range; so does a group with a tensor never calibrated.
        guard tensors.allSatisfy({ graph.tensors[$0].data == nil && ranges[$0] != nil }) else { continue }
        let all = tensors.map { ranges[$0]! }
        let union = CalibratedRange(min: all.map(\.min).min()!, max: all.map(\.max).max()!)
        for t in tensors { result[t] = union }
      }
    }
    return result
  }
}
