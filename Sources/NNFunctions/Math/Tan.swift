import Foundation
import NNIR

/// Tan: `y = tan(x)` (tanf).
public struct Tan: ElementwiseFunction {
  public static let typeName = "Tan"
  public static let paramName = "tan_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    Foundation.tan(x)
  }

  public func derivative(x: Float, y: Float) -> Float {
    1 / (Foundation.cos(x) * Foundation.cos(x))
  }

  public let cKernel = "tan"
}
