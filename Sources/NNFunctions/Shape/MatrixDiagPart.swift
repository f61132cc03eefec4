import NNIR

/// MatrixDiagPart: the diagonal of the last two (square) axes, `[…, m, m] → […, m]`
/// (nnabla `matrix_diag_part.cpp`).
public struct MatrixDiagPart: GatherFunction {
  public static let typeName = "MatrixDiagPart"
  public static let paramName = "matrix_diag_part_param"

  public init() {}
  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func gather(_ x: [Int]) throws(ShapeError) -> AxisGather {
    guard x.count >= 2, x[x.count - 1] == x[x.count - 2] else {
      throw ShapeError("MatrixDiagPart needs square last two axes, not \(x)")
    }
    let m = x[x.count - 1]
    let strides = AxisGather.strides(x)
    let shape = Array(x.dropLast())
    var offsets = shape.indices.dropLast().map { d in (0..<shape[d]).map { $0 * strides[d] } }
    offsets.append((0..<m).map { $0 * (m + 1) })
    return AxisGather(outputShape: shape, offsets: offsets)
  }
}
