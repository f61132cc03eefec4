import Foundation
import NNIR

/// HardSigmoid: `y = x > 2.5 ? 1 : x < −2.5 ? 0 : 0.2·x + 0.5` (nnabla `hard_sigmoid.hpp`).
public struct HardSigmoid: ElementwiseFunction {
  public static let typeName = "HardSigmoid"
  public static let paramName = "hard_sigmoid_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    x > 2.5 ? 1 : (x < -2.5 ? 0 : 0.2 * x + 0.5)
  }

  public func derivative(x: Float, y: Float) -> Float {
    x <= 2.5 && -2.5 <= x ? 0.2 : 0
  }

  public let cKernel = "hard_sigmoid"
  /// [0, 1), as Sigmoid.
  public var fixedInt8Output: QuantParams? { QuantParams(scale: 1.0 / 256, zeroPoint: -128) }
}
