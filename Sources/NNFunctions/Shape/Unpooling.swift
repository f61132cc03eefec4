import NNIR

/// Unpooling: each value repeated `kernel[i]` times along the i-th of the trailing axes (before
/// the channel axis when `channel_last`) — nnabla `unpooling.cpp`.
public struct Unpooling: GatherFunction {
  public static let typeName = "Unpooling"
  public static let paramName = "unpooling_param"
  public var kernel: [Int]
  public var channelLast: Bool

  public init(kernel: [Int], channelLast: Bool = false) {
    self.kernel = kernel
    self.channelLast = channelLast
  }

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    self.init(kernel: try a.shape("kernel") ?? [], channelLast: try a.bool("channel_last"))
  }

  public var attributeFields: [(name: String, value: AttributeValue)] {
    [("kernel", .shape(kernel)), ("channel_last", .bool(channelLast))]
  }

  public func gather(_ x: [Int]) throws(ShapeError) -> AxisGather {
    let first = x.count - kernel.count - (channelLast ? 1 : 0)
    guard first >= 0, kernel.allSatisfy({ $0 >= 1 }) else {
      throw ShapeError("Unpooling kernel \(kernel) does not fit input \(x)")
    }
    let strides = AxisGather.strides(x)
    var shape = x
    for (i, k) in kernel.enumerated() { shape[first + i] *= k }
    let offsets = shape.indices.map { d in
      let k = d >= first && d - first < kernel.count ? kernel[d - first] : 1
      return (0..<shape[d]).map { ($0 / k) * strides[d] }
    }
    return AxisGather(outputShape: shape, offsets: offsets)
  }
}
