import Foundation
import NNIR

/// ATan: `y = atan(x)` (atanf).
public struct ATan: ElementwiseFunction {
  public static let typeName = "ATan"
  public static let paramName = "atan_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    Foundation.atan(x)
  }

  public func derivative(x: Float, y: Float) -> Float {
    1 / (1 + x * x)
  }

  public let cKernel = "atan"
}
