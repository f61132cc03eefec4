import NNIR

/// nnabla `RNN` (`rnn.cpp`, Elman): inputs x `[T, B, I]`, h `[L, D, B, H]`, weight_l0
/// `[D, H, I + H]`, weight `[L − 1, D, H, D·H + H]` (with L > 1), bias `[L, D, H]` (optional);
/// `h' = act([x, h]·Wᵀ + b)` with act tanh or relu. Outputs y `[T, B, D·H]`, h_n.
public struct RNN: RecurrentCell {
  public static let typeName = "RNN"
  public static let paramName = "rnn_param"
  public static let inputArity = 3...5
  /// Always written as its per-step expansion (the backends see only core ops).
  public static let alwaysExpands = true
  static let stateCount = 1
  static let weightGates: Int? = nil
  static let biasGates: Int? = nil
  public var layer: RecurrentLayer
  /// "tanh" or "relu"; proto3's absent "" is an error, as in nnabla.
  public var nonlinearity: String

  public init(_ layer: RecurrentLayer, nonlinearity: String = "tanh") {
    self.layer = layer
    self.nonlinearity = nonlinearity
  }

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    self.init(try RecurrentLayer(a), nonlinearity: try a.string("nonlinearity", absent: ""))
  }

  public var attributeFields: [(name: String, value: AttributeValue)] {
    layer.leadingFields + [("nonlinearity", .string(nonlinearity))] + layer.trailingFields
  }

  public func outputShapes(_ inputs: [[Int]]) throws(ShapeError) -> [[Int]] {
    guard nonlinearity == "tanh" || nonlinearity == "relu" else {
      throw ShapeError("RNN: nonlinearity is \"\(nonlinearity)\"; it must be \"tanh\" or \"relu\"")
    }
    return try layer.outputShapes(Self.self, inputs)
  }
  public func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor] { layer.evaluate(self, inputs) }
  public func expand(_ node: Node, _ graph: inout SubgraphBuilder) throws -> Bool { try layer.expand(self, node, &graph) }
  public func emitC(_ call: inout any CFunctionCall) throws -> [String]? { nil }
  public var isTrainable: Bool { true }
  public func gradients(inputs: [FloatTensor], outputs: [FloatTensor], outputGradients: [FloatTensor]) -> [FloatTensor?]? {
    layer.gradients(self, inputs: inputs, outputGradients: outputGradients)
  }
  public func macs(inputShapes: [[Int]], outputShapes: [[Int]]) -> Int { layer.macs(Self.self, inputShapes: inputShapes) }

  func step<O: RecurrentOps>(_ ops: inout O, x: O.Value, states: [O.Value], weights w: LayerWeights) throws -> [O.Value] {
    let sum = try ops.affine(ops.concat([x, states[0]]), w, gates: 0..<1, columns: 0..<w.width, bias: 0..<1)
    return [try ops.unary(nonlinearity == "relu" ? .relu : .tanh, sum)]
  }
}
