import NNIR

/// Mean over `axes` (all when empty): the sum, then one division by the count (nnabla `mean.cpp`).
/// int8: an int32 sum of the codes, requantized once with the count in the scale (`SumInt8Kernel`).
public struct Mean: AxisReduction {
  public static let typeName = "Mean"
  public static let paramName = "mean_param"
  let reduction: ReductionAxes

  public init(axes: [Int], keepDims: Bool) { reduction = ReductionAxes(axes: axes, keepDims: keepDims) }
  init(reduction: ReductionAxes) { self.reduction = reduction }

  public func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor] {
    let n = Float(reduction.count(inputs[0].shape))
    var y = reduction.reduce(inputs[0], +)
    y.values = y.values.map { $0 / n }
    return [y]
  }
  public func emitC(_ call: inout any CFunctionCall) throws -> [String]? { try reduction.emitC("mean", &call) }

  public var int8: Int8Lowering { .custom }
  public func int8Kernel(inputs: [QuantParams], output: QuantParams, shapes: [[Int]]) throws -> any Int8FunctionKernel {
    try SumInt8Kernel(reduction, mean: true, input: inputs[0], output: output, shape: shapes[0])
  }
  /// TFLite's int8 MEAN (`reference_ops::QuantizedMeanOrSum`), for int8 `.tflite` files: the same
  /// sum, its multiplier `s_in / s_out` with the division by the count folded in afterwards
  /// (`QuantizedMultiplier.tfliteMean`), which can round differently from `s_in / (s_out · n)`.
  public func int8Kernel(inputs: [QuantParams], output: QuantParams, shapes: [[Int]], rules: Int8Rules) throws -> any Int8FunctionKernel {
    try SumInt8Kernel(reduction, mean: true, input: inputs[0], output: output, shape: shapes[0], tflite: rules == .tflite)
  }

  public func gradients(inputs: [FloatTensor], outputs: [FloatTensor], outputGradients: [FloatTensor]) -> [FloatTensor?]? {
    let n = Float(reduction.count(inputs[0].shape))
    return [reduction.scatter(inputs[0], outputGradients[0]) { _, _ in 1 / n }]
  }
}
