import Foundation
import NNIR

/// Ceil: `y = ceil(x)` (exact); gradient straight through, as nnabla's.
public struct Ceil: ElementwiseFunction {
  public static let typeName = "Ceil"
  public static let paramName = "ceil_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    x.rounded(.up)
  }

  public func derivative(x: Float, y: Float) -> Float {
    1
  }

  public let cKernel = "ceil"
}
