import Foundation
import NNIR

/// Sign: `y = x > 0 ? 1 : x < 0 ? −1 : alpha` (exact); gradient straight through, as nnabla's.
/// proto3: an absent `alpha` is 0 (the Python default is 1).
public struct Sign: ElementwiseFunction {
  public static let typeName = "Sign"
  public static let paramName = "sign_param"
  public var alpha: Float

  public init(alpha: Float) { self.alpha = alpha }

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    self.init(alpha: Float(try a.double("alpha", absent: 0)))
  }

  public var attributeFields: [(name: String, value: AttributeValue)] {
    [("alpha", .double(Double(alpha)))]
  }

  public func apply(_ x: Float) -> Float {
    x > 0 ? 1 : (x < 0 ? -1 : alpha)
  }

  public func derivative(x: Float, y: Float) -> Float {
    1
  }

  public let cKernel = "sign"
  public var cArguments: [Float] { [alpha] }
}
