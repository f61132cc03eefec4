import Foundation
import NNIR

/// Sinc: `y = x == 0 ? 1 : sin(x) / x` (nnabla `sinc.hpp`).
public struct Sinc: ElementwiseFunction {
  public static let typeName = "Sinc"
  public static let paramName = "sinc_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    x == 0 ? 1 : Foundation.sin(x) / x
  }

  public func derivative(x: Float, y: Float) -> Float {
    x == 0 ? 0 : (Foundation.cos(x) - Foundation.sin(x) / x) / x
  }

  public let cKernel = "sinc"
}
