import Foundation
import NNIR

/// ResetInf: `y = isinf(x) ? val : x` (exact).
public struct ResetInf: ScalarElementwiseFunction {
  public static let typeName = "ResetInf"
  public static let paramName = "reset_inf_param"
  public var val: Double

  public init(val: Double) { self.val = val }

  public func apply(_ x: Float) -> Float {
    x.isInfinite ? Float(val) : x
  }

  public func derivative(x: Float, y: Float) -> Float {
    x.isInfinite ? 0 : 1
  }

  public let cKernel = "reset_inf"
}
