import Foundation
import NNIR

/// MaximumScalar: `y = x > val ? x : val` (exact). proto3: an absent `val` is 0 (the Python default is 1).
public struct MaximumScalar: ScalarElementwiseFunction {
  public static let typeName = "MaximumScalar"
  public static let paramName = "maximum_scalar_param"
  public var val: Double

  public init(val: Double) { self.val = val }

  public func apply(_ x: Float) -> Float {
    x > Float(val) ? x : Float(val)
  }

  public func derivative(x: Float, y: Float) -> Float {
    x > Float(val) ? 1 : 0
  }

  public let cKernel = "maximum_scalar"
}
