import NNIR

/// Product over `axes` (all when empty) (nnabla `prod.cpp`). int8 runs in float.
public struct Prod: NNFunction {
  public static let typeName = "Prod"
  public static let paramName = "prod_param"
  public static let inputArity: ClosedRange<Int> = 1...1
  let reduction: ReductionAxes

  public init(axes: [Int], keepDims: Bool) { reduction = ReductionAxes(axes: axes, keepDims: keepDims) }
  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    reduction = try ReductionAxes(a, inputShapes: inputShapes)
  }

  public var attributeFields: [(name: String, value: AttributeValue)] { reduction.fields }
  public func outputShapes(_ inputs: [[Int]]) throws(ShapeError) -> [[Int]] { [try reduction.outputShape(inputs[0])] }
  public func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor] { [reduction.reduce(inputs[0], *)] }
  public func emitC(_ call: inout any CFunctionCall) throws -> [String]? { try reduction.emitC("prod", &call) }

  public var isTrainable: Bool { true }
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
