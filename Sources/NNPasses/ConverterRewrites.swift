import NNIR

/// The rewrites of what nnabla's ONNX converter writes (`nnabla_cli convert`) into the
/// functions NNC has kernels for, in an order where each can see the last one's result: grouped
/// convolutions become depthwise first, so their Pad folds too. Each leaves any other graph
/// unchanged.
public enum ConverterRewrites {
  /// The rewritten graph and one line per rewrite that changed something (counts only: the
  /// converter's node names run to hundreds of characters).
  public static func apply(_ graph: ModelGraph) -> (graph: ModelGraph, notes: [String]) {
    var g = graph
    var notes: [String] = []
    func note(_ what: String, _ names: [String]) {
      if !names.isEmpty { notes.append("\(what): \(names.count)") }
    }
    var names: [String]
    (g, names) = GroupedConvolutionToDepthwise.rewrite(g)
    note("rewrote grouped Convolution as DepthwiseConvolution", names)
    (g, names) = PadFolding.fold(g)
    note("folded Pad into the convolution or pooling after", names)
    (g, names) = BatchMatmulToAffine.rewrite(g)
    note("rewrote BatchMatmul by a constant (+ Reshape, bias Add2) as Affine", names)
    (g, names) = SoftmaxFusion.rewrite(g)
    note("rewrote Max/Sub2/Exp/Sum/Div2 as Softmax", names)
    return (g, notes)
  }
}
