import NNIR

/// The four binarized layers are one description: the core op (Convolution or Affine) and whether
/// the sign weight is scaled by alpha (`scalesByAlpha`: BinaryWeight yes, BinaryConnect no) are the
/// only differences. The scaled ones take `alpha` as one more input, so the bias moves from 3 to 4.
public protocol BinarizedLayer: NNFunction {
  static var scalesByAlpha: Bool { get }
  var quantizeZeroTo: Float { get }
  /// The core op the layer expands into.
  var op: Op { get }
}

extension BinarizedLayer {
  public static var alwaysExpands: Bool { true }
  public static var inputArity: ClosedRange<Int> { scalesByAlpha ? 4...5 : 3...4 }
  var biasIndex: Int { Self.scalesByAlpha ? 4 : 3 }
  var outputsFirst: Bool { if case .convolution = op { true } else { false } }

  public func outputShapes(_ inputs: [[Int]]) throws(ShapeError) -> [[Int]] {
    var shapes = [inputs[0], inputs[1]]
    if inputs.count > biasIndex { shapes.append(inputs[biasIndex]) }
    return try ShapeInference.outputShapes(of: op, inputs: shapes)
  }

  public func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor] {
    [BinaryWeights.evaluate(
      op, inputs, biasIndex: biasIndex, zero: quantizeZeroTo, scaled: Self.scalesByAlpha, outputsFirst: outputsFirst)]
  }

  public func emitC(_ call: inout any CFunctionCall) throws -> [String]? { nil }

  public func expand(_ node: Node, _ graph: inout SubgraphBuilder) throws -> Bool {
    try BinaryWeights.expand(
      node, &graph, op: op, biasIndex: biasIndex, zero: quantizeZeroTo, scaled: Self.scalesByAlpha,
      outputsFirst: outputsFirst)
  }

  public var isTrainable: Bool { true }
}

/// BinaryConnectConvolution and BinaryWeightConvolution.
public protocol BinarizedConvolutionLayer: BinarizedLayer {
  var convolution: ConvolutionAttributes { get }
  init(convolution: ConvolutionAttributes, quantizeZeroTo: Float)
}

extension BinarizedConvolutionLayer {
  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    self.init(
      convolution: try BinaryWeights.convolution(a, inputShapes: inputShapes),
      quantizeZeroTo: Float(try a.double("quantize_zero_to")))
  }

  public var attributeFields: [(name: String, value: AttributeValue)] {
    BinaryWeights.fields(convolution) + [("quantize_zero_to", .double(Double(quantizeZeroTo)))]
  }

  public var op: Op { .convolution(convolution) }

  public func gradients(inputs: [FloatTensor], outputs: [FloatTensor], outputGradients: [FloatTensor]) -> [FloatTensor?]? {
    BinaryWeights.convolutionGradients(
      inputs, dy: outputGradients[0], convolution, biasIndex: biasIndex, zero: quantizeZeroTo,
      scaled: Self.scalesByAlpha)
  }

  public func macs(inputShapes: [[Int]], outputShapes: [[Int]]) -> Int {
    outputShapes[0].reduce(1, *) * (inputShapes[1].dropFirst().reduce(1, *))
  }
}

/// BinaryConnectAffine and BinaryWeightAffine.
public protocol BinarizedAffineLayer: BinarizedLayer {
  var baseAxis: Int { get }
  init(baseAxis: Int, quantizeZeroTo: Float)
}

extension BinarizedAffineLayer {
  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    self.init(baseAxis: try a.int("base_axis"), quantizeZeroTo: Float(try a.double("quantize_zero_to")))
  }

  public var attributeFields: [(name: String, value: AttributeValue)] {
    [("base_axis", .int(baseAxis)), ("quantize_zero_to", .double(Double(quantizeZeroTo)))]
  }

  public var op: Op { .affine(AffineAttributes(baseAxis: baseAxis)) }

  public func gradients(inputs: [FloatTensor], outputs: [FloatTensor], outputGradients: [FloatTensor]) -> [FloatTensor?]? {
    BinaryWeights.affineGradients(
      inputs, dy: outputGradients[0], baseAxis: baseAxis, biasIndex: biasIndex, zero: quantizeZeroTo,
      scaled: Self.scalesByAlpha)
  }

  public func macs(inputShapes: [[Int]], outputShapes: [[Int]]) -> Int {
    outputShapes[0].reduce(1, *) * inputShapes[1][0]
  }
}
