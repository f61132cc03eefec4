import NNIR

/// Removes tensors from a graph and renumbers the rest, keeping their relative order.
enum TensorCompaction {
  /// Every tensor a node reads or writes, or that is a graph input or output.
  static func referencedTensors(_ g: ModelGraph) -> Set<Int> {
    var used = Set(g.inputs).union(g.outputs)
    for node in g.nodes {
      used.formUnion(node.inputs)
      used.formUnion(node.outputs)
    }
    return used
  }

  /// `g` without the tensors in `unused` (which nothing may reference), indices renumbered.
  static func removing(_ unused: Set<Int>, from g: ModelGraph) -> ModelGraph {
    guard !unused.isEmpty else { return g }
    var newIndex = [Int](repeating: -1, count: g.tensors.count)
    var tensors: [TensorInfo] = []
    for (i, t) in g.tensors.enumerated() where !unused.contains(i) {
      newIndex[i] = tensors.count
      tensors.append(t)
    }
    func remap(_ i: Int) -> Int {
      precondition(newIndex[i] >= 0, "removed tensor '\(g.tensors[i].name)' is still referenced")
      return newIndex[i]
    }
    let nodes = g.nodes.map { n in
      Node(name: n.name, op: n.op, inputs: n.inputs.map(remap), outputs: n.outputs.map(remap))
    }
    return ModelGraph(name: g.name, tensors: tensors, nodes: nodes, inputs: g.inputs.map(remap), outputs: g.outputs.map(remap), int8Rules: g.int8Rules)
  }
}
