import Foundation
import NNIR

/// BinarySigmoid: `y = x > 0 ? 1 : 0`; trained straight through: dy·0.5 where |x| < 1 (nnabla
/// `binary_sigmoid.hpp`).
public struct BinarySigmoid: ElementwiseFunction {
  public static let typeName = "BinarySigmoid"
  public static let paramName = "binary_sigmoid_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    x > 0 ? 1 : 0
  }

  public func derivative(x: Float, y: Float) -> Float {
    abs(x) >= 1 ? 0 : 0.5
  }

  public let cKernel = "binary_sigmoid"
}
