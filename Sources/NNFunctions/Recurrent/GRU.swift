import NNIR

/// nnabla `GRU` (`gru.cpp`): inputs x `[T, B, I]`, h `[L, D, B, H]`, weight_l0
/// `[D, 3, H, I + H]`, weight `[L − 1, D, 3, H, D·H + H]` (with L > 1), bias `[L, D, 4, H]`
/// (optional). With `W₂ = [W₂ₓ | W₂ₕ]` split after the layer's input columns:
/// `r = σ([x, h]·W₀ + b₀)`, `z = σ([x, h]·W₁ + b₁)`,
/// `n = tanh(x·W₂ₓ + b₂ + r·(h·W₂ₕ + b₃))`, `h' = (1 − z)·n + z·h`. Outputs y `[T, B, D·H]`, h_n.
public struct GRU: RecurrentCell {
  public static let typeName = "GRU"
  public static let paramName = "gru_param"
  public static let inputArity = 3...5
  static let stateCount = 1
  static let weightGates: Int? = 3
  static let biasGates: Int? = 4
  public var layer: RecurrentLayer

  public init(_ layer: RecurrentLayer) { self.layer = layer }

  func step<O: RecurrentOps>(_ ops: inout O, x: O.Value, states: [O.Value], weights w: LayerWeights) throws -> [O.Value] {
    let (h, n) = (states[0], w.hidden)
    let input = w.width - n
    let rz = try ops.affine(ops.concat([x, h]), w, gates: 0..<2, columns: 0..<w.width, bias: 0..<2)
    let r = try ops.unary(.sigmoid, ops.columns(rz, 0..<n))
    let z = try ops.unary(.sigmoid, ops.columns(rz, n..<(2 * n)))
    let fromX = try ops.affine(x, w, gates: 2..<3, columns: 0..<input, bias: 2..<3)
    let fromH = try ops.affine(h, w, gates: 2..<3, columns: input..<w.width, bias: 3..<4)
    let candidate = try ops.unary(.tanh, ops.binary(.add2, fromX, ops.binary(.mul2, r, fromH)))
    // nnabla's RSubScalar(1): 1 − z, which is exactly (−z) + 1.
    let keep = try ops.unary(.addScalar(value: 1), ops.unary(.mulScalar(value: -1), z))
    return [try ops.binary(.add2, ops.binary(.mul2, keep, candidate), ops.binary(.mul2, z, h))]
  }
}
