import NNIR

/// nnabla `RNN` (`rnn.cpp`, Elman): inputs x `[T, B, I]`, h `[L, D, B, H]`, weight_l0
/// `[D, H, I + H]`, weight `[L − 1, D, H, D·H + H]` (with L > 1), bias `[L, D, H]` (optional);
/// `h' = act([x, h]·Wᵀ + b)` with act tanh or relu. Outputs y `[T, B, D·H]`, h_n.
public struct RNN: RecurrentCell {
  public static let typeName = "RNN"
  public static let paramName = "rnn_param"
  public static let inputArity = 3...5
  static let stateCount = 1
  static let weightGates: Int? = nil
  static let biasGates: Int? = nil
  public var layer: RecurrentLayer
  /// "tanh" or "relu"; proto3's absent "" is an error, as in nnabla.
  public var nonlinearity: String

  public init(_ layer: RecurrentLayer, nonlinearity: String) {
    self.layer = layer
    self.nonlinearity = nonlinearity
  }

  public init(_ layer: RecurrentLayer) { self.init(layer, nonlinearity: "tanh") }

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

  func step<O: RecurrentOps>(_ ops: inout O, x: O.Value, states: [O.Value], weights w: LayerWeights) throws -> [O.Value] {
    let sum = try ops.affine(ops.concat([x, states[0]]), w, gates: 0..<1, columns: 0..<w.width, bias: 0..<1)
    return [try ops.unary(nonlinearity == "relu" ? .relu : .tanh, sum)]
  }
}
