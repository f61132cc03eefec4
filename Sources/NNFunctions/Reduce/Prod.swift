import NNIR

/// Product over `axes` (all when empty) (nnabla `prod.cpp`). int8 runs in float.
public struct Prod: AxisReduction {
  public static let typeName = "Prod"
  public static let paramName = "prod_param"
  let reduction: ReductionAxes

  public init(axes: [Int], keepDims: Bool) { reduction = ReductionAxes(axes: axes, keepDims: keepDims) }
  init(reduction: ReductionAxes) { self.reduction = reduction }

  public func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor] { [reduction.reduce(inputs[0], *)] }
  public func emitC(_ call: inout any CFunctionCall) throws -> [String]? { try reduction.emitC("prod", &call) }

  /// dx = dy · (product of the other elements), computed directly so a zero element is exact.
  public func gradients(inputs: [FloatTensor], outputs: [FloatTensor], outputGradients: [FloatTensor]) -> [FloatTensor?]? {
    let x = inputs[0]
    let (kept, reduced) = reduction.walk(x.shape)
    let outer = ReductionAxes.offsets(kept), inner = ReductionAxes.offsets(reduced)
    var dx = [Float](repeating: 0, count: x.count)
    for (o, base) in outer.enumerated() {
      for r in inner {
        var others: Float = 1
        for s in inner where s != r { others *= x.values[base + s] }
        dx[base + r] = outputGradients[0].values[o] * others
      }
    }
    return [FloatTensor(shape: x.shape, values: dx)]
  }
}
