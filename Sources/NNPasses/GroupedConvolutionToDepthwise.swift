import NNIR

/// nnabla's ONNX converter writes a depthwise convolution as a `Convolution` with one group per
/// input channel; `DepthwiseConvolution` is the same sum (output channel `c·m + j` reads input
/// channel `c` with weight row `c·m + j`) with kernels made for it. Rewritten when `group` equals
/// the input channels and the weight `[C·m, 1, k…]` is a parameter; the weight becomes
/// `[C·m, k…]` (a new tensor when another node reads it too).
public enum GroupedConvolutionToDepthwise {
  /// The rewritten graph and the names of the convolutions rewritten.
  public static func rewrite(_ graph: ModelGraph) -> (graph: ModelGraph, rewritten: [String]) {
    var editor = GraphEditor(graph)
    var names: [String] = []
    for (k, node) in graph.nodes.enumerated() {
      guard case .convolution(let a) = node.op, node.inputs.count >= 2 else { continue }
      let x = graph.tensors[node.inputs[0]].shape, w = graph.tensors[node.inputs[1]]
      guard a.baseAxis < x.count, a.group > 1, x[a.baseAxis] == a.group, let data = w.data, w.shape.count == a.pad.count + 2,
        w.shape[1] == 1, w.shape[0] % a.group == 0
      else { continue }
      let shape = [w.shape[0]] + w.shape.dropFirst(2)
      let weight = editor.newTensor(w.name + "_depthwise", shape: shape, data: FloatTensor(shape: shape, values: data.values),
        quantization: w.quantization)  // the same element order: the file's codes still fit
      var inputs = node.inputs
      inputs[1] = weight
      let op = Op.depthwiseConvolution(
        DepthwiseConvolutionAttributes(
          baseAxis: a.baseAxis, pad: a.pad, stride: a.stride, dilation: a.dilation, multiplier: w.shape[0] / a.group))
      editor.replace(k, with: [Node(name: node.name, op: op, inputs: inputs, outputs: node.outputs)])
      names.append(node.name)
    }
    return (editor.finish(), names)
  }
}
