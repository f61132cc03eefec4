import NNIR

/// Embed: `y[i, …] = W[x[i], …]` — row `x[i]` of the weight for every index of `x`
/// (nnabla `embed.cpp`); the output is `x`'s shape + `W`'s trailing axes. An index outside W
/// reads row 0 (nnabla reads out of bounds). Int8 runs in float (x holds indices, not values).
public struct Embed: NNFunction {
  public static let typeName = "Embed"
  public static let paramName = "embed_param"
  public static let inputArity: ClosedRange<Int> = 2...2

  public init() {}
  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func outputShapes(_ inputs: [[Int]]) throws(ShapeError) -> [[Int]] {
    guard inputs[1].count >= 1 else { throw ShapeError("Embed weight needs at least one axis") }
    return [inputs[0] + inputs[1].dropFirst()]
  }

  func row(_ v: Float, rows: Int) -> Int {
    let r = Int(Int32(v))
    return r >= 0 && r < rows ? r : 0
  }

  public func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor] {
    let x = inputs[0], w = inputs[1], rows = w.shape[0], d = w.count / max(rows, 1)
    var y: [Float] = []
    y.reserveCapacity(x.count * d)
    for v in x.values {
      let r = row(v, rows: rows)
      y += w.values[(r * d)..<((r + 1) * d)]
    }
    return [FloatTensor(shape: x.shape + w.shape.dropFirst(), values: y)]
  }

  public func emitC(_ call: inout any CFunctionCall) throws -> [String]? {
    let rows = call.inputShape(1)[0], d = call.inputCount(1) / max(rows, 1)
    return ["nnc_embed_f32(\(call.inputCount(0)), \(rows), \(d), \(call.input(0)), \(call.input(1)), \(call.output(0)));"]
  }

  public var isTrainable: Bool { true }

  /// No gradient to the indices; W's rows accumulate the gradients of the outputs that read them.
  public func gradients(inputs: [FloatTensor], outputs: [FloatTensor], outputGradients: [FloatTensor]) -> [FloatTensor?]? {
    let x = inputs[0], w = inputs[1], rows = w.shape[0], d = w.count / max(rows, 1), dy = outputGradients[0].values
    var dw = [Float](repeating: 0, count: w.count)
    for (i, v) in x.values.enumerated() {
      let r = row(v, rows: rows)
      for j in 0..<d { dw[r * d + j] += dy[i * d + j] }
    }
    return [nil, FloatTensor(shape: w.shape, values: dw)]
  }
}
