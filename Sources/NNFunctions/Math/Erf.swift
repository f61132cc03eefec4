import Foundation
import NNIR

/// Erf: `y = erf(x)` (erff).
public struct Erf: ElementwiseFunction {
  public static let typeName = "Erf"
  public static let paramName = "erf_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    Foundation.erf(x)
  }

  public func derivative(x: Float, y: Float) -> Float {
    2 / Float.pi.squareRoot() * Foundation.exp(-(x * x))
  }

  public let cKernel = "erf"
}
