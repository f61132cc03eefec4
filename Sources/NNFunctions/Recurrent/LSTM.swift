import NNIR

/// nnabla `LSTM` (`lstm.cpp`): inputs x `[T, B, I]`, h and c `[L, D, B, H]`, weight_l0
/// `[D, 4, H, I + H]`, weight `[L − 1, D, 4, H, D·H + H]` (with L > 1), bias `[L, D, 4, H]`
/// (optional); gates i, f, g, o on `concat(x, h)`:
/// `c' = σ(f)·c + σ(i)·tanh(g)`, `h' = σ(o)·tanh(c')`. Outputs y `[T, B, D·H]`, h_n, c_n.
/// Runs as its expansion into Affine, Slice, Sigmoid, Tanh, Mul2, Add2 per step.
public struct LSTM: RecurrentCell {
  public static let typeName = "LSTM"
  public static let paramName = "lstm_param"
  public static let inputArity = 4...6
  static let stateCount = 2
  static let weightGates: Int? = 4
  static let biasGates: Int? = 4
  public var layer: RecurrentLayer

  public init(_ layer: RecurrentLayer) { self.layer = layer }

  func step<O: RecurrentOps>(_ ops: inout O, x: O.Value, states: [O.Value], weights w: LayerWeights) throws -> [O.Value] {
    let (h, c, n) = (states[0], states[1], w.hidden)
    let all = try ops.affine(ops.concat([x, h]), w, gates: 0..<4, columns: 0..<w.width, bias: 0..<4)
    let i = try ops.unary(.sigmoid, ops.columns(all, 0..<n))
    let f = try ops.unary(.sigmoid, ops.columns(all, n..<(2 * n)))
    let g = try ops.unary(.tanh, ops.columns(all, (2 * n)..<(3 * n)))
    let o = try ops.unary(.sigmoid, ops.columns(all, (3 * n)..<(4 * n)))
    let c2 = try ops.binary(.add2, ops.binary(.mul2, f, c), ops.binary(.mul2, i, g))
    let h2 = try ops.binary(.mul2, o, ops.unary(.tanh, c2))
    return [h2, c2]
  }
}
