import Foundation
import NNIR

/// ResetNaN: `y = isnan(x) ? val : x` (exact).
public struct ResetNaN: ScalarElementwiseFunction {
  public static let typeName = "ResetNaN"
  public static let paramName = "reset_nan_param"
  public var val: Double

  public init(val: Double) { self.val = val }

  public func apply(_ x: Float) -> Float {
    x.isNaN ? Float(val) : x
  }

  public func derivative(x: Float, y: Float) -> Float {
    x.isNaN ? 0 : 1
  }

  public let cKernel = "reset_nan"
}
