import NNIR

/// A shape function that is one `AxisGather` of its first input: everything but the gather
/// itself (and the attributes) follows. Int8 moves the codes unchanged.
public protocol GatherFunction: NNFunction {
  /// The gather for input shape `x`; throws when the shape does not fit the attributes.
  func gather(_ x: [Int]) throws(ShapeError) -> AxisGather
}

extension GatherFunction {
  public static var inputArity: ClosedRange<Int> { 1...1 }
  public var int8: Int8Lowering { .dataMovement }
  public var isTrainable: Bool { true }

  public func outputShapes(_ inputs: [[Int]]) throws(ShapeError) -> [[Int]] {
    [try gather(inputs[0]).outputShape]
  }

  public func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor] {
    [try! gather(inputs[0].shape).evaluate(inputs[0])]
  }

  public func emitC(_ call: inout any CFunctionCall) throws -> [String]? {
    try gather(call.inputShape(0)).emitC(&call)
  }

  public func gradients(inputs: [FloatTensor], outputs: [FloatTensor], outputGradients: [FloatTensor]) -> [FloatTensor?]? {
    [try! gather(inputs[0].shape).gradient(xShape: inputs[0].shape, dy: outputGradients[0])]
  }
}
