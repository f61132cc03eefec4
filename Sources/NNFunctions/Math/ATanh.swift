import Foundation
import NNIR

/// ATanh: `y = atanh(x)` (atanhf).
public struct ATanh: ElementwiseFunction {
  public static let typeName = "ATanh"
  public static let paramName = "atanh_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    Foundation.atanh(x)
  }

  public func derivative(x: Float, y: Float) -> Float {
    1 / (1 - x * x)
  }

  public let cKernel = "atanh"
}
