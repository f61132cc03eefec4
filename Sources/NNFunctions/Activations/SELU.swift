import Foundation
import NNIR

/// SELU: `y = scale · (x > 0 ? x : alpha · (exp(x) − 1))` (nnabla `selu.cpp`).
/// proto3: absent `scale`/`alpha` are 0 (nnabla's writer omits only zeros; NNC writes both).
public struct SELU: ElementwiseFunction {
  public static let typeName = "SELU"
  public static let paramName = "selu_param"
  public var scale: Float
  public var alpha: Float

  public init(scale: Float, alpha: Float) {
    self.scale = scale
    self.alpha = alpha
  }

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    self.init(scale: Float(try a.double("scale", absent: 0)), alpha: Float(try a.double("alpha", absent: 0)))
  }

  public var attributeFields: [(name: String, value: AttributeValue)] {
    [("scale", .double(Double(scale))), ("alpha", .double(Double(alpha)))]
  }

  public func apply(_ x: Float) -> Float {
    x > 0 ? scale * x : scale * (alpha * (Foundation.exp(x) - 1))
  }

  public func derivative(x: Float, y: Float) -> Float {
    x > 0 ? scale : scale * alpha * Foundation.exp(x)
  }

  public let cKernel = "selu"
  public var cArguments: [Float] { [scale, alpha] }
}
