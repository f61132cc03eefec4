import Foundation
import NNIR

/// ACosh: `y = acosh(x)` (acoshf).
public struct ACosh: ElementwiseFunction {
  public static let typeName = "ACosh"
  public static let paramName = "acosh_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    Foundation.acosh(x)
  }

  public func derivative(x: Float, y: Float) -> Float {
    1 / (x * x - 1).squareRoot()
  }

  public let cKernel = "acosh"
}
