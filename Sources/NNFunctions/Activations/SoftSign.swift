import Foundation
import NNIR

/// SoftSign: `y = x / (1 + |x|)` (nnabla `softsign.hpp`).
public struct SoftSign: ElementwiseFunction {
  public static let typeName = "SoftSign"
  public static let paramName = "softsign_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    x / (1 + abs(x))
  }

  public func derivative(x: Float, y: Float) -> Float {
    1 / ((1 + abs(x)) * (1 + abs(x)))
  }

  public let cKernel = "softsign"
  /// [-1, 1), as Tanh.
  public var fixedInt8Output: QuantParams? { QuantParams(scale: 1.0 / 128, zeroPoint: 0) }
}
