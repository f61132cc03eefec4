import NNIR

/// Maximum2: `y = a > b ? a : b` with broadcasting (nnabla `maximum2.hpp`). int8: each input
/// rescaled to the output's quantization, then the larger code (`SelectInt8Kernel`).
public struct Maximum2: BroadcastBinaryFunction {
  public static let typeName = "Maximum2"
  public static let paramName = "maximum2_param"

  public init() {}
  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func combine(_ a: Float, _ b: Float) -> Float { a > b ? a : b }
  public func partials(_ a: Float, _ b: Float) -> (Float, Float) { a > b ? (1, 0) : (0, 1) }
  public let cKernel = "maximum2"
  public var int8: Int8Lowering { .custom }
  public func int8Kernel(inputs: [QuantParams], output: QuantParams, shapes: [[Int]]) throws -> any Int8FunctionKernel {
    SelectInt8Kernel(takesMaximum: true, inputs: inputs, output: output, shapes: shapes)
  }
  /// Equal values on ties, and a NaN x gives `val` both ways (x is the first input).
  public func scalarForm(_ val: Double) -> (any NNFunction)? { MaximumScalar(val: val) }
}
