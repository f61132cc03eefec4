import NNIR

/// nnabla's ONNX converter writes a dense layer as `Reshape(x) → BatchMatmul(·, Reshape(W)) →
/// Reshape → Add2(·, Reshape(b))`; this is an `Affine(x, W, b)`, which has int8 kernels and sums
/// like nnabla's own Affine. Rewritten when the matrix operand is a constant whose batch axes
/// are all 1 (W becomes nnabla's `[in, out]`, transposed if `transpose_b`), `transpose_a` is
/// false, and every tensor the chain drops has no other reader. The bias joins when the Add2
/// adds a constant that varies only along the last axis and the Reshape between keeps that axis.
public enum BatchMatmulToAffine {
  /// The rewritten graph and the names of the BatchMatmul nodes that became Affine.
  public static func rewrite(_ graph: ModelGraph) -> (graph: ModelGraph, rewritten: [String]) {
    let uses = GraphUses(graph)
    var editor = GraphEditor(graph)
    var names: [String] = []
    for (k, node) in graph.nodes.enumerated() where node.op.typeName == "BatchMatmul" && !editor.isTouched(k) {
      guard node.op.attribute("transpose_a") != .bool(true),
        let b = uses.constant(node.inputs[1], in: graph), b.shape.dropLast(2).allSatisfy({ $0 == 1 })
      else { continue }
      let transposeB = node.op.attribute("transpose_b") == .bool(true)
      let (rows, cols) = (b.shape[b.shape.count - 2], b.shape[b.shape.count - 1])
      let (inner, outer) = transposeB ? (cols, rows) : (rows, cols)
      let weight = transposeB ? transposed(b.values, rows: rows, cols: cols) : b.values

      // x: the matrix operand, or what the converter reshaped into it.
      var x = node.inputs[0]
      let aShape = graph.tensors[x].shape
      let batchElements = aShape.dropLast().reduce(1, *)
      if let r = uses.producer(of: x, "Reshape", in: graph), uses.onlyRead(x, by: [k]),
        baseAxis(graph.tensors[graph.nodes[r].inputs[0]].shape, inner: inner, batch: batchElements) != nil
      {
        x = graph.nodes[r].inputs[0]
      }
      guard let base = baseAxis(graph.tensors[x].shape, inner: inner, batch: batchElements) else { continue }

      // The chain's end: the BatchMatmul's output, or the Add2 of a constant bias after it.
      var end = node.outputs[0]
      var last = k
      var removing: [Int] = []
      var bias: FloatTensor?
      if let (add, reshape, values) = biasAdd(after: k, outer: outer, graph, uses) {
        bias = values
        end = graph.nodes[add].outputs[0]
        removing = [k] + (reshape.map { [$0] } ?? [])
        last = add
      }
      let wTensor = editor.newTensor(node.name + "/W", shape: [inner, outer], data: FloatTensor(shape: [inner, outer], values: weight))
      var inputs = [x, wTensor]
      if let bias { inputs.append(editor.newTensor(node.name + "/b", shape: [outer], data: bias)) }
      let affineShape = graph.tensors[x].shape.prefix(base) + [outer]
      var nodes: [Node] = []
      if Array(affineShape) == graph.tensors[end].shape {
        nodes.append(Node(name: node.name, op: .affine(AffineAttributes(baseAxis: base)), inputs: inputs, outputs: [end]))
      } else {
        let y = editor.newTensor(node.name + "/affine", shape: Array(affineShape))
        nodes.append(Node(name: node.name, op: .affine(AffineAttributes(baseAxis: base)), inputs: inputs, outputs: [y]))
        nodes.append(Node(name: node.name + "/reshape", op: .reshape(shape: graph.tensors[end].shape), inputs: [y], outputs: [end]))
      }
      editor.replace(last, with: nodes, removing: removing.filter { $0 != last })
      names.append(node.name)
    }
    return (editor.finish(), names)
  }

  /// The base axis at which `shape` splits into `batch` elements before and `inner` after.
  static func baseAxis(_ shape: [Int], inner: Int, batch: Int) -> Int? {
    (0..<shape.count).last { shape[$0...].reduce(1, *) == inner && shape[..<$0].reduce(1, *) == batch }
  }

  /// `Add2(y', bias)` after BatchMatmul `k` (y' its output, or a Reshape of it keeping the last
  /// axis), with a constant bias of `outer` values along the last axis only: the Add2, the Reshape
  /// and the bias values.
  static func biasAdd(after k: Int, outer: Int, _ g: ModelGraph, _ uses: GraphUses) -> (Int, Int?, FloatTensor)? {
    var y = g.nodes[k].outputs[0]
    var reshape: Int?
    guard let readers = uses.readers[y], readers.count == 1, !uses.graphOutputs.contains(y) else { return nil }
    if case .reshape = g.nodes[readers[0]].op {
      reshape = readers[0]
      y = g.nodes[readers[0]].outputs[0]
      guard g.tensors[y].shape.last == outer else { return nil }
    }
    guard let next = uses.readers[y], next.count == 1, !uses.graphOutputs.contains(y), case .add2 = g.nodes[next[0]].op else { return nil }
    let add = g.nodes[next[0]]
    guard let other = add.inputs.first(where: { $0 != y }), add.inputs.contains(y),
      let b = uses.constant(other, in: g), b.shape.last == outer, b.shape.dropLast().allSatisfy({ $0 == 1 }),
      b.shape.count <= g.tensors[y].shape.count, g.tensors[add.outputs[0]].shape == g.tensors[y].shape
    else { return nil }
    return (next[0], reshape, FloatTensor(shape: [outer], values: b.values))
  }

  static func transposed(_ v: [Float], rows: Int, cols: Int) -> [Float] {
    var t = [Float](repeating: 0, count: v.count)
    for i in 0..<rows { for j in 0..<cols { t[j * rows + i] = v[i * cols + j] } }
    return t
  }
}
