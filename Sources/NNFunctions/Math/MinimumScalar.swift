import Foundation
import NNIR

/// MinimumScalar: `y = x < val ? x : val` (exact). proto3: an absent `val` is 0 (the Python default is 1).
public struct MinimumScalar: ScalarElementwiseFunction {
  public static let typeName = "MinimumScalar"
  public static let paramName = "minimum_scalar_param"
  public var val: Double

  public init(val: Double) { self.val = val }

  public func apply(_ x: Float) -> Float {
    x < Float(val) ? x : Float(val)
  }

  public func derivative(x: Float, y: Float) -> Float {
    x < Float(val) ? 1 : 0
  }

  public let cKernel = "minimum_scalar"
}
