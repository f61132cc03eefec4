import Foundation
import NNIR

/// RDivScalar: `y = val / x` (exact). proto3: an absent `val` is 0 (the Python default is 1).
public struct RDivScalar: ScalarElementwiseFunction {
  public static let typeName = "RDivScalar"
  public static let paramName = "r_div_scalar_param"
  public var val: Double

  public init(val: Double) { self.val = val }

  public func apply(_ x: Float) -> Float {
    Float(val) / x
  }

  public func derivative(x: Float, y: Float) -> Float {
    -Float(val) / (x * x)
  }

  public let cKernel = "r_div_scalar"
}
