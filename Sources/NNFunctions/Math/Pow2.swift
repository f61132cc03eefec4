import Foundation
import NNIR

/// Pow2: `y = pow(a, b)` (powf) with broadcasting (nnabla `pow2.hpp`). int8 runs it in float.
public struct Pow2: BroadcastBinaryFunction {
  public static let typeName = "Pow2"
  public static let paramName = "pow2_param"

  public init() {}
  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func combine(_ a: Float, _ b: Float) -> Float { Foundation.pow(a, b) }
  /// nnabla's: (b · pow(a, b − 1), log(a) · pow(a, b)).
  public func partials(_ a: Float, _ b: Float) -> (Float, Float) {
    (b * Foundation.pow(a, b - 1), Foundation.log(a) * Foundation.pow(a, b))
  }
  public let cKernel = "pow2"
}
