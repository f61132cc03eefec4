import Foundation
import NNIR

/// Sin: `y = sin(x)` (sinf).
public struct Sin: ElementwiseFunction {
  public static let typeName = "Sin"
  public static let paramName = "sin_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    Foundation.sin(x)
  }

  public func derivative(x: Float, y: Float) -> Float {
    Foundation.cos(x)
  }

  public let cKernel = "sin"
}
