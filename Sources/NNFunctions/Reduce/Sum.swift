import NNIR

/// Sum over `axes` (all when empty), `keep_dims` keeps them as size 1 (nnabla `sum.cpp`).
/// int8: an int32 sum of the codes, requantized once (`SumInt8Kernel`).
public struct Sum: AxisReduction {
  public static let typeName = "Sum"
  public static let paramName = "sum_param"
  let reduction: ReductionAxes

  public init(axes: [Int], keepDims: Bool) { reduction = ReductionAxes(axes: axes, keepDims: keepDims) }
  init(reduction: ReductionAxes) { self.reduction = reduction }

  public func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor] { [reduction.reduce(inputs[0], +)] }
  public func emitC(_ call: inout any CFunctionCall) throws -> [String]? { try reduction.emitC("sum", &call) }

  public var int8: Int8Lowering { .custom }
  public func int8Kernel(inputs: [QuantParams], output: QuantParams, shapes: [[Int]]) throws -> any Int8FunctionKernel {
    try SumInt8Kernel(reduction, mean: false, input: inputs[0], output: output, shape: shapes[0])
  }

  public func gradients(inputs: [FloatTensor], outputs: [FloatTensor], outputGradients: [FloatTensor]) -> [FloatTensor?]? {
    [reduction.scatter(inputs[0], outputGradients[0]) { _, _ in 1 }]
  }
}
