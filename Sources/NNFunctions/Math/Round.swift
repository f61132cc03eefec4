import Foundation
import NNIR

/// Round: `y = round(x)`, halves away from zero (std::round; exact); the gradient passes
/// straight through, as nnabla's.
public struct Round: ElementwiseFunction {
  public static let typeName = "Round"
  public static let paramName = "round_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    x.rounded(.toNearestOrAwayFromZero)
  }

  public func derivative(x: Float, y: Float) -> Float {
    1
  }

  public let cKernel = "round"
}
