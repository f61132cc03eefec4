import NNIR

/// CReLU: `concat(relu(x), relu(−x))` along `axis` (nnabla `crelu.cpp`). proto3: an absent `axis`
/// is 0 (the Python default is 1).
public struct CReLU: SignedPairFunction {
  public static let typeName = "CReLU"
  public static let paramName = "crelu_param"
  public var axis: Int

  public init(axis: Int) { self.axis = axis }

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    let rank = inputShapes.first?.count ?? 1
    self.init(axis: try ChannelGeometry.axis(try a.int("axis", absent: 0), rank: rank, "CReLU"))
  }

  public var attributeFields: [(name: String, value: AttributeValue)] { [("axis", .int(axis))] }

  public func apply(_ x: Float) -> Float { x > 0 ? x : 0 }
  public func derivative(_ x: Float) -> Float { x > 0 ? 1 : 0 }
  public var halfOp: Op { .relu }
}
