/// The graph IR that carries a model from import to emission.
///
/// Tensors are referred to by index into `tensors`. Nodes are stored in a valid execution order
/// (every input of a node is a graph input, a parameter, or the output of an earlier node).
/// Shapes are fully static: the batch dimension has already been fixed (nnabla's `-1` → 1).
public struct ModelGraph: Sendable {
  public var name: String
  public var tensors: [TensorInfo]
  public var nodes: [Node]
  /// Graph inputs, in the executor's order.
  public var inputs: [Int]
  /// Graph outputs, in the executor's order.
  public var outputs: [Int]
  /// The int8 arithmetic the file's own quantization was made for (`FileQuantization`).
  public var int8Rules: Int8Rules

  public init(name: String, tensors: [TensorInfo], nodes: [Node], inputs: [Int], outputs: [Int], int8Rules: Int8Rules = .nncompile) {
    self.name = name
    self.tensors = tensors
    self.nodes = nodes
    self.inputs = inputs
    self.outputs = outputs
    self.int8Rules = int8Rules
  }

  /// The file quantizes some activations itself (an int8 `.tflite`, a QDQ ONNX model): int8
  /// needs no calibration where it does.
  public var hasFileQuantizedActivations: Bool {
    tensors.contains { $0.data == nil && $0.quantization?.perTensor != nil }
  }

  /// The index of the tensor called `name`, if any.
  public func tensorIndex(named name: String) -> Int? {
    tensors.firstIndex { $0.name == name }
  }

  /// Parameter tensors (constants), in tensor order.
  public var parameterIndices: [Int] {
    tensors.indices.filter { tensors[$0].data != nil }
  }
}

/// A named tensor: its static shape and, for parameters, its constant data.
public struct TensorInfo: Sendable {
  public var name: String
  public var shape: [Int]
  /// Constant values for parameters (weights, biases, BN statistics); nil for activations.
  public var data: FloatTensor?
  /// The file's own quantization of this tensor, if it has one.
  public var quantization: FileQuantization?

  public init(name: String, shape: [Int], data: FloatTensor? = nil, quantization: FileQuantization? = nil) {
    self.name = name
    self.shape = shape
    self.data = data
    self.quantization = quantization
  }

  public var elementCount: Int { shape.reduce(1, *) }
  public var isParameter: Bool { data != nil }
}

/// One operation: reads `inputs`, writes `outputs` (tensor indices).
public struct Node: Sendable {
  public var name: String
  public var op: Op
  public var inputs: [Int]
  public var outputs: [Int]

  public init(name: String, op: Op, inputs: [Int], outputs: [Int]) {
    self.name = name
    self.op = op
    self.inputs = inputs
    self.outputs = outputs
  }
}
