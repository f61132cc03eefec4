import Foundation
import NNIR

/// Exp: `y = exp(x)` (nnabla `exp.cpp`); int8 is a table.
public struct Exp: ElementwiseFunction {
  public static let typeName = "Exp"
  public static let paramName = "exp_param"

  public init() {}
  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float { Foundation.exp(x) }
  public func derivative(x: Float, y: Float) -> Float { y }
  public let cKernel = "exp"
}
