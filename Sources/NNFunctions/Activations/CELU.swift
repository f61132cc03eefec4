import Foundation
import NNIR

/// CELU: `concat(elu(x), elu(−x))` along `axis`, `elu(v) = v ≥ 0 ? v : alpha·(exp(v) − 1)` (nnabla
/// `celu.cpp`). proto3: absent `alpha` and `axis` are 0 (the Python defaults are 1 and 1).
public struct CELU: SignedPairFunction {
  public static let typeName = "CELU"
  public static let paramName = "celu_param"
  public var alpha: Double
  public var axis: Int

  public init(alpha: Double, axis: Int) {
    self.alpha = alpha
    self.axis = axis
  }

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    let rank = inputShapes.first?.count ?? 1
    self.init(alpha: try a.double("alpha", absent: 0), axis: try ChannelGeometry.axis(try a.int("axis", absent: 0), rank: rank, "CELU"))
  }

  public var attributeFields: [(name: String, value: AttributeValue)] { [("alpha", .double(alpha)), ("axis", .int(axis))] }

  public func apply(_ x: Float) -> Float { x >= 0 ? x : Float(alpha) * (expf(x) - 1) }
  public func derivative(_ x: Float) -> Float { x >= 0 ? 1 : Float(alpha) * expf(x) }
  public var halfOp: Op { .elu(alpha: Float(alpha)) }
}
