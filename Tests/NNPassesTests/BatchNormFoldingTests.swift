import NNIR
import NNImport
import NNInterpreter
import NNPasses
import Testing
import _NNTestSupport

/// BatchNormalization folding: the folded graph computes what the unfolded one did, for every
/// producer kind, and unsafe cases are left alone.
@Suite struct BatchNormFoldingTests {
  /// Folding changes the float operations (one multiply moves into the weights): 1e-5 of the
  /// output range, as the float C parity contract.
  static let tolerance = 1e-5

  // MARK: - One producer kind each

  @Test func convolution_Grouped_WithBias_Folds() throws {
    let a = ConvolutionAttributes(pad: [1, 1], stride: [1, 1], dilation: [1, 1], group: 2)
    try checkFold(producer: .convolution(a), input: [1, 4, 6, 6], weight: [6, 2, 3, 3], bias: [6], axis: 1, seed: 1)
  }

  @Test func convolution_WithoutBias_FoldsAndGainsABias() throws {
    let a = ConvolutionAttributes(pad: [0, 0], stride: [2, 2], dilation: [1, 1])
    let graph = try checkFold(
      producer: .convolution(a), input: [2, 3, 7, 7], weight: [5, 3, 3, 3], bias: nil, axis: 1, seed: 2)
    #expect(graph.nodes[0].inputs.count == 3)
    #expect(graph.tensors[graph.nodes[0].inputs[2]].name == "layer/b")
    #expect(graph.tensors[graph.nodes[0].inputs[2]].shape == [5])
  }

  @Test func depthwiseConvolution_Multiplier2_Folds() throws {
    let a = DepthwiseConvolutionAttributes(pad: [1, 1], stride: [1, 1], dilation: [1, 1], multiplier: 2)
    try checkFold(producer: .depthwiseConvolution(a), input: [1, 3, 5, 5], weight: [6, 3, 3], bias: [6], axis: 1, seed: 3)
  }

  @Test func deconvolution_Group2_Folds() throws {
    let a = DeconvolutionAttributes(pad: [1, 1], stride: [2, 2], dilation: [1, 1], group: 2, outputPadding: [0, 0])
    // inC 4, outC/group 3 → outC 6; output channel c of group g uses W[g*2 ..< g*2+2, c - 3g].
    try checkFold(producer: .deconvolution(a), input: [1, 4, 4, 4], weight: [4, 3, 3, 3], bias: [6], axis: 1, seed: 4)
  }

  @Test func deconvolution_Group2_WithoutBias_Folds() throws {
    let a = DeconvolutionAttributes(pad: [0, 0], stride: [1, 1], dilation: [1, 1], group: 2, outputPadding: [0, 0])
    try checkFold(producer: .deconvolution(a), input: [1, 2, 3, 3], weight: [2, 2, 2, 2], bias: nil, axis: 1, seed: 5)
  }

  @Test func affine_Folds() throws {
    try checkFold(producer: .affine(AffineAttributes()), input: [3, 2, 5], weight: [10, 7], bias: [7], axis: 1, seed: 6)
  }

  @Test func affine_MultiAxisOutput_FoldsAlongTheBNAxis() throws {
    // W [in, 3, 4]: the BN on output axis 2 scales weight axis 2.
    try checkFold(producer: .affine(AffineAttributes()), input: [2, 6], weight: [6, 3, 4], bias: nil, axis: 2, seed: 7)
  }

  // MARK: - Left alone

