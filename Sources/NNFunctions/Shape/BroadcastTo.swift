import NNIR

/// BroadcastTo(x, y): `y` repeated to `x`'s shape, its axes matching `x`'s from `axis` on, or the
/// trailing ones when `axis < 0` (nnabla `broadcast_to.cpp`). Expands into a Reshape of `y` and a
/// Broadcast, so `x` (only its shape counts) never needs to be read.
public struct BroadcastTo: NNFunction {
  public static let typeName = "BroadcastTo"
  public static let paramName = "broadcast_to_param"
  public static let alwaysExpands = true
  public static let inputArity: ClosedRange<Int> = 2...2
  public var axis: Int

  public init(axis: Int) { self.axis = axis }

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    self.init(axis: try a.int("axis"))
  }

  public var attributeFields: [(name: String, value: AttributeValue)] { [("axis", .int(axis))] }

  /// `y`'s shape with `x`'s rank (size-1 axes where it repeats).
  func aligned(_ x: [Int], _ y: [Int]) throws(ShapeError) -> [Int] {
    let first = axis < 0 ? x.count - y.count : axis
    guard y.count <= x.count, first >= 0, first + y.count <= x.count,
      y.indices.allSatisfy({ y[$0] == x[first + $0] })
    else { throw ShapeError("BroadcastTo: \(y) does not fit \(x) at axis \(axis)") }
    return x.indices.map { $0 >= first && $0 < first + y.count ? x[$0] : 1 }
  }

  public func outputShapes(_ inputs: [[Int]]) throws(ShapeError) -> [[Int]] {
    _ = try aligned(inputs[0], inputs[1])
    return [inputs[0]]
  }

  public func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor] {
    let shape = try! aligned(inputs[0].shape, inputs[1].shape)
    return Broadcast(shape: inputs[0].shape).evaluate([FloatTensor(shape: shape, values: inputs[1].values)])
  }

  public func emitC(_ call: inout any CFunctionCall) throws -> [String]? {
    try Broadcast(shape: call.inputShape(0)).gather(try aligned(call.inputShape(0), call.inputShape(1))).emitC(&call, input: 1)
  }

  public func expand(_ node: Node, _ graph: inout SubgraphBuilder) throws -> Bool {
    let x = graph.shape(node.inputs[0])
    let y = try graph.add1("\(node.name)/reshape", .reshape(shape: try aligned(x, graph.shape(node.inputs[1]))), [node.inputs[1]])
    try graph.add1(node.name, .function(FunctionCall(Broadcast(shape: x))), [y], into: node.outputs[0])
    return true
  }

  public var isTrainable: Bool { true }

  public func gradients(inputs: [FloatTensor], outputs: [FloatTensor], outputGradients: [FloatTensor]) -> [FloatTensor?]? {
    let shape = try! aligned(inputs[0].shape, inputs[1].shape)
    let dy = try! Broadcast(shape: inputs[0].shape).gather(shape).gradient(xShape: shape, dy: outputGradients[0])
    return [nil, FloatTensor(shape: inputs[1].shape, values: dy.values)]
  }
}
