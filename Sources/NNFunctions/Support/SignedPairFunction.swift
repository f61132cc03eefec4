import NNIR

/// CELU and CReLU: `concat(f(x), f(−x))` along `axis` (nnabla `celu.cpp`, `crelu.cpp`), the
/// output twice as long there. They expand into `f`, MulScalar(−1), `f` and Concatenate, which
/// every backend already runs (int8 included); the interpreter and the trainer run them whole.
public protocol SignedPairFunction: NNFunction {
  /// The axis, refined (0 ≤ axis < rank).
  var axis: Int { get }
  func apply(_ x: Float) -> Float
  func derivative(_ x: Float) -> Float
  /// The core op computing `apply`.
  var halfOp: Op { get }
}

extension SignedPairFunction {
  public static var alwaysExpands: Bool { true }
  public static var inputArity: ClosedRange<Int> { 1...1 }
  public var isTrainable: Bool { true }

  public func outputShapes(_ inputs: [[Int]]) throws(ShapeError) -> [[Int]] {
    var y = inputs[0]
    guard axis < y.count else { throw ShapeError("\(Self.typeName): axis \(axis) is out of range for \(y)") }
    y[axis] *= 2
    return [y]
  }

  public func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor] {
    let x = inputs[0]
    let g = ChannelGeometry(x.shape, axis: axis)
    let block = g.channels * g.inner
    var y = [Float](repeating: 0, count: 2 * x.values.count)
    for o in 0..<g.outer {
      for k in 0..<block {
        let v = x.values[o * block + k]
        y[o * 2 * block + k] = apply(v)
        y[o * 2 * block + block + k] = apply(-v)
      }
    }
    return [FloatTensor(shape: try! outputShapes([x.shape])[0], values: y)]
  }

  public func emitC(_ call: inout any CFunctionCall) throws -> [String]? { nil }

  public func expand(_ node: Node, _ graph: inout SubgraphBuilder) throws -> Bool {
    let x = node.inputs[0]
    let positive = try graph.add1("\(node.name)/positive", halfOp, [x])
    let negated = try graph.add1("\(node.name)/negated", .mulScalar(value: -1), [x])
    let negative = try graph.add1("\(node.name)/negative", halfOp, [negated])
    try graph.add1(node.name, .concatenate(axis: axis), [positive, negative], into: node.outputs[0])
    return true
  }

  /// dx = f′(x)·dy₀ − f′(−x)·dy₁.
  public func gradients(inputs: [FloatTensor], outputs: [FloatTensor], outputGradients: [FloatTensor]) -> [FloatTensor?]? {
    let x = inputs[0], dy = outputGradients[0].values
    let g = ChannelGeometry(x.shape, axis: axis)
    let block = g.channels * g.inner
    var dx = [Float](repeating: 0, count: x.values.count)
    for o in 0..<g.outer {
      for k in 0..<block {
        let v = x.values[o * block + k]
        dx[o * block + k] = derivative(v) * dy[o * 2 * block + k] - derivative(-v) * dy[o * 2 * block + block + k]
      }
    }
    return [FloatTensor(shape: x.shape, values: dx)]
  }
}
