import Foundation
import NNIR

/// ACos: `y = acos(x)` (acosf).
public struct ACos: ElementwiseFunction {
  public static let typeName = "ACos"
  public static let paramName = "acos_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    Foundation.acos(x)
  }

  public func derivative(x: Float, y: Float) -> Float {
    -1 / (1 - x * x).squareRoot()
  }

  public let cKernel = "acos"
}
