import NNIR

/// The shape functions that only pick input elements (Unpooling, Flip, Shift, Broadcast, Tile,
/// MatrixDiagPart, nearest Interpolate) are one gather: output element `(i0, i1, …)` reads input
/// element `offsets[0][i0] + offsets[1][i1] + …`. Each function only says where each output index
/// of each axis reads from; the float reference, the C call (`nnc_axis_gather_f32/_s8`, one table
/// of `Σ output dims` int32 entries in flash) and the gradient (dy scattered back through the same
/// table) follow.
public struct AxisGather: Sendable {
  public var outputShape: [Int]
  /// Per output axis, the input element offset (already multiplied by the input stride) of each index.
  public var offsets: [[Int]]

  public init(outputShape: [Int], offsets: [[Int]]) {
    precondition(outputShape.count == offsets.count && zip(outputShape, offsets).allSatisfy { $0 == $1.count })
    self.outputShape = outputShape
    self.offsets = offsets
  }

  /// Row-major strides of `shape`.
  public static func strides(_ shape: [Int]) -> [Int] {
    var s = [Int](repeating: 1, count: shape.count)
    for d in stride(from: shape.count - 2, through: 0, by: -1) { s[d] = s[d + 1] * shape[d + 1] }
    return s
  }

  /// Input index of every output element, in output order.
  public var sourceIndices: [Int] {
    var result = [0]
    for axis in offsets {
      var next: [Int] = []
      next.reserveCapacity(result.count * axis.count)
      for base in result { for o in axis { next.append(base + o) } }
      result = next
    }
    return result
  }

  public func evaluate(_ x: FloatTensor) -> FloatTensor {
    FloatTensor(shape: outputShape, values: sourceIndices.map { x.values[$0] })
  }

  /// dx: each output's gradient added to the input element it read.
  public func gradient(xShape: [Int], dy: FloatTensor) -> FloatTensor {
    var dx = [Float](repeating: 0, count: xShape.reduce(1, *))
    for (o, i) in sourceIndices.enumerated() { dx[i] += dy.values[o] }
    return FloatTensor(shape: xShape, values: dx)
  }

  /// `nnc_axis_gather_f32/_s8` on input `input` (int8 codes move unchanged).
  public func emitC(_ call: inout any CFunctionCall, input: Int = 0) throws -> [String] {
    guard outputShape.count <= CLiteral.maxRank else {
      throw FunctionAttributeError("\(call.name): rank \(outputShape.count) is above the C kernels' \(CLiteral.maxRank)")
    }
    let table = call.constantInt32("gather", offsets.flatMap { $0 }.map { Int32($0) })
    let p = call.parameterStruct(
      "nnc_axis_gather_params", "gather",
      [("rank", "\(outputShape.count)"), ("y_shape", CLiteral.dims(outputShape)), ("offsets", table)])
    return ["\(call.kernel("axis_gather"))(&\(p), \(call.input(input)), \(call.output(0)));"]
  }
}
