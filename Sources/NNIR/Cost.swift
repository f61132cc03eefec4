/// Multiply-accumulate counts per node: the work measure `info`, reports and benchmarks use.
public enum Cost {
  /// Multiply-adds of one node (0 for data movement and most element-wise ops).
  ///
  /// Convolution: out elements × (in channels / group) × kernel size; Affine: in × out features ×
  /// batch; Deconvolution: input elements × (out channels / group) × kernel size; BatchNormalization,
  /// pooling and activations count one per output element where they multiply.
  public static func macs(_ node: Node, in graph: ModelGraph) -> Int {
    let outShape = graph.tensors[node.outputs[0]].shape
    let outCount = outShape.reduce(1, *)
    let inShapes = node.inputs.map { graph.tensors[$0].shape }
    switch node.op {
    case .affine:
      return outCount * inShapes[1][0]
    case .convolution:
      return outCount * inShapes[1].dropFirst().reduce(1, *)
    case .depthwiseConvolution:
      return outCount * inShapes[1].dropFirst().reduce(1, *)
    case .deconvolution:
      return inShapes[0].reduce(1, *) * inShapes[1].dropFirst().reduce(1, *)
    case .batchNormalization, .mulScalar, .mul2, .div2, .swish, .elu:
      return outCount
    case .averagePooling(let a), .sumPooling(let a):
      return outCount * a.kernel.reduce(1, *)
    default:
      return 0
    }
  }

  /// Number of parameter values a node reads (weights, biases, statistics).
  public static func parameterCount(_ node: Node, in graph: ModelGraph) -> Int {
    node.inputs.filter { graph.tensors[$0].isParameter }.map { graph.tensors[$0].elementCount }.reduce(0, +)
  }
}
