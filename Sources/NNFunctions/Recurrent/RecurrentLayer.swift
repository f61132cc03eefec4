import NNIR

/// One time step of a recurrent cell (LSTM, GRU, RNN), written with `RecurrentOps`.
protocol RecurrentCell: NNFunction {
  /// The states carried from step to step: h (and c for LSTM); h first.
  static var stateCount: Int { get }
  /// The gate axis of the weights (`weight_l0` `[D, gates, H, I + H]`); nil: no such axis (RNN).
  static var weightGates: Int? { get }
  /// The gate axis of the bias (`[L, D, gates, H]`); nil: no such axis (RNN).
  static var biasGates: Int? { get }
  var layer: RecurrentLayer { get }
  init(_ layer: RecurrentLayer)
  /// The states after one step of input `x` `[B, in]` from `states` (each `[B, H]`).
  func step<O: RecurrentOps>(_ ops: inout O, x: O.Value, states: [O.Value], weights: LayerWeights) throws -> [O.Value]
}

/// What every cell is as an NNFunction: always written as its per-step expansion (the backends see
/// only core ops), evaluated, differentiated and counted by `RecurrentLayer`.
extension RecurrentCell {
  public static var alwaysExpands: Bool { true }
  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws { self.init(try RecurrentLayer(a)) }
  public var attributeFields: [(name: String, value: AttributeValue)] { layer.leadingFields + layer.trailingFields }
  public func outputShapes(_ inputs: [[Int]]) throws(ShapeError) -> [[Int]] { try layer.outputShapes(Self.self, inputs) }
  public func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor] { layer.evaluate(self, inputs) }
  public func expand(_ node: Node, _ graph: inout SubgraphBuilder) throws -> Bool { try layer.expand(self, node, &graph) }
  public func emitC(_ call: inout any CFunctionCall) throws -> [String]? { nil }
  public var isTrainable: Bool { true }
  public func gradients(inputs: [FloatTensor], outputs: [FloatTensor], outputGradients: [FloatTensor]) -> [FloatTensor?]? {
    layer.gradients(self, inputs: inputs, outputGradients: outputGradients)
  }
  public func macs(inputShapes: [[Int]], outputShapes: [[Int]]) -> Int { layer.macs(Self.self, inputShapes: inputShapes) }
}

/// The weights of one layer and direction, cut into the `[in, out]` matrices the cells use.
struct LayerWeights {
  /// True for layer 0 (`weight_l0`), false for the others (`weight`).
  let isFirstLayer: Bool
  let weight: FloatTensor
  /// Where this layer's `[gates, H, width]` block starts.
  let offset: Int
  let hidden: Int
  /// The layer's input size plus H.
  let width: Int
  let bias: FloatTensor?
  let biasOffset: Int

  /// `[columns.count, gates.count · H]`: `W[k][g·H + j] = weight[g][j][k]` (nnabla transposes
  /// each gate's `[H, width]` block before its Affine).
  func matrix(gates: Range<Int>, columns: Range<Int>) -> FloatTensor {
    var v: [Float] = []
    v.reserveCapacity(columns.count * gates.count * hidden)
    for k in columns {
      for g in gates {
        for j in 0..<hidden { v.append(weight.values[offset + (g * hidden + j) * width + k]) }
      }
    }
    return FloatTensor(shape: [columns.count, gates.count * hidden], values: v)
  }

  /// The bias of `gates`, `[gates.count · H]`; nil without a bias input.
  func bias(_ gates: Range<Int>) -> FloatTensor? {
    bias.map { b in
      FloatTensor(shape: [gates.count * hidden], values: Array(b.values[(biasOffset + gates.lowerBound * hidden)..<(biasOffset + gates.upperBound * hidden)]))
    }
  }
}

/// What LSTM, GRU and RNN share: their attributes, the optional inputs nnabla allows, and the
/// loop over layers, directions and steps (nnabla's `create_fixed_length_*_graph`).
public struct RecurrentLayer: Sendable, Equatable {
  public var numLayers: Int
  /// Only between layers in training; nnabla's forward ignores it, and so does nncompile.
  public var dropout: Double
  public var bidirectional: Bool
  public var training: Bool

