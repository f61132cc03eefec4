import Foundation
import NNIR

/// Log: `y = log(x)` (logf).
public struct Log: ElementwiseFunction {
  public static let typeName = "Log"
  public static let paramName = "log_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    Foundation.log(x)
  }

  public func derivative(x: Float, y: Float) -> Float {
    1 / x
  }

  public let cKernel = "log"
}
