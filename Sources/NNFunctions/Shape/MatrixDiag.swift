import NNIR

/// MatrixDiag: the last axis laid on the diagonal of a square, zeros elsewhere,
/// `[…, m] → […, m, m]` (nnabla `matrix_diag.cpp`). Int8 runs in float: the zeros are the
/// output's zero point, not code 0.
public struct MatrixDiag: NNFunction {
  public static let typeName = "MatrixDiag"
  public static let paramName = "matrix_diag_param"
  public static let inputArity: ClosedRange<Int> = 1...1

  public init() {}
  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func outputShapes(_ inputs: [[Int]]) throws(ShapeError) -> [[Int]] {
    guard let m = inputs[0].last else { throw ShapeError("MatrixDiag needs at least one axis") }
    return [inputs[0] + [m]]
  }

  public func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor] {
    let x = inputs[0], m = x.shape.last!
    var y = [Float](repeating: 0, count: x.count * m)
    for (k, v) in x.values.enumerated() { y[k * m + k % m] = v }
    return [FloatTensor(shape: x.shape + [m], values: y)]
  }

  public func emitC(_ call: inout any CFunctionCall) throws -> [String]? {
    let m = call.inputShape(0).last!
    return ["nnc_matrix_diag_f32(\(call.inputCount(0) / max(m, 1)), \(m), \(call.input(0)), \(call.output(0)));"]
  }

  public var isTrainable: Bool { true }

  public func gradients(inputs: [FloatTensor], outputs: [FloatTensor], outputGradients: [FloatTensor]) -> [FloatTensor?]? {
    let m = inputs[0].shape.last!, dy = outputGradients[0].values
    return [FloatTensor(shape: inputs[0].shape, values: (0..<inputs[0].count).map { dy[$0 * m + $0 % m] })]
  }
}