  @Test func producerOutputReadTwice_IsNotFolded() throws {
    var rng = SeededGenerator(seed: 8)
    var b = GraphBuilder()
    let x = b.input("x", [1, 2, 4, 4])
    let conv = b.node(.convolution(ConvolutionAttributes(pad: [0, 0], stride: [1, 1], dilation: [1, 1])), [
      x, b.parameter("W", [3, 2, 1, 1], &rng), b.parameter("b", [3], &rng),
    ], "conv")
    let bn = b.batchNorm(conv, channels: 3, axis: 1, &rng)
    let relu = b.node(.relu, [conv], "relu")
    let sum = b.node(.add2, [bn, relu], "sum")
    let graph = b.graph(outputs: [sum])
    let (folded, names) = BatchNormFolding.fold(graph)
    #expect(names.isEmpty)
    #expect(folded.nodes.map(\.op) == graph.nodes.map(\.op))
    #expect(folded.tensors.count == graph.tensors.count)
  }

  @Test func producerOutputIsAGraphOutput_IsNotFolded() throws {
    var rng = SeededGenerator(seed: 9)
    var b = GraphBuilder()
    let x = b.input("x", [2, 4])
    let fc = b.node(.affine(AffineAttributes()), [x, b.parameter("W", [4, 3], &rng)], "fc")
    let bn = b.batchNorm(fc, channels: 3, axis: 1, &rng)
    let (_, names) = BatchNormFolding.fold(b.graph(outputs: [bn, fc]))
    #expect(names.isEmpty)
  }

  @Test func bnOnANonChannelAxis_IsNotFolded() throws {
    var rng = SeededGenerator(seed: 10)
    var b = GraphBuilder()
    let x = b.input("x", [1, 2, 5, 5])
    let conv = b.node(.convolution(ConvolutionAttributes(pad: [0, 0], stride: [1, 1], dilation: [1, 1])), [
      x, b.parameter("W", [5, 2, 1, 1], &rng),
    ], "conv")
    let bn = b.batchNorm(conv, channels: 5, axis: 2, &rng)  // spatial axis, also of size 5
    let (_, names) = BatchNormFolding.fold(b.graph(outputs: [bn]))
    #expect(names.isEmpty)
  }

  @Test func bnAfterNonLinearOp_IsNotFolded() throws {
    var rng = SeededGenerator(seed: 11)
    var b = GraphBuilder()
    let x = b.input("x", [1, 3, 4, 4])
    let relu = b.node(.relu, [x], "relu")
    let bn = b.batchNorm(relu, channels: 3, axis: 1, &rng)
    let (_, names) = BatchNormFolding.fold(b.graph(outputs: [bn]))
    #expect(names.isEmpty)
  }

  @Test func sharedWeight_IsCopiedNotRewritten() throws {
    var rng = SeededGenerator(seed: 12)
    var b = GraphBuilder()
    let x = b.input("x", [2, 4])
    let w = b.parameter("W", [4, 4], &rng)
    let fc1 = b.node(.affine(AffineAttributes()), [x, w], "fc1")
    let bn = b.batchNorm(fc1, channels: 4, axis: 1, &rng)
    let fc2 = b.node(.affine(AffineAttributes()), [bn, w], "fc2")
    let graph = b.graph(outputs: [fc2])
    let (folded, names) = BatchNormFolding.fold(graph)
    #expect(names == ["bn"])
    #expect(folded.tensors.map(\.name).contains("W_bnfold"))
    #expect(folded.tensors[folded.tensorIndex(named: "W")!].data == graph.tensors[w].data)
    try expectSameOutputs(graph, folded, seed: 13)
  }

  @Test func twoBNsInARow_BothFold() throws {
    var rng = SeededGenerator(seed: 14)
    var b = GraphBuilder()
    let x = b.input("x", [2, 5])
    let fc = b.node(.affine(AffineAttributes()), [x, b.parameter("W", [5, 3], &rng), b.parameter("b", [3], &rng)], "fc")
    let bn1 = b.batchNorm(fc, channels: 3, axis: 1, &rng, name: "bn1")
    let bn2 = b.batchNorm(bn1, channels: 3, axis: 1, &rng, name: "bn2")
    let graph = b.graph(outputs: [bn2])
    let (folded, names) = BatchNormFolding.fold(graph)
    #expect(names == ["bn1", "bn2"])
    #expect(folded.nodes.count == 1)
    #expect(folded.tensors[folded.nodes[0].outputs[0]].name == "bn2_out")
    try expectSameOutputs(graph, folded, seed: 15)
  }

