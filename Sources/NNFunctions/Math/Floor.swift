import Foundation
import NNIR

/// Floor: `y = floor(x)` (exact); gradient straight through, as nnabla's.
public struct Floor: ElementwiseFunction {
  public static let typeName = "Floor"
  public static let paramName = "floor_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    x.rounded(.down)
  }

  public func derivative(x: Float, y: Float) -> Float {
    1
  }

  public let cKernel = "floor"
}
