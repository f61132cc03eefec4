import Foundation
import NNIR

/// ResetInf: `y = isinf(x) ? val : x` (exact).
public struct ResetInf: ElementwiseFunction {
  public static let typeName = "ResetInf"
  public static let paramName = "reset_inf_param"
  public var val: Double

  public init(val: Double) { self.val = val }

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    self.init(val: try a.double("val", absent: 0))
  }

  public var attributeFields: [(name: String, value: AttributeValue)] {
    [("val", .double(val))]
  }

  public func apply(_ x: Float) -> Float {
    x.isInfinite ? Float(val) : x
  }

  public func derivative(x: Float, y: Float) -> Float {
    x.isInfinite ? 0 : 1
  }

  public let cKernel = "reset_inf"
  public var cArguments: [Float] { [Float(val)] }
}
