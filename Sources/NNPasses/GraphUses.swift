import NNIR

/// Who writes and who reads each tensor of a graph: what the converter-output rewrites check
/// before they replace a chain of nodes (an intermediate tensor may go only when nothing else
/// reads it).
struct GraphUses {
  /// The node writing each tensor.
  var producer: [Int: Int] = [:]
  /// The nodes reading each tensor (a node reading it twice counts twice).
  var readers: [Int: [Int]] = [:]
  let graphOutputs: Set<Int>

  init(_ g: ModelGraph) {
    graphOutputs = Set(g.outputs)
    for (k, node) in g.nodes.enumerated() {
      for t in node.outputs { producer[t] = k }
      for t in node.inputs { readers[t, default: []].append(k) }
    }
  }

  /// True when tensor `t` is read by exactly `nodes` (as a multiset) and is no graph output.
  func onlyRead(_ t: Int, by nodes: [Int]) -> Bool {
    !graphOutputs.contains(t) && (readers[t] ?? []).sorted() == nodes.sorted()
  }

  /// The node writing `t` when it is `typeName`'s.
  func producer(of t: Int, _ typeName: String, in g: ModelGraph) -> Int? {
    guard let k = producer[t], g.nodes[k].op.typeName == typeName else { return nil }
    return k
  }

  /// The value of `t` when it is a parameter, or one seen through Reshapes of a parameter (the
  /// converter reshapes weights and biases with nodes).
  func constant(_ t: Int, in g: ModelGraph) -> FloatTensor? {
    if let data = g.tensors[t].data { return data }
    guard let k = producer[t], case .reshape = g.nodes[k].op, let source = constant(g.nodes[k].inputs[0], in: g) else { return nil }
    return FloatTensor(shape: g.tensors[t].shape, values: source.values)
  }
}

extension Op {
  /// A function attribute by its `.nntxt` name (the passes see functions only through `Op`).
  func attribute(_ name: String) -> AttributeValue? {
    function?.attributeFields.first { $0.name == name }?.value
  }
}

/// Replaces nodes of a graph: new nodes at the place of one old node, others dropped, new
/// tensors appended; then nodes nothing reads any more and the tensors the rewrite orphaned go.
struct GraphEditor {
  private(set) var graph: ModelGraph
  private var replacement: [Int: [Node]] = [:]
  private var removed: Set<Int> = []

  private let originalTensorCount: Int

  init(_ g: ModelGraph) {
    graph = g
    originalTensorCount = g.tensors.count
  }

  mutating func newTensor(_ name: String, shape: [Int], data: FloatTensor? = nil, quantization: FileQuantization? = nil) -> Int {
    graph.tensors.append(TensorInfo(name: name, shape: shape, data: data, quantization: quantization))
    return graph.tensors.count - 1
  }

  /// `nodes` run where node `k` ran; the nodes of `removing` go.
  mutating func replace(_ k: Int, with nodes: [Node], removing: [Int] = []) {
    replacement[k] = nodes
    removed.formUnion(removing)
  }

  func isTouched(_ k: Int) -> Bool { replacement[k] != nil || removed.contains(k) }

  /// The edited graph, without nodes whose outputs nobody reads and tensors nothing references
  /// any more (tensors unused before the edit stay). An unedited graph comes back as it was.
  func finish() -> ModelGraph {
    guard !replacement.isEmpty || !removed.isEmpty else { return graph }
    let before = TensorCompaction.referencedTensors(graph).union(originalTensorCount..<graph.tensors.count)
    var nodes: [Node] = []
    for (k, node) in graph.nodes.enumerated() {
      if let new = replacement[k] { nodes += new } else if !removed.contains(k) { nodes.append(node) }
    }
    var g = graph
    // Sweep nodes left without readers (the converter's Reshapes of a folded weight), last first.
    var changed = true
    while changed {
      changed = false
      var read = Set(g.outputs)
      for node in nodes { read.formUnion(node.inputs) }
      let kept = nodes.filter { n in n.outputs.contains { read.contains($0) } }
      changed = kept.count != nodes.count
      nodes = kept
    }
    g.nodes = nodes
    let after = TensorCompaction.referencedTensors(g)
    return TensorCompaction.removing(before.subtracting(after), from: g)
  }
}
