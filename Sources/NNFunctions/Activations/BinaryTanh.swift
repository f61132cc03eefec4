import Foundation
import NNIR

/// BinaryTanh: `y = x > 0 ? 1 : −1`; trained straight through: dy where |x| < 1 (nnabla `binary_tanh.hpp`).
public struct BinaryTanh: ElementwiseFunction {
  public static let typeName = "BinaryTanh"
  public static let paramName = "binary_tanh_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    x > 0 ? 1 : -1
  }

  public func derivative(x: Float, y: Float) -> Float {
    abs(x) >= 1 ? 0 : 1
  }

  public let cKernel = "binary_tanh"
}
