import NNIR

/// nnabla's ONNX converter writes a padded convolution or pooling as a `Pad` then the op without
/// padding; the op's own `pad` is the same where it pads alike, and saves a copy of the tensor.
/// Folded when the Pad is constant 0, pads each spatial axis of the op by the same amount before
/// and after (the op's pad is symmetric), pads no other axis, and nothing else reads its output:
/// - Convolution, DepthwiseConvolution: their pad is zeros;
/// - AveragePooling with `including_pad` and `ignore_border`: padded zeros count in the divisor;
/// - MaxPooling with `ignore_border` only after a ReLU or ReLU6 and with pad < kernel: its own pad
///   is ignored positions, not zeros, which differ unless every window holds a value ≥ 0.
public enum PadFolding {
  /// The rewritten graph and the names of the Pad nodes folded.
  public static func fold(_ graph: ModelGraph) -> (graph: ModelGraph, folded: [String]) {
    let uses = GraphUses(graph)
    var editor = GraphEditor(graph)
    var names: [String] = []
    for (k, node) in graph.nodes.enumerated() {
      guard let p = uses.producer[node.inputs.first ?? -1], case .pad(let pad) = graph.nodes[p].op,
        pad.mode == .constant, pad.constantValue == 0, uses.onlyRead(node.inputs[0], by: [k]), !editor.isTouched(p)
      else { continue }
      let source = graph.nodes[p].inputs[0]
      let rank = graph.tensors[source].shape.count
      let op: Op
      switch node.op {
      case .convolution(var a):
        guard let added = symmetric(pad.padWidth, spatial: a.pad.count, rank: rank) else { continue }
        a.pad = zip(a.pad, added).map(+)
        op = .convolution(a)
      case .depthwiseConvolution(var a):
        guard let added = symmetric(pad.padWidth, spatial: a.pad.count, rank: rank) else { continue }
        a.pad = zip(a.pad, added).map(+)
        op = .depthwiseConvolution(a)
      case .averagePooling(var a) where a.includingPad && a.ignoreBorder:
        guard let added = symmetric(pad.padWidth, spatial: a.kernel.count, rank: rank), a.pad.count == a.kernel.count else { continue }
        a.pad = zip(a.pad, added).map(+)
        op = .averagePooling(a)
      case .maxPooling(var a) where a.ignoreBorder && isNonNegative(source, graph, uses):
        guard let added = symmetric(pad.padWidth, spatial: a.kernel.count, rank: rank), a.pad.count == a.kernel.count else { continue }
        a.pad = zip(a.pad, added).map(+)
        guard zip(a.pad, a.kernel).allSatisfy({ $0 < $1 }) else { continue }
        op = .maxPooling(a)
      default:
        continue
      }
      var inputs = node.inputs
      inputs[0] = source
      editor.replace(k, with: [Node(name: node.name, op: op, inputs: inputs, outputs: node.outputs)], removing: [p])
      names.append(graph.nodes[p].name)
    }
    return (editor.finish(), names)
  }

  /// The per-axis pad of the last `spatial` axes when `padWidth` pads them symmetrically and
  /// pads nothing else.
  static func symmetric(_ padWidth: [Int], spatial: Int, rank: Int) -> [Int]? {
    let axes = padWidth.count / 2
    guard padWidth.count % 2 == 0, axes <= rank, spatial <= rank else { return nil }
    var perAxis = [Int](repeating: 0, count: rank)
    for a in 0..<axes {
      let (before, after) = (padWidth[2 * a], padWidth[2 * a + 1])
      guard before == after else { return nil }
      perAxis[rank - axes + a] = before
    }
    guard perAxis.dropLast(spatial).allSatisfy({ $0 == 0 }) else { return nil }
    return Array(perAxis.suffix(spatial))
  }

  static func isNonNegative(_ t: Int, _ g: ModelGraph, _ uses: GraphUses) -> Bool {
    guard let k = uses.producer[t] else { return false }
    switch g.nodes[k].op {
    case .relu, .relu6: return true
    default: return false
    }
  }
}
