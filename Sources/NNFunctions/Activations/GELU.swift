import Foundation
import NNIR

/// GELU: nnabla's tanh approximation (`gelu.hpp`):
/// `y = x/2 · (1 + tanh(√(2/π) · (x + 0.044715·x³)))`. nnabla evaluates the cube with
/// `std::pow(x, 3)` (in double); this is float throughout, within float rounding of it.
public struct GELU: ElementwiseFunction {
  public static let typeName = "GELU"
  public static let paramName = "gelu_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    (x / 2) * (1 + Foundation.tanh(0.7978846 * (x + 0.044715 * (x * x * x))))
  }

  public func derivative(x: Float, y: Float) -> Float {
    let c: Float = 0.7978846
    let t = Foundation.tanh(c * (x + 0.044715 * (x * x * x)))
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x)
  }

  public let cKernel = "gelu"
}
