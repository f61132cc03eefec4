import NNIR

/// nnabla's ONNX converter writes Softmax as `Max(x, axis, keep_dims) → Sub2(x, ·) → Exp →
/// Sum(axis, keep_dims) → Div2`; this is `Softmax(axis)`, which nnabla computes with the same
/// steps and which has an int8 kernel. Rewritten only when the Max and Sum reduce the same single
/// axis with keep_dims, and the max, the difference, the exponentials and the sum have no other
/// readers.
public enum SoftmaxFusion {
  /// The rewritten graph and the names of the Div2 nodes that became Softmax.
  public static func rewrite(_ graph: ModelGraph) -> (graph: ModelGraph, rewritten: [String]) {
    let uses = GraphUses(graph)
    var editor = GraphEditor(graph)
    var names: [String] = []
    for (k, div) in graph.nodes.enumerated() {
      guard case .div2 = div.op, let e = div.inputs.first, let s = div.inputs.last, e != s,
        let sumNode = uses.producer(of: s, "Sum", in: graph), let expNode = uses.producer(of: e, "Exp", in: graph),
        graph.nodes[sumNode].inputs[0] == e,
        case let d = graph.nodes[expNode].inputs[0], let subNode = uses.producer[d], case .sub2 = graph.nodes[subNode].op,
        case let x = graph.nodes[subNode].inputs[0], case let m = graph.nodes[subNode].inputs[1],
        let maxNode = uses.producer(of: m, "Max", in: graph), graph.nodes[maxNode].inputs[0] == x,
        let axis = singleAxis(graph.nodes[maxNode].op), singleAxis(graph.nodes[sumNode].op) == axis,
        uses.onlyRead(m, by: [subNode]), uses.onlyRead(d, by: [expNode]), uses.onlyRead(e, by: [sumNode, k]),
        uses.onlyRead(s, by: [k]),
        graph.tensors[x].shape == graph.tensors[div.outputs[0]].shape
      else { continue }
      let chain = [maxNode, subNode, expNode, sumNode]
      guard !chain.contains(where: editor.isTouched) else { continue }
      editor.replace(k, with: [Node(name: div.name, op: .softmax(axis: axis), inputs: [x], outputs: div.outputs)], removing: chain)
      names.append(div.name)
    }
    return (editor.finish(), names)
  }

  /// The one axis a Max or Sum with keep_dims reduces.
  static func singleAxis(_ op: Op) -> Int? {
    guard op.attribute("keep_dims") == .bool(true), case .ints(let axes)? = op.attribute("axes"), axes.count == 1 else { return nil }
    return axes[0]
  }
}
