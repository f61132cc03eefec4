import NNIR

/// Broadcast: axes of size 1 repeated to `shape` (same rank; nnabla `broadcast.cpp`).
public struct Broadcast: GatherFunction {
  public static let typeName = "Broadcast"
  public static let paramName = "broadcast_param"
  public var shape: [Int]

  public init(shape: [Int]) { self.shape = shape }

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    self.init(shape: try a.shape("shape") ?? [])
  }

  public var attributeFields: [(name: String, value: AttributeValue)] { [("shape", .shape(shape))] }

  public func gather(_ x: [Int]) throws(ShapeError) -> AxisGather {
    guard x.count == shape.count, zip(x, shape).allSatisfy({ $0 == $1 || $0 == 1 }) else {
      throw ShapeError("Broadcast of \(x) to \(shape): each axis must match or be 1")
    }
    let strides = AxisGather.strides(x)
    return AxisGather(outputShape: shape, offsets: shape.indices.map { d in
      (0..<shape[d]).map { x[d] == 1 ? 0 : $0 * strides[d] }
    })
  }
}
