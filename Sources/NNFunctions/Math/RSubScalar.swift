import Foundation
import NNIR

/// RSubScalar: `y = val − x` (exact). proto3: an absent `val` is 0 (the Python default is 1).
public struct RSubScalar: ElementwiseFunction {
  public static let typeName = "RSubScalar"
  public static let paramName = "r_sub_scalar_param"
  public var val: Double

  public init(val: Double) { self.val = val }

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    self.init(val: try a.double("val", absent: 0))
  }

  public var attributeFields: [(name: String, value: AttributeValue)] {
    [("val", .double(val))]
  }

  public func apply(_ x: Float) -> Float {
    Float(val) - x
  }

  public func derivative(x: Float, y: Float) -> Float {
    -1
  }

  public let cKernel = "r_sub_scalar"
  public var cArguments: [Float] { [Float(val)] }
}
