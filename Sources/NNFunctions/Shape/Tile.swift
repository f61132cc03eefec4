import NNIR

/// Tile: the input repeated `reps[i]` times along each axis; a shorter input gets leading axes of
/// size 1, shorter reps leading 1s (nnabla `tile.cpp`, `ndi::multiply`).
public struct Tile: GatherFunction {
  public static let typeName = "Tile"
  public static let paramName = "tile_param"
  public var reps: [Int]

  public init(reps: [Int]) { self.reps = reps }

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    self.init(reps: try a.ints("reps"))
  }

  public var attributeFields: [(name: String, value: AttributeValue)] { [("reps", .ints(reps))] }

  public func gather(_ x: [Int]) throws(ShapeError) -> AxisGather {
    guard reps.allSatisfy({ $0 >= 1 }) else { throw ShapeError("Tile reps \(reps): no repetition may be less than 1") }
    let rank = max(x.count, reps.count)
    let xs = [Int](repeating: 1, count: rank - x.count) + x
    let r = [Int](repeating: 1, count: rank - reps.count) + reps
    let strides = AxisGather.strides(xs)
    let shape = zip(xs, r).map { $0 * $1 }
    return AxisGather(outputShape: shape, offsets: shape.indices.map { d in
      (0..<shape[d]).map { ($0 % xs[d]) * strides[d] }
    })
  }
}
