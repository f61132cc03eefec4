import Foundation
import NNIR

/// HardSwish: `y = x · min(max(x + 3, 0), 6) / 6` (TFLite's HARD_SWISH). Not an nnabla function,
/// so not in `FunctionRegistry`: only the TFLite importer builds it, for int8 files, where TFLite's
/// own int8 kernel is one element-wise function of the code (a table, `TFLiteInt8Activations`);
/// a float `.tflite` keeps the expansion into AddScalar, ReLU6, MulScalar and Mul2.
public struct HardSwish: ElementwiseFunction {
  public static let typeName = "HardSwish"
  public static let paramName = "hard_swish_param"

  public init() {}

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {}

  public func apply(_ x: Float) -> Float {
    x * min(max(x + 3, 0), 6) / 6
  }

  public func derivative(x: Float, y: Float) -> Float {
    x < -3 ? 0 : (x > 3 ? 1 : (2 * x + 3) / 6)
  }

  public let cKernel = "hard_swish"
}
