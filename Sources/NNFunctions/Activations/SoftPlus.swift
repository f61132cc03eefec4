import Foundation
import NNIR

/// SoftPlus: `y = x > 0 ? x + log(exp(−x·beta) + 1) / beta : log(exp(x·beta) + 1) / beta` (nnabla
/// `softplus.hpp`). proto3: an absent `beta` is 0 (nnabla writes it; the Python default is 1).
public struct SoftPlus: ElementwiseFunction {
  public static let typeName = "SoftPlus"
  public static let paramName = "softplus_param"
  public var beta: Float

  public init(beta: Float) { self.beta = beta }

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    self.init(beta: Float(try a.double("beta", absent: 0)))
  }

  public var attributeFields: [(name: String, value: AttributeValue)] {
    [("beta", .double(Double(beta)))]
  }

  public func apply(_ x: Float) -> Float {
    x > 0 ? x + Foundation.log(Foundation.exp(-x * beta) + 1) / beta : Foundation.log(Foundation.exp(x * beta) + 1) / beta
  }

  public func derivative(x: Float, y: Float) -> Float {
    1 / (1 + Foundation.exp(-beta * x))
  }

  public let cKernel = "softplus"
  public var cArguments: [Float] { [beta] }
}
