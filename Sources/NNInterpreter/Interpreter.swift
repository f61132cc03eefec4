import NNIR

/// Runs a `ModelGraph` in Swift with the float32 reference kernels: the oracle every other path
/// (generated C, int8) is compared against.
public enum FloatInterpreter {
  /// The graph's outputs for `inputs` (one tensor per graph input, in order; shapes must match).
  public static func run(_ graph: ModelGraph, inputs: [FloatTensor]) -> [FloatTensor] {
    let values = runAll(graph, inputs: inputs)
    return graph.outputs.map { values[$0]! }
  }

  /// Every tensor of the graph (inputs, parameters, intermediates) after one run, by tensor index.
  public static func runAll(_ graph: ModelGraph, inputs: [FloatTensor]) -> [Int: FloatTensor] {
    precondition(inputs.count == graph.inputs.count, "expected \(graph.inputs.count) inputs, got \(inputs.count)")
    var values: [Int: FloatTensor] = [:]
    for (i, t) in graph.tensors.enumerated() where t.data != nil { values[i] = t.data }
    for (slot, tensor) in zip(graph.inputs, inputs) {
      precondition(tensor.count == graph.tensors[slot].elementCount, "input '\(graph.tensors[slot].name)' size mismatch")
      values[slot] = FloatTensor(shape: graph.tensors[slot].shape, values: tensor.values)
    }
    for node in graph.nodes {
      let args = node.inputs.map { values[$0]! }
      for (out, var result) in zip(node.outputs, evaluateAll(node.op, args)) {
        // Reshape-like ops keep the data; the IR's shape is authoritative.
        result.shape = graph.tensors[out].shape
        values[out] = result
      }
    }
    return values
  }

  /// Every output of one op on already-checked inputs.
  public static func evaluateAll(_ op: Op, _ x: [FloatTensor]) -> [FloatTensor] {
    if case .function(let f) = op { return f.function.evaluate(x) }
    return [evaluate(op, x)]
  }

  /// The (first) output of one op on already-checked inputs.
  public static func evaluate(_ op: Op, _ x: [FloatTensor]) -> FloatTensor {
    let k = FloatKernels.self
    let bias = x.count > 2 ? x[2] : nil
    switch op {
    case .affine(let a): return k.affine(x[0], weight: x[1], bias: bias, a)
    case .convolution(let a): return k.convolution(x[0], weight: x[1], bias: bias, a)
    case .depthwiseConvolution(let a): return k.depthwiseConvolution(x[0], weight: x[1], bias: bias, a)
    case .deconvolution(let a): return k.deconvolution(x[0], weight: x[1], bias: bias, a)
    case .batchNormalization(let a):
      return k.batchNormalization(x[0], beta: x[1], gamma: x[2], mean: x[3], variance: x[4], a)
    case .maxPooling(let a): return k.maxPooling(x[0], a)
    case .averagePooling(let a): return k.averagePooling(x[0], a)
    case .sumPooling(let a): return k.sumPooling(x[0], a)
    case .globalAveragePooling: return k.globalAveragePooling(x[0])
    case .relu: return k.relu(x[0])
    case .relu6: return k.relu6(x[0])
    case .leakyReLU(let alpha): return k.leakyReLU(x[0], alpha: alpha)
    case .elu(let alpha): return k.elu(x[0], alpha: alpha)
    case .sigmoid: return k.sigmoid(x[0])
    case .tanh: return k.tanh(x[0])
    case .swish: return k.swish(x[0])
    case .softmax(let axis): return k.softmax(x[0], axis: axis)
    case .add2: return k.add2(x[0], x[1])
    case .sub2: return k.sub2(x[0], x[1])
    case .mul2: return k.mul2(x[0], x[1])
    case .div2: return k.div2(x[0], x[1])
    case .addScalar(let v): return k.addScalar(x[0], value: v)
    case .mulScalar(let v): return k.mulScalar(x[0], value: v)
    case .concatenate(let axis): return k.concatenate(x, axis: axis)
    case .reshape(let shape): return FloatTensor(shape: shape, values: x[0].values)
    case .transpose(let axes): return k.transpose(x[0], axes: axes)
    case .slice(let a): return k.slice(x[0], a)
    case .pad(let a): return k.pad(x[0], a)
    case .dropout, .identity: return x[0]
    case .function(let f): return f.function.evaluate(x)[0]
    }
  }
}
