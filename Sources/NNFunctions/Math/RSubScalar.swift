import Foundation
import NNIR

/// RSubScalar: `y = val − x` (exact). proto3: an absent `val` is 0 (the Python default is 1).
public struct RSubScalar: ScalarElementwiseFunction {
  public static let typeName = "RSubScalar"
  public static let paramName = "r_sub_scalar_param"
  public var val: Double

  public init(val: Double) { self.val = val }

  public func apply(_ x: Float) -> Float {
    Float(val) - x
  }

  public func derivative(x: Float, y: Float) -> Float {
    -1
  }

  public let cKernel = "r_sub_scalar"
}
