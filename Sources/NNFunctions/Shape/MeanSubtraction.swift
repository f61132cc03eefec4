import NNIR

/// MeanSubtraction at inference: `y = x − rmean`, the stored running mean of shape
/// `x.shape[base_axis...]` (nnabla `mean_subtraction.cpp`; `t`, the count, and
/// `update_running_mean` only matter while training). Expands into a Reshape of the mean and a
/// core Sub2 (broadcast over the batch axes).
public struct MeanSubtraction: NNFunction {
  public static let typeName = "MeanSubtraction"
  public static let paramName = "mean_subtraction_param"
  public static let alwaysExpands = true
  public static let inputArity: ClosedRange<Int> = 3...3
  public var baseAxis: Int
  public var updateRunningMean: Bool

  public init(baseAxis: Int, updateRunningMean: Bool = false) {
    self.baseAxis = baseAxis
    self.updateRunningMean = updateRunningMean
  }

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    self.init(baseAxis: try a.int("base_axis"), updateRunningMean: try a.bool("update_running_mean"))
  }

  public var attributeFields: [(name: String, value: AttributeValue)] {
    [("base_axis", .int(baseAxis)), ("update_running_mean", .bool(updateRunningMean))]
  }

  /// The mean's shape with `x`'s rank.
  func meanShape(_ x: [Int], _ mean: [Int]) throws(ShapeError) -> [Int] {
    guard baseAxis >= 0, baseAxis <= x.count, mean.reduce(1, *) == x[baseAxis...].reduce(1, *) else {
      throw ShapeError("MeanSubtraction: mean \(mean) does not fit \(x) from axis \(baseAxis)")
    }
    return [Int](repeating: 1, count: baseAxis) + x[baseAxis...]
  }

  public func outputShapes(_ inputs: [[Int]]) throws(ShapeError) -> [[Int]] {
    _ = try meanShape(inputs[0], inputs[1])
    return [inputs[0]]
  }

  public func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor] {
    let x = inputs[0], m = inputs[1].values, n = m.count
    return [FloatTensor(shape: x.shape, values: x.values.indices.map { x.values[$0] - m[$0 % n] })]
  }

  public func emitC(_ call: inout any CFunctionCall) throws -> [String]? { nil }

  public func expand(_ node: Node, _ graph: inout SubgraphBuilder) throws -> Bool {
    let shape = try meanShape(graph.shape(node.inputs[0]), graph.shape(node.inputs[1]))
    let mean = try graph.add1("\(node.name)/mean", .reshape(shape: shape), [node.inputs[1]])
    try graph.add1(node.name, .sub2, [node.inputs[0], mean], into: node.outputs[0])
    return true
  }
}
