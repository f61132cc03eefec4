import Foundation
import NNIR

/// Mish: `y = x · tanh(log(exp(x) + 1))` (nnabla `mish.hpp`).
public struct Mish: ElementwiseFunction {
  public static let typeName = "Mish"
  public static let paramName = "mish_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    x * Foundation.tanh(Foundation.log(Foundation.exp(x) + 1))
  }

  public func derivative(x: Float, y: Float) -> Float {
    let t = Foundation.tanh(Foundation.log(Foundation.exp(x) + 1))
    return t + x * (1 - t * t) / (1 + Foundation.exp(-x))
  }

  public let cKernel = "mish"
}
