import Foundation
import NNIR

/// PowScalar: `y = pow(x, val)` (powf), and `sqrt(x)` when `val` is 0.5, as nnabla's
/// `pow_scalar.hpp` special-cases it. proto3: an absent `val` is 0 (the Python default is 1).
public struct PowScalar: ScalarElementwiseFunction {
  public static let typeName = "PowScalar"
  public static let paramName = "pow_scalar_param"
  public var val: Double

  public init(val: Double) { self.val = val }

  public func apply(_ x: Float) -> Float {
    val == 0.5 ? x.squareRoot() : Foundation.pow(x, Float(val))
  }

  public func derivative(x: Float, y: Float) -> Float {
    Float(val) * Foundation.pow(x, Float(val) - 1)
  }

  public var cKernel: String { val == 0.5 ? "sqrt" : "pow_scalar" }
  public var cArguments: [Float] { val == 0.5 ? [] : [Float(val)] }
}
