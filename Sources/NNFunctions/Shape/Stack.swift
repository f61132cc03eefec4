import NNIR

/// Stack: same-shaped inputs joined along a new `axis` (nnabla `stack.cpp`). Expands into a
/// Reshape per input (the new axis of size 1) and a Concatenate, so int8 comes for free.
public struct Stack: NNFunction {
  public static let typeName = "Stack"
  public static let paramName = "stack_param"
  public static let alwaysExpands = true
  public static let inputArity: ClosedRange<Int> = 1...Int(Int32.max)
  /// Non-negative, in the output's rank.
  public var axis: Int

  public init(axis: Int) { self.axis = axis }

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    self.init(axis: try ShapeSupport.axis(try a.int("axis"), rank: (inputShapes.first?.count ?? 0) + 1, "Stack"))
  }

  public var attributeFields: [(name: String, value: AttributeValue)] { [("axis", .int(axis))] }

  public func outputShapes(_ inputs: [[Int]]) throws(ShapeError) -> [[Int]] {
    let x = inputs[0]
    guard inputs.allSatisfy({ $0 == x }) else { throw ShapeError("Stack inputs differ in shape: \(inputs)") }
    guard axis <= x.count else { throw ShapeError("Stack axis \(axis) out of range for \(x)") }
    var y = x
    y.insert(inputs.count, at: axis)
    return [y]
  }

  public func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor] {
    [ShapeSupport.stack(inputs, axis: axis)]
  }

  public func emitC(_ call: inout any CFunctionCall) throws -> [String]? { nil }

  public func expand(_ node: Node, _ graph: inout SubgraphBuilder) throws -> Bool {
    var pieces: [Int] = []
    for (k, t) in node.inputs.enumerated() {
      var shape = graph.shape(t)
      shape.insert(1, at: axis)
      pieces.append(try graph.add1("\(node.name)/reshape\(k)", .reshape(shape: shape), [t]))
    }
    try graph.add1("\(node.name)/concat", .concatenate(axis: axis), pieces, into: node.outputs[0])
    return true
  }

  public var isTrainable: Bool { true }

  public func gradients(inputs: [FloatTensor], outputs: [FloatTensor], outputGradients: [FloatTensor]) -> [FloatTensor?]? {
    ShapeSupport.unstack(outputGradients[0], axis: axis)
  }
}