  public init(numLayers: Int, dropout: Double = 0, bidirectional: Bool, training: Bool = false) {
    self.numLayers = numLayers
    self.dropout = dropout
    self.bidirectional = bidirectional
    self.training = training
  }

  init(_ a: any FunctionAttributeReader) throws {
    self.init(
      numLayers: try a.int("num_layers", absent: 0), dropout: try a.double("dropout", absent: 0),
      bidirectional: try a.bool("bidirectional", absent: false), training: try a.bool("training", absent: false))
  }

  var directions: Int { bidirectional ? 2 : 1 }

  /// The fields after the cell's own (RNN's nonlinearity comes between).
  var leadingFields: [(name: String, value: AttributeValue)] { [("num_layers", .int(numLayers))] }
  var trailingFields: [(name: String, value: AttributeValue)] {
    [("dropout", .double(dropout)), ("bidirectional", .bool(bidirectional)), ("training", .bool(training))]
  }

  /// Which inputs are `weight` and `bias`, as nnabla tells them apart: with one layer the input
  /// after `weight_l0` is the bias; with more it is the weight (which they then need).
  func parameterIndices<C: RecurrentCell>(_ cell: C.Type, inputCount: Int) -> (w0: Int, weight: Int?, bias: Int?) {
    let w0 = 1 + C.stateCount
    let rest = Array((w0 + 1)..<max(w0 + 1, inputCount))
    if numLayers > 1 { return (w0, rest.first, rest.count > 1 ? rest[1] : nil) }
    return (w0, nil, rest.first)
  }

  func outputShapes<C: RecurrentCell>(_ cell: C.Type, _ inputs: [[Int]]) throws(ShapeError) -> [[Int]] {
    let name = C.typeName
    // Checked here rather than at init, so the support table can probe the type with no attributes.
    guard numLayers >= 1 else { throw ShapeError("\(name): num_layers is \(numLayers); it must be at least 1") }
    guard inputs.count > 1 + C.stateCount, inputs[0].count == 3 else {
      throw ShapeError("\(name): x must be [T, B, I], then the initial state(s) and weight_l0")
    }
    let (t, b, i) = (inputs[0][0], inputs[0][1], inputs[0][2])
    let h = inputs[1]
    guard h.count == 4, h[0] == numLayers, h[1] == directions, h[2] == b else {
      throw ShapeError("\(name): h is \(h); it must be [num_layers \(numLayers), directions \(directions), batch \(b), H]")
    }
    let hidden = h[3]
    guard t >= 1, b >= 1, hidden >= 1 else { throw ShapeError("\(name): T \(t), batch \(b) and H \(hidden) must be at least 1") }
    for s in 1..<(1 + C.stateCount) where inputs[s] != h {
      throw ShapeError("\(name): c is \(inputs[s]); it must be h's shape \(h)")
    }
    let p = parameterIndices(cell, inputCount: inputs.count)
    let gates = C.weightGates.map { [$0] } ?? []
    let w0 = [directions] + gates + [hidden, i + hidden]
    guard inputs[p.w0] == w0 else { throw ShapeError("\(name): weight_l0 is \(inputs[p.w0]); it must be \(w0)") }
    if numLayers > 1 {
      let w = [numLayers - 1, directions] + gates + [hidden, directions * hidden + hidden]
      guard let wi = p.weight, inputs[wi] == w else {
        throw ShapeError("\(name): weight must be \(w) with num_layers \(numLayers)")
      }
    }
    if let bi = p.bias {
      let bias = [numLayers, directions] + (C.biasGates.map { [$0] } ?? []) + [hidden]
      guard inputs[bi] == bias else { throw ShapeError("\(name): bias is \(inputs[bi]); it must be \(bias)") }
    }
    let most = 1 + C.stateCount + (numLayers > 1 ? 3 : 2)
    guard inputs.count <= most else {
      throw ShapeError("\(name): \(inputs.count) inputs; with num_layers \(numLayers) it takes at most \(most)")
    }
    return [[t, b, directions * hidden]] + Array(repeating: h, count: C.stateCount)
  }

