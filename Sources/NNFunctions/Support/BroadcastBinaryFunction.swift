import NNIR

/// A function of two inputs combined element by element with numpy-style broadcasting (Pow2,
/// Minimum2, Maximum2). Everything follows from `combine` and `partials`: the shape, the float
/// reference, the C call (`nnc_<cKernel>_f32(&nnc_binary_params, a, b, y)`, the same parameter
/// struct as Add2), and the gradient (summed over the axes an input was broadcast along).
public protocol BroadcastBinaryFunction: NNFunction {
  func combine(_ a: Float, _ b: Float) -> Float
  /// (∂y/∂a, ∂y/∂b) at (a, b).
  func partials(_ a: Float, _ b: Float) -> (Float, Float)
  /// The float C kernel's stem: `nnc_<cKernel>_f32`.
  var cKernel: String { get }
  /// The same function with a one-value constant second input `val` as a scalar function
  /// (Maximum2(x, c) = MaximumScalar(c)), or nil.
  func scalarForm(_ val: Double) -> (any NNFunction)?
}

extension BroadcastBinaryFunction {
  public static var inputArity: ClosedRange<Int> { 2...2 }
  public var isTrainable: Bool { true }
  public func scalarForm(_ val: Double) -> (any NNFunction)? { nil }

  /// A one-value constant second input (converters write `max(x, 0.0)` this way) becomes the
  /// scalar function, which int8 runs as a table (a constant has no int8 codes to select).
  public func expand(_ node: Node, _ graph: inout SubgraphBuilder) throws -> Bool {
    guard let c = graph.data(node.inputs[1]), c.values.count == 1, let f = scalarForm(Double(c.values[0])),
      graph.shape(node.inputs[0]) == graph.shape(node.outputs[0])
    else { return false }
    try graph.add1(node.name, .function(FunctionCall(f)), [node.inputs[0]], into: node.outputs[0])
    return true
  }

  public func outputShapes(_ inputs: [[Int]]) throws(ShapeError) -> [[Int]] {
    [try ShapeInference.broadcast(inputs[0], inputs[1], Self.typeName)]
  }

  /// Every output element with the offsets of its two inputs.
  func forEachElement(_ a: [Int], _ b: [Int], _ body: (_ i: Int, _ ia: Int, _ ib: Int) -> Void) {
    let y = try! ShapeInference.broadcast(a, b)
    let sa = broadcastStrides(a, to: y), sb = broadcastStrides(b, to: y)
    var index = [Int](repeating: 0, count: y.count)
    var ia = 0, ib = 0
    for i in 0..<y.reduce(1, *) {
      body(i, ia, ib)
      var d = y.count - 1
      while d >= 0 {
        index[d] += 1
        ia += sa[d]
        ib += sb[d]
        if index[d] < y[d] { break }
        ia -= sa[d] * y[d]
        ib -= sb[d] * y[d]
        index[d] = 0
        d -= 1
      }
    }
  }

  public func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor] {
    let a = inputs[0], b = inputs[1]
    let shape = try! ShapeInference.broadcast(a.shape, b.shape)
    var y = [Float](repeating: 0, count: shape.reduce(1, *))
    forEachElement(a.shape, b.shape) { i, ia, ib in y[i] = combine(a.values[ia], b.values[ib]) }
    return [FloatTensor(shape: shape, values: y)]
  }

  public func emitC(_ call: inout any CFunctionCall) throws -> [String]? {
    let y = call.outputShape(0)
    guard y.count <= CLiteral.maxRank else { throw ShapeError("\(Self.typeName): rank \(y.count) is above \(CLiteral.maxRank)") }
    let p = call.parameterStruct("nnc_binary_params", "binary", [
      ("rank", "\(y.count)"), ("shape", CLiteral.dims(y)),
      ("a_strides", CLiteral.dims(broadcastStrides(call.inputShape(0), to: y))),
      ("b_strides", CLiteral.dims(broadcastStrides(call.inputShape(1), to: y))),
    ])
    return ["\(call.kernel(cKernel))(&\(p), \(call.input(0)), \(call.input(1)), \(call.output(0)));"]
  }

  public func gradients(inputs: [FloatTensor], outputs: [FloatTensor], outputGradients: [FloatTensor]) -> [FloatTensor?]? {
    let a = inputs[0], b = inputs[1], dy = outputGradients[0].values
    var da = [Float](repeating: 0, count: a.values.count), db = [Float](repeating: 0, count: b.values.count)
    forEachElement(a.shape, b.shape) { i, ia, ib in
      let (pa, pb) = partials(a.values[ia], b.values[ib])
      da[ia] += dy[i] * pa
      db[ib] += dy[i] * pb
    }
    return [FloatTensor(shape: a.shape, values: da), FloatTensor(shape: b.shape, values: db)]
  }
}
