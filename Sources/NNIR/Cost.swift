/// Multiply-accumulate counts per node: the work measure `info`, reports and benchmarks use.
public enum Cost {
  /// Multiply-accumulates of one node, counted as the field counts them (CMSIS-NN, TFLite
  /// benchmarks, the MAC/cycle figures we compare against): only the weight layers.
  ///
  /// Convolution: out elements × (in channels / group) × kernel size; Affine: in × out features ×
  /// batch; Deconvolution: input elements × (out channels / group) × kernel size. Pooling,
  /// normalisation, activations and data movement count 0 (Sony's LeNet sample: 653,300).
  public static func macs(_ node: Node, in graph: ModelGraph) -> Int {
    macs(node.op, inputShapes: node.inputs.map { graph.tensors[$0].shape }, outputShape: graph.tensors[node.outputs[0]].shape)
  }

  /// The same from shapes alone (for int8 program steps that run a float op).
  public static func macs(_ op: Op, inputShapes inShapes: [[Int]], outputShape outShape: [Int]) -> Int {
    let outCount = outShape.reduce(1, *)
    switch op {
    case .affine:
      return outCount * inShapes[1][0]
    case .convolution:
      return outCount * inShapes[1].dropFirst().reduce(1, *)
    case .depthwiseConvolution:
      return outCount * inShapes[1].dropFirst().reduce(1, *)
    case .deconvolution:
      return inShapes[0].reduce(1, *) * inShapes[1].dropFirst().reduce(1, *)
    case .function(let f):
      return f.function.macs(inputShapes: inShapes, outputShapes: [outShape])
    default:
      return 0
    }
  }

  /// Multiply-accumulates of one int8 program step, counted as `macs(_:in:)` counts its node
  /// (a fused max pooling adds none: the convolution's own output size counts).
  public static func macs(_ step: ProgramStep, in program: Int8Program) -> Int {
    switch step.kernel {
    case .convolution(let layer):
      let p = layer.params
      let perOutput = Int(p.inC / max(p.group, 1)) * Int(p.kernelH) * Int(p.kernelW)
      return Int(p.batch) * Int(p.outC) * Int(p.outH) * Int(p.outW) * perOutput
    case .affine(let layer):
      return Int(layer.params.outer) * Int(layer.params.inFeatures) * Int(layer.params.outFeatures)
    case .float(let op):
      return macs(op, inputShapes: step.inputs.map { program.tensors[$0].shape }, outputShape: program.tensors[step.output].shape)
    default:
      return 0
    }
  }

  /// The sum of per-node counts, saturating at `Int.max`: each node's count fits (its factors are
  /// bounded by `ShapeLimits`), but a hostile graph can repeat a 2^59-MAC layer on shared weights.
  public static func total(_ counts: [Int]) -> Int {
    counts.reduce(0) { sum, n in
      let (s, overflow) = sum.addingReportingOverflow(n)
      return overflow ? .max : s
    }
  }

  /// Number of parameter values a node reads (weights, biases, statistics).
  public static func parameterCount(_ node: Node, in graph: ModelGraph) -> Int {
    node.inputs.filter { graph.tensors[$0].isParameter }.map { graph.tensors[$0].elementCount }.reduce(0, +)
  }
}
