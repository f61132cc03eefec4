import NNIR

/// Replaces every function that describes itself with simpler nodes (`NNFunction.expand`:
/// recurrent layers, multi-output functions, composites) by those nodes, until none is left, so
/// the quantizer and the C emitter only meet single-output nodes they have kernels for.
/// The expanded graph computes what the original does (each expansion is tested against the
/// interpreter running the function itself).
public enum FunctionExpansion {
  /// The expanded graph and the names of the nodes expanded.
  public static func expand(_ graph: ModelGraph) throws -> (graph: ModelGraph, expanded: [String]) {
    var current = graph
    var expanded: [String] = []
    // Expansions may produce functions that expand again (a stacked LSTM into LSTM cells);
    // a bound keeps a faulty expansion from looping.
    for _ in 0..<8 {
      var builder = SubgraphBuilder(tensors: current.tensors)
      var nodes: [Node] = []
      var changed = false
      for node in current.nodes {
        let before = builder.nodes.count
        if let f = node.op.function, try f.expand(node, &builder) {
          nodes += builder.nodes[before...]
          expanded.append(node.name)
          changed = true
        } else {
          nodes.append(node)
        }
      }
      if !changed { break }
      current = ModelGraph(name: current.name, tensors: builder.tensors, nodes: nodes, inputs: current.inputs, outputs: current.outputs, int8Rules: current.int8Rules)
    }
    if let stuck = current.nodes.first(where: { $0.outputs.count > 1 }) {
      throw ShapeError("'\(stuck.name)' (\(stuck.op.typeName)) has \(stuck.outputs.count) outputs and no expansion into single-output nodes")
    }
    // The expanded functions' own parameters (recurrent weights, cut into per-gate constants)
    // are read by nothing now; left in, they would be emitted as dead weight arrays.
    let orphaned = Set(current.tensors.indices.filter { current.tensors[$0].data != nil })
      .subtracting(TensorCompaction.referencedTensors(current))
    return (TensorCompaction.removing(orphaned, from: current), expanded)
  }
}
