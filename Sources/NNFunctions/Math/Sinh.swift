import Foundation
import NNIR

/// Sinh: `y = sinh(x)` (sinhf).
public struct Sinh: ElementwiseFunction {
  public static let typeName = "Sinh"
  public static let paramName = "sinh_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    Foundation.sinh(x)
  }

  public func derivative(x: Float, y: Float) -> Float {
    Foundation.cosh(x)
  }

  public let cKernel = "sinh"
}