  // MARK: - The real fixture

  @Test func cnnBNFixture_FoldsEveryBNAndMatches() throws {
    let graph = try NNablaImporter.importNNP(bytes: Fixtures.bytes("nnabla/cnn_bn/model.nnp")).graph
    let bnNames = graph.nodes.filter { $0.op.typeName == "BatchNormalization" }.map(\.name)
    #expect(bnNames.count == 2)
    let (folded, names) = BatchNormFolding.fold(graph)
    #expect(names == bnNames)
    #expect(!folded.nodes.contains { $0.op.typeName == "BatchNormalization" })
    #expect(folded.nodes.count == graph.nodes.count - bnNames.count)
    // The BN output names survive as the convolutions' outputs; the statistics are gone.
    for node in folded.nodes where node.op.typeName == "Convolution" {
      #expect(folded.tensors[node.outputs[0]].name.contains("BatchNormalization_out"))
    }
    #expect(!folded.tensors.contains { $0.name.contains("bn/mean") || $0.name.contains("bn/var") })
    try checkValid(folded)

    let pixels = try Fixtures.floats("nnabla/cnn_bn/inputs.bin")
    let sampleSize = 28 * 28
    #expect(pixels.count == 16 * sampleSize)
    var reference: [Float] = []
    var actual: [Float] = []
    for s in 0..<16 {
      let x = FloatTensor(shape: [1, 1, 28, 28], values: Array(pixels[s * sampleSize..<(s + 1) * sampleSize]))
      reference += FloatInterpreter.run(graph, inputs: [x])[0].values
      actual += FloatInterpreter.run(folded, inputs: [x])[0].values
    }
    expectClose(actual, reference)
  }

  // MARK: - Helpers

  /// Builds `x → producer → BN(axis) → ReLU`, folds it, checks one fold and equal outputs.
  @discardableResult
  func checkFold(
    producer op: Op, input: [Int], weight: [Int], bias: [Int]?, axis: Int, seed: UInt64
  ) throws -> ModelGraph {
    var rng = SeededGenerator(seed: seed)
    var b = GraphBuilder()
    let x = b.input("x", input)
    var inputs = [x, b.parameter("layer/W", weight, &rng)]
    if let bias { inputs.append(b.parameter("layer/b_orig", bias, &rng)) }
    let y = b.node(op, inputs, "layer")
    let channels = b.tensors[y].shape[axis]
    let bn = b.batchNorm(y, channels: channels, axis: axis, &rng)
    let relu = b.node(.relu, [bn], "relu")
    let graph = b.graph(outputs: [relu, bn])

    let (folded, names) = BatchNormFolding.fold(graph)
    #expect(names == ["bn"])
    #expect(folded.nodes.map(\.op.typeName) == [op.typeName, "ReLU"])
    #expect(folded.tensors[folded.nodes[0].outputs[0]].name == "bn_out")
    #expect(!folded.tensors.contains { $0.name.hasPrefix("bn/") || $0.name == "layer_out" })
    try checkValid(folded)
    try expectSameOutputs(graph, folded, seed: seed &+ 100)
    return folded
  }

  func expectSameOutputs(_ graph: ModelGraph, _ folded: ModelGraph, seed: UInt64) throws {
    var rng = SeededGenerator(seed: seed)
    for _ in 0..<3 {
      let inputs = graph.inputs.map { i in
        FloatTensor(shape: graph.tensors[i].shape, values: (0..<graph.tensors[i].elementCount).map { _ in rng.uniform(-1, 1) })
      }
      let reference = FloatInterpreter.run(graph, inputs: inputs)
      let actual = FloatInterpreter.run(folded, inputs: inputs)
      #expect(reference.count == actual.count)
      for (r, a) in zip(reference, actual) {
        #expect(r.shape == a.shape)
        expectClose(a.values, r.values)
      }
    }
  }

