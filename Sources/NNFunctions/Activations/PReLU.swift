import NNIR

/// PReLU: `y = x >= 0 ? x : x · slope`, the slope shared (one value) or one per channel along
/// `base_axis` (nnabla `prelu.cpp`). proto3: an absent `base_axis` is 0, which nnabla reads as
/// axis 0 (NNC writes `base_axis: 1`); negative axes count from the end.
///
/// A constant slope (every trained model) expands into `ConstantSlopePReLU`, whose int8 kernel
/// folds each channel's slope into its requantization multiplier; a computed slope runs in float.
public struct PReLU: NNFunction {
  public static let typeName = "PReLU"
  public static let paramName = "prelu_param"
  /// A constant slope (every trained model) runs on ConstantSlopePReLU's int8 kernel.
  public static let usualInt8: Int8Lowering? = .custom
  public static let inputArity: ClosedRange<Int> = 2...2
  /// As written (before refining a negative axis), so the exporter writes it back unchanged.
  public var baseAxis: Int

  public init(baseAxis: Int) { self.baseAxis = baseAxis }

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    self.init(baseAxis: try a.int("base_axis", absent: 0))
    if let x = inputShapes.first { _ = try ChannelGeometry.axis(baseAxis, rank: x.count, "PReLU base_axis") }
  }

  public var attributeFields: [(name: String, value: AttributeValue)] { [("base_axis", .int(baseAxis))] }

  /// Where each element finds its slope.
  func geometry(x: [Int], slopeCount: Int) throws(ShapeError) -> ChannelGeometry {
    let count = x.reduce(1, *)
    if slopeCount == 1 { return ChannelGeometry(count: count) }
    let axis = baseAxis < 0 ? baseAxis + x.count : baseAxis
    guard axis >= 0, axis < x.count, x[axis] == slopeCount else {
      throw ShapeError("PReLU: slope of \(slopeCount) values fits neither one shared slope nor axis \(baseAxis) of \(x)")
    }
    return ChannelGeometry(x, axis: axis)
  }

  public func outputShapes(_ inputs: [[Int]]) throws(ShapeError) -> [[Int]] {
    let slope = inputs[1]
    guard slope.reduce(1, *) == 1 || slope.count == 1 else { throw ShapeError("PReLU: slope \(slope) is not 1-D") }
    _ = try geometry(x: inputs[0], slopeCount: slope.reduce(1, *))
    return [inputs[0]]
  }

  public func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor] {
    let x = inputs[0], slope = inputs[1].values
    let g = try! geometry(x: x.shape, slopeCount: slope.count)
    return [FloatTensor(shape: x.shape, values: x.values.indices.map { i in
      let v = x.values[i]
      return v >= 0 ? v : v * slope[g.channel(i)]
    })]
  }

  public func emitC(_ call: inout any CFunctionCall) throws -> [String]? {
    let g = try geometry(x: call.inputShape(0), slopeCount: call.inputCount(1))
    return ["nnc_prelu_f32(\(g.outer), \(g.channels), \(g.inner), \(call.input(0)), \(call.input(1)), \(call.output(0)));"]
  }

  public func expand(_ node: Node, _ graph: inout SubgraphBuilder) throws -> Bool {
    guard let slope = graph.data(node.inputs[1]) else { return false }
    let g = try geometry(x: graph.shape(node.inputs[0]), slopeCount: slope.values.count)
    let f = ConstantSlopePReLU(slopes: slope.values, geometry: g)
    try graph.add1(node.name, .function(FunctionCall(f)), [node.inputs[0]], into: node.outputs[0])
    return true
  }

  public var isTrainable: Bool { true }

  /// nnabla's backward: dx = x >= 0 ? dy : dy · slope; dslope[c] = Σ dy · x over x < 0 of channel c.
  public func gradients(inputs: [FloatTensor], outputs: [FloatTensor], outputGradients: [FloatTensor]) -> [FloatTensor?]? {
    let x = inputs[0].values, slope = inputs[1].values, dy = outputGradients[0].values
    let g = try! geometry(x: inputs[0].shape, slopeCount: slope.count)
    var dx = [Float](repeating: 0, count: x.count)
    var dslope = [Float](repeating: 0, count: slope.count)
    for i in x.indices {
      let c = g.channel(i)
      if x[i] >= 0 {
        dx[i] = dy[i]
      } else {
        dx[i] = dy[i] * slope[c]
        dslope[c] += dy[i] * x[i]
      }
    }
    return [FloatTensor(shape: inputs[0].shape, values: dx), FloatTensor(shape: inputs[1].shape, values: dslope)]
  }
}
