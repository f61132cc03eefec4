import NNIR

/// Flip: the given axes reversed (nnabla `flip.cpp`).
public struct Flip: GatherFunction {
  public static let typeName = "Flip"
  public static let paramName = "flip_param"
  /// Non-negative.
  public var axes: [Int]

  public init(axes: [Int]) { self.axes = axes }

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    let rank = inputShapes.first?.count ?? 0
    self.init(axes: try a.ints("axes").map { try ShapeSupport.axis($0, rank: rank, "Flip") })
  }

  public var attributeFields: [(name: String, value: AttributeValue)] { [("axes", .ints(axes))] }

  public func gather(_ x: [Int]) throws(ShapeError) -> AxisGather {
    guard axes.allSatisfy({ $0 < x.count }) else { throw ShapeError("Flip axes \(axes) out of range for \(x)") }
    let strides = AxisGather.strides(x)
    let flipped = Set(axes)
    return AxisGather(outputShape: x, offsets: x.indices.map { d in
      (0..<x[d]).map { (flipped.contains(d) ? x[d] - 1 - $0 : $0) * strides[d] }
    })
  }
}
