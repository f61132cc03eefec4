import Foundation
import NNIR

/// Cos: `y = cos(x)` (cosf).
public struct Cos: ElementwiseFunction {
  public static let typeName = "Cos"
  public static let paramName = "cos_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    Foundation.cos(x)
  }

  public func derivative(x: Float, y: Float) -> Float {
    -Foundation.sin(x)
  }

  public let cKernel = "cos"
}
