import NNIR

/// Split: one output per index along `axis`, that axis removed (nnabla `split.cpp`). Expands into
/// a Slice and a Reshape per output, so the backends only see core single-output ops; the
/// interpreter and the trainer run the node itself.
public struct Split: NNFunction {
  public static let typeName = "Split"
  public static let paramName = "split_param"
  public static let alwaysExpands = true
  public static let inputArity: ClosedRange<Int> = 1...1
  /// Non-negative.
  public var axis: Int

  public init(axis: Int) { self.axis = axis }

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    self.init(axis: try ShapeSupport.axis(try a.int("axis"), rank: inputShapes.first?.count ?? 0, "Split"))
  }

  public var attributeFields: [(name: String, value: AttributeValue)] { [("axis", .int(axis))] }

  public func outputShapes(_ inputs: [[Int]]) throws(ShapeError) -> [[Int]] {
    let x = inputs[0]
    guard axis < x.count else { throw ShapeError("Split axis \(axis) out of range for \(x)") }
    var piece = x
    piece.remove(at: axis)
    return [[Int]](repeating: piece, count: x[axis])
  }

  public func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor] {
    ShapeSupport.unstack(inputs[0], axis: axis)
  }

  public func emitC(_ call: inout any CFunctionCall) throws -> [String]? { nil }

  public func expand(_ node: Node, _ graph: inout SubgraphBuilder) throws -> Bool {
    let x = graph.shape(node.inputs[0])
    for (k, out) in node.outputs.enumerated() {
      var start = [Int](repeating: 0, count: x.count), stop = x
      start[axis] = k
      stop[axis] = k + 1
      let slice = SliceAttributes(start: start, stop: stop, step: [Int](repeating: 1, count: x.count))
      let piece = try graph.add1("\(node.name)/slice\(k)", .slice(slice), [node.inputs[0]])
      try graph.add1("\(node.name)/reshape\(k)", .reshape(shape: graph.shape(out)), [piece], into: out)
    }
    return true
  }

  public var isTrainable: Bool { true }

  public func gradients(inputs: [FloatTensor], outputs: [FloatTensor], outputGradients: [FloatTensor]) -> [FloatTensor?]? {
    [ShapeSupport.stack(outputGradients, axis: axis)]
  }
}
