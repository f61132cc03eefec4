import Foundation
import NNIR

/// ASin: `y = asin(x)` (asinf).
public struct ASin: ElementwiseFunction {
  public static let typeName = "ASin"
  public static let paramName = "asin_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    Foundation.asin(x)
  }

  public func derivative(x: Float, y: Float) -> Float {
    1 / (1 - x * x).squareRoot()
  }

  public let cKernel = "asin"
}
