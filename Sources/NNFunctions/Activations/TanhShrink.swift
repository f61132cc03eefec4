import Foundation
import NNIR

/// TanhShrink: `y = x − tanh(x)` (nnabla `tanh_shrink.hpp`).
public struct TanhShrink: ElementwiseFunction {
  public static let typeName = "TanhShrink"
  public static let paramName = "tanh_shrink_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    x - Foundation.tanh(x)
  }

  public func derivative(x: Float, y: Float) -> Float {
    Foundation.tanh(x) * Foundation.tanh(x)
  }

  public let cKernel = "tanh_shrink"
}
