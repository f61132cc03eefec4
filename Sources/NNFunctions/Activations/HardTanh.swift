import Foundation
import NNIR

/// HardTanh: `y = clamp(x, −1, 1)` (nnabla `hard_tanh.hpp`).
public struct HardTanh: ElementwiseFunction {
  public static let typeName = "HardTanh"
  public static let paramName = "hard_tanh_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    x > 1 ? 1 : (x < -1 ? -1 : x)
  }

  public func derivative(x: Float, y: Float) -> Float {
    -1 <= x && x <= 1 ? 1 : 0
  }

  public let cKernel = "hard_tanh"
  /// [-1, 1), as Tanh.
  public var fixedInt8Output: QuantParams? { QuantParams(scale: 1.0 / 128, zeroPoint: 0) }
}