  /// max |a - r| ≤ tolerance × max |r|.
  func expectClose(_ actual: [Float], _ reference: [Float], sourceLocation: SourceLocation = #_sourceLocation) {
    let scale = reference.map { Double($0.magnitude) }.max() ?? 0
    let maxAbs = zip(actual, reference).map { Double(($0 - $1).magnitude) }.max() ?? 0
    #expect(maxAbs <= Self.tolerance * max(scale, 1e-30), "max-abs \(maxAbs), reference max \(scale)", sourceLocation: sourceLocation)
  }

  /// Every node reads tensors that exist and are defined before it, and shapes agree.
  func checkValid(_ g: ModelGraph) throws {
    var defined = Set(g.inputs).union(g.parameterIndices)
    for node in g.nodes {
      for i in node.inputs {
        #expect(i >= 0 && i < g.tensors.count && defined.contains(i), "\(node.name) reads undefined tensor \(i)")
      }
      let shape = try ShapeInference.outputShape(of: node.op, inputs: node.inputs.map { g.tensors[$0].shape })
      #expect(shape == g.tensors[node.outputs[0]].shape, "\(node.name)")
      defined.formUnion(node.outputs)
    }
    for o in g.outputs { #expect(defined.contains(o)) }
  }
}

/// Builds small graphs for tests; shapes come from `ShapeInference`.
struct GraphBuilder {
  var tensors: [TensorInfo] = []
  var nodes: [Node] = []
  var inputs: [Int] = []

  mutating func input(_ name: String, _ shape: [Int]) -> Int {
    tensors.append(TensorInfo(name: name, shape: shape))
    inputs.append(tensors.count - 1)
    return tensors.count - 1
  }

  mutating func parameter(_ name: String, _ shape: [Int], _ rng: inout SeededGenerator, range: ClosedRange<Float> = -1...1) -> Int {
    let count = shape.reduce(1, *)
    let values = (0..<count).map { _ in rng.uniform(range.lowerBound, range.upperBound) }
    tensors.append(TensorInfo(name: name, shape: shape, data: FloatTensor(shape: shape, values: values)))
    return tensors.count - 1
  }

  mutating func node(_ op: Op, _ inputs: [Int], _ name: String) -> Int {
    let shape = try! ShapeInference.outputShape(of: op, inputs: inputs.map { tensors[$0].shape })
    tensors.append(TensorInfo(name: "\(name)_out", shape: shape))
    nodes.append(Node(name: name, op: op, inputs: inputs, outputs: [tensors.count - 1]))
    return tensors.count - 1
  }

  /// A BN with random statistics: beta, gamma in ±2, mean in ±1, variance in [0.05, 3].
  mutating func batchNorm(_ x: Int, channels: Int, axis: Int, _ rng: inout SeededGenerator, name: String = "bn") -> Int {
    let stats = [
      parameter("\(name)/beta", [channels], &rng, range: -2...2),
      parameter("\(name)/gamma", [channels], &rng, range: -2...2),
      parameter("\(name)/mean", [channels], &rng, range: -1...1),
      parameter("\(name)/var", [channels], &rng, range: 0.05...3),
    ]
    return node(.batchNormalization(BatchNormalizationAttributes(axes: [axis], eps: 1e-5)), [x] + stats, name)
  }

  func graph(outputs: [Int]) -> ModelGraph {
    ModelGraph(name: "test", tensors: tensors, nodes: nodes, inputs: inputs, outputs: outputs)
  }
}

/// SplitMix64: the same numbers on every platform and run.
struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in `[lo, hi)` from the top 24 bits.
  mutating func uniform(_ lo: Float, _ hi: Float) -> Float {
    lo + (hi - lo) * Float(next() >> 40) / Float(1 << 24)
  }
}