  /// nnabla's loop: each layer runs forward over the steps (and backward, concatenating the two
  /// directions' h per step), its h sequence is the next layer's input; the outputs are the last
  /// layer's h sequence and every layer's and direction's final states.
  func run<C: RecurrentCell, O: RecurrentOps>(
    _ cell: C, _ ops: inout O, x: O.Value, states initial: [O.Value], xShape: [Int], hidden: Int,
    weightL0: FloatTensor, weight: FloatTensor?, bias: FloatTensor?
  ) throws -> [O.Value] {
    let steps = xShape[0]
    let gates = C.weightGates ?? 1
    var xs = try (0..<steps).map { try ops.step(x, $0) }
    var finals: [[O.Value]] = Array(repeating: [], count: C.stateCount)
    var inputSize = xShape[2]
    for l in 0..<numLayers {
      var hs: [[O.Value]] = Array(repeating: [], count: steps)
      let width = inputSize + hidden
      for d in 0..<directions {
        let w = LayerWeights(
          isFirstLayer: l == 0, weight: l == 0 ? weightL0 : weight!, offset: ((l == 0 ? 0 : (l - 1) * directions) + d) * gates * hidden * width,
          hidden: hidden, width: width, bias: bias, biasOffset: (l * directions + d) * (C.biasGates ?? 1) * hidden)
        var s = try initial.map { try ops.state($0, layer: l, direction: d) }
        for k in 0..<steps {
          let t = d == 0 ? k : steps - 1 - k
          s = try cell.step(&ops, x: xs[t], states: s, weights: w)
          hs[t].append(s[0])
        }
        for (n, v) in s.enumerated() { finals[n].append(v) }
      }
      xs = try hs.map { $0.count == 1 ? $0[0] : try ops.concat($0) }
      inputSize = directions * hidden
    }
    return try [ops.stack(xs, output: 0)] + finals.enumerated().map { try ops.stack($0.element, output: 1 + $0.offset) }
  }

  func evaluate<C: RecurrentCell>(_ cell: C, _ inputs: [FloatTensor]) -> [FloatTensor] {
    let p = parameterIndices(C.self, inputCount: inputs.count)
    var ops = TensorRecurrentOps(outputShapes: try! outputShapes(C.self, inputs.map(\.shape)))
    return try! run(
      cell, &ops, x: inputs[0], states: Array(inputs[1...C.stateCount]), xShape: inputs[0].shape, hidden: inputs[1].shape[3],
      weightL0: inputs[p.w0], weight: p.weight.map { inputs[$0] }, bias: p.bias.map { inputs[$0] })
  }

  /// Expands when the weights are constants (they are cut into per-gate matrices here).
  func expand<C: RecurrentCell>(_ cell: C, _ node: Node, _ graph: inout SubgraphBuilder) throws -> Bool {
    let p = parameterIndices(C.self, inputCount: node.inputs.count)
    guard let w0 = graph.data(node.inputs[p.w0]) else { return false }
    let weight = p.weight.flatMap { graph.data(node.inputs[$0]) }
    let bias = p.bias.flatMap { graph.data(node.inputs[$0]) }
    guard (p.weight == nil) == (weight == nil), (p.bias == nil) == (bias == nil) else { return false }
    var ops = GraphRecurrentOps(graph: graph, node: node)
    _ = try run(
      cell, &ops, x: node.inputs[0], states: Array(node.inputs[1...C.stateCount]), xShape: graph.shape(node.inputs[0]),
      hidden: graph.shape(node.inputs[1])[3], weightL0: w0, weight: weight, bias: bias)
    graph = ops.graph
    return true
  }

  /// Affine weights and bias: `T · D · (I + H) · gates · H` per layer, as the expansion computes.
  func macs<C: RecurrentCell>(_ cell: C.Type, inputShapes: [[Int]]) -> Int {
    let (t, b, i, h) = (inputShapes[0][0], inputShapes[0][1], inputShapes[0][2], inputShapes[1][3])
    let gates = C.weightGates ?? 1
    return (0..<numLayers).reduce(0) { sum, l in
      sum + t * b * directions * ((l == 0 ? i : directions * h) + h) * gates * h
    }
  }
}
