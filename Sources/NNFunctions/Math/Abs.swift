import Foundation
import NNIR

/// Abs: `y = |x|` (exact).
public struct Abs: ElementwiseFunction {
  public static let typeName = "Abs"
  public static let paramName = "abs_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    abs(x)
  }

  public func derivative(x: Float, y: Float) -> Float {
    x < 0 ? -1 : 1
  }

  public let cKernel = "abs"
}
