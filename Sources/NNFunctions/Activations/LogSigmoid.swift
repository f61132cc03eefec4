import Foundation
import NNIR

/// LogSigmoid: `y = x > 0 ? −log(exp(−x) + 1) : x − log(exp(x) + 1)` (nnabla `log_sigmoid.hpp`).
public struct LogSigmoid: ElementwiseFunction {
  public static let typeName = "LogSigmoid"
  public static let paramName = "log_sigmoid_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    x > 0 ? -Foundation.log(Foundation.exp(-x) + 1) : x - Foundation.log(Foundation.exp(x) + 1)
  }

  public func derivative(x: Float, y: Float) -> Float {
    1 / (Foundation.exp(x) + 1)
  }

  public let cKernel = "log_sigmoid"
}
