import Foundation
import NNIR

/// ASinh: `y = asinh(x)` (asinhf).
public struct ASinh: ElementwiseFunction {
  public static let typeName = "ASinh"
  public static let paramName = "asinh_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    Foundation.asinh(x)
  }

  public func derivative(x: Float, y: Float) -> Float {
    1 / (x * x + 1).squareRoot()
  }

  public let cKernel = "asinh"
}
