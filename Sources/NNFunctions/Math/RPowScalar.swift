import Foundation
import NNIR

/// RPowScalar: `y = pow(val, x)` (powf). proto3: an absent `val` is 0 (the Python default is 1).
public struct RPowScalar: ScalarElementwiseFunction {
  public static let typeName = "RPowScalar"
  public static let paramName = "r_pow_scalar_param"
  public var val: Double

  public init(val: Double) { self.val = val }

  public func apply(_ x: Float) -> Float {
    Foundation.pow(Float(val), x)
  }

  public func derivative(x: Float, y: Float) -> Float {
    Foundation.pow(Float(val), x) * Foundation.log(Float(val))
  }

  public let cKernel = "r_pow_scalar"
}
