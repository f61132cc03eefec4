import NNIR

/// BinaryWeightConvolution: Convolution of `x` with sign(weight) · alpha,
/// alpha the mean |weight| of each output channel, + bias (nnabla `binary_weight_convolution.cpp`).
/// Expands into that core op with the weight computed at compile time (see `BinaryWeights`).
public struct BinaryWeightConvolution: NNFunction {
  public static let typeName = "BinaryWeightConvolution"
  public static let paramName = "binary_weight_convolution_param"
  public static let alwaysExpands = true
  public static let inputArity: ClosedRange<Int> = 4...5
  public var convolution: ConvolutionAttributes
  public var quantizeZeroTo: Float

  public init(convolution: ConvolutionAttributes, quantizeZeroTo: Float) {
    self.convolution = convolution
    self.quantizeZeroTo = quantizeZeroTo
  }

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    self.init(
      convolution: try BinaryWeights.convolution(a, inputShapes: inputShapes),
      quantizeZeroTo: Float(try a.double("quantize_zero_to")))
  }

  public var attributeFields: [(name: String, value: AttributeValue)] {
    BinaryWeights.fields(convolution) + [("quantize_zero_to", .double(Double(quantizeZeroTo)))]
  }

  var op: Op { .convolution(convolution) }

  public func outputShapes(_ inputs: [[Int]]) throws(ShapeError) -> [[Int]] {
    var shapes = [inputs[0], inputs[1]]
    if inputs.count > 4 { shapes.append(inputs[4]) }
    return try ShapeInference.outputShapes(of: op, inputs: shapes)
  }

  public func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor] {
    [BinaryWeights.evaluate(op, inputs, biasIndex: 4, zero: quantizeZeroTo, scaled: true, outputsFirst: true)]
  }

  public func emitC(_ call: inout any CFunctionCall) throws -> [String]? { nil }

  public func expand(_ node: Node, _ graph: inout SubgraphBuilder) throws -> Bool {
    try BinaryWeights.expand(node, &graph, op: op, biasIndex: 4, zero: quantizeZeroTo, scaled: true, outputsFirst: true)
  }

  public var isTrainable: Bool { true }

  public func gradients(inputs: [FloatTensor], outputs: [FloatTensor], outputGradients: [FloatTensor]) -> [FloatTensor?]? {
    BinaryWeights.convolutionGradients(
      inputs, dy: outputGradients[0], convolution, biasIndex: 4, zero: quantizeZeroTo, scaled: true)
  }

  public func macs(inputShapes: [[Int]], outputShapes: [[Int]]) -> Int {
    outputShapes[0].reduce(1, *) * (inputShapes[1].dropFirst().reduce(1, *))
  }
}
