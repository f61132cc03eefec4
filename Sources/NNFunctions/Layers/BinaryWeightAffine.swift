import NNIR

/// BinaryWeightAffine: Affine of `x` with sign(weight) · alpha,
/// alpha the mean |weight| of each output column, + bias (nnabla `binary_weight_affine.cpp`).
/// Expands into that core op with the weight computed at compile time (see `BinaryWeights`).
public struct BinaryWeightAffine: NNFunction {
  public static let typeName = "BinaryWeightAffine"
  public static let paramName = "binary_weight_affine_param"
  public static let alwaysExpands = true
  public static let inputArity: ClosedRange<Int> = 4...5
  public var baseAxis: Int
  public var quantizeZeroTo: Float

  public init(baseAxis: Int, quantizeZeroTo: Float) {
    self.baseAxis = baseAxis
    self.quantizeZeroTo = quantizeZeroTo
  }

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    self.init(baseAxis: try a.int("base_axis"), quantizeZeroTo: Float(try a.double("quantize_zero_to")))
  }

  public var attributeFields: [(name: String, value: AttributeValue)] {
    [("base_axis", .int(baseAxis))] + [("quantize_zero_to", .double(Double(quantizeZeroTo)))]
  }

  var op: Op { .affine(AffineAttributes(baseAxis: baseAxis)) }

  public func outputShapes(_ inputs: [[Int]]) throws(ShapeError) -> [[Int]] {
    var shapes = [inputs[0], inputs[1]]
    if inputs.count > 4 { shapes.append(inputs[4]) }
    return try ShapeInference.outputShapes(of: op, inputs: shapes)
  }

  public func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor] {
    [BinaryWeights.evaluate(op, inputs, biasIndex: 4, zero: quantizeZeroTo, scaled: true, outputsFirst: false)]
  }

  public func emitC(_ call: inout any CFunctionCall) throws -> [String]? { nil }

  public func expand(_ node: Node, _ graph: inout SubgraphBuilder) throws -> Bool {
    try BinaryWeights.expand(node, &graph, op: op, biasIndex: 4, zero: quantizeZeroTo, scaled: true, outputsFirst: false)
  }

  public var isTrainable: Bool { true }

  public func gradients(inputs: [FloatTensor], outputs: [FloatTensor], outputGradients: [FloatTensor]) -> [FloatTensor?]? {
    BinaryWeights.affineGradients(
      inputs, dy: outputGradients[0], baseAxis: baseAxis, biasIndex: 4, zero: quantizeZeroTo, scaled: true)
  }

  public func macs(inputShapes: [[Int]], outputShapes: [[Int]]) -> Int {
    outputShapes[0].reduce(1, *) * inputShapes[1][0]
  }
}
