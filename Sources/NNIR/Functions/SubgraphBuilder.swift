/// Where a function's expansion (`NNFunction.expand`) writes the simpler nodes that replace it:
/// new constants and intermediate tensors are appended to the graph's tensors, and the last
/// nodes write the expanded node's own output tensors, so nothing downstream changes.
public struct SubgraphBuilder: Sendable {
  public private(set) var tensors: [TensorInfo]
  public private(set) var nodes: [Node] = []

  public init(tensors: [TensorInfo]) { self.tensors = tensors }

  public func shape(_ t: Int) -> [Int] { tensors[t].shape }

  /// The constant data of tensor `t`, when it is a parameter.
  public func data(_ t: Int) -> FloatTensor? { tensors[t].data }

  /// A new constant tensor.
  public mutating func constant(_ name: String, _ value: FloatTensor) -> Int {
    tensors.append(TensorInfo(name: name, shape: value.shape, data: value))
    return tensors.count - 1
  }

  /// Appends `op` on `inputs` and returns its output tensors: new ones named after `name`, or
  /// `into` (the expanded node's own outputs, whose shapes must come out the same).
  @discardableResult
  public mutating func add(_ name: String, _ op: Op, _ inputs: [Int], into outputs: [Int]? = nil) throws -> [Int] {
    let shapes = try ShapeInference.outputShapes(of: op, inputs: inputs.map { tensors[$0].shape })
    var result: [Int] = []
    if let outputs {
      guard outputs.count == shapes.count else {
        throw ShapeError("expanding '\(name)': \(op.typeName) writes \(shapes.count) outputs, not \(outputs.count)")
      }
      for (t, shape) in zip(outputs, shapes) where tensors[t].shape != shape {
        throw ShapeError("expanding '\(name)': \(op.typeName) computes \(shape) for '\(tensors[t].name)' of shape \(tensors[t].shape)")
      }
      result = outputs
    } else {
      for (k, shape) in shapes.enumerated() {
        tensors.append(TensorInfo(name: shapes.count == 1 ? name : "\(name)/\(k)", shape: shape))
        result.append(tensors.count - 1)
      }
    }
    nodes.append(Node(name: name, op: op, inputs: inputs, outputs: result))
    return result
  }

  /// `add` for a single-output op.
  public mutating func add1(_ name: String, _ op: Op, _ inputs: [Int], into output: Int? = nil) throws -> Int {
    try add(name, op, inputs, into: output.map { [$0] })[0]
  }
}
