import Foundation
import NNIR

/// Cosh: `y = cosh(x)` (coshf).
public struct Cosh: ElementwiseFunction {
  public static let typeName = "Cosh"
  public static let paramName = "cosh_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    Foundation.cosh(x)
  }

  public func derivative(x: Float, y: Float) -> Float {
    Foundation.sinh(x)
  }

  public let cKernel = "cosh"
}
