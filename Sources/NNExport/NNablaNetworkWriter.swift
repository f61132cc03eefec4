import NNFormats
import NNIR

/// Describes a `ModelGraph` as an nnabla `Network` and `Executor` message, the reverse of the
/// importer's function map: each node becomes a function of nnabla's type with its
/// `<snake_name>_param` (only the arguments nnabla's `functions.yaml` defines; parameterless
/// functions get no param message), each tensor a variable.
///
/// - Buffers get the batch dimension `-1` (their first axis), as `nnabla.utils.save` writes
///   them with `variable_batch_size`; parameters keep their shapes. `batch_size` is 1.
/// - BatchNormalization is written in inference form (`batch_stat: false`).
/// - Slices are written with the resolved start/stop/step the IR holds.
public struct NNablaNetworkWriter {
  public let graph: ModelGraph

  public init(graph: ModelGraph) { self.graph = graph }

  /// Parameter tensors the nodes read, in first-use order.
  var parameterIndices: [Int] {
    var seen = Set<Int>()
    return graph.nodes.flatMap(\.inputs).filter { graph.tensors[$0].isParameter && seen.insert($0).inserted }
  }

  /// The graph's parameters for `parameter.protobuf`.
  public func parameters() -> [NNPParameter] {
    let frozen = Set(graph.nodes.flatMap { node -> [Int] in
      if case .batchNormalization = node.op, node.inputs.count == 5 { return Array(node.inputs[3...]) }
      return []
    })
    return parameterIndices.map { i in
      let t = graph.tensors[i]
      return NNPParameter(name: t.name, shape: t.shape, values: t.data?.values ?? [], needGrad: !frozen.contains(i))
    }
  }

  public func network(name: String) throws -> ProtoTextMessage {
    var m = ProtoTextMessage()
    m.add("name", name)
    m.add("batch_size", 1)
    var declared = Set<Int>()
    func variable(_ i: Int, type: String) {
      guard declared.insert(i).inserted else { return }
      let t = graph.tensors[i]
      m.add("variable") { v in
        v.add("name", t.name)
        v.add("type", type)
        v.add("shape", Self.shape(type == "Buffer" && !t.shape.isEmpty ? [-1] + t.shape.dropFirst() : t.shape))
      }
    }
    for i in graph.inputs { variable(i, type: "Buffer") }
    for node in graph.nodes { for o in node.outputs { variable(o, type: "Buffer") } }
    for i in parameterIndices { variable(i, type: "Parameter") }
    for node in graph.nodes {
      var f = ProtoTextMessage()
      f.add("name", node.name)
      f.add("type", node.op.typeName)
      for i in node.inputs { f.add("input", graph.tensors[i].name) }
      for o in node.outputs { f.add("output", graph.tensors[o].name) }
      if let (paramName, param) = try functionParam(node) { f.add(paramName, param) }
      m.add("function", f)
    }
    return m
  }

  public func executor(name: String, networkName: String) -> ProtoTextMessage {
    var e = ProtoTextMessage()
    e.add("name", name)
    e.add("network_name", networkName)
    for i in graph.inputs {
      e.add("data_variable") { d in
        d.add("variable_name", graph.tensors[i].name)
        d.add("data_name", graph.tensors[i].name)
      }
    }
    for o in graph.outputs {
      e.add("output_variable") { d in
        d.add("variable_name", graph.tensors[o].name)
        d.add("data_name", graph.tensors[o].name)
      }
    }
    for p in parameterIndices { e.add("parameter_variable") { $0.add("variable_name", graph.tensors[p].name) } }
    return e
  }

  static func shape(_ dims: [Int]) -> ProtoTextMessage {
    var s = ProtoTextMessage()
    for d in dims { s.add("dim", d) }
    return s
  }

  /// The `<snake_name>_param` message of a node, or nil for functions without arguments.
  func functionParam(_ node: Node) throws -> (String, ProtoTextMessage)? {
    var p = ProtoTextMessage()
    let name: String
    switch node.op {
    case .affine(let a):
      name = "affine_param"
      p.add("base_axis", a.baseAxis)
    case .convolution(let c):
      name = "convolution_param"
      p.add("base_axis", c.baseAxis)
      p.add("pad", Self.shape(c.pad)); p.add("stride", Self.shape(c.stride)); p.add("dilation", Self.shape(c.dilation))
      p.add("group", c.group)
      p.add("channel_last", false)
    case .depthwiseConvolution(let c):
      name = "depthwise_convolution_param"
      p.add("base_axis", c.baseAxis)
      p.add("pad", Self.shape(c.pad)); p.add("stride", Self.shape(c.stride)); p.add("dilation", Self.shape(c.dilation))
      p.add("multiplier", c.multiplier)
    case .deconvolution(let c):
      name = "deconvolution_param"
      p.add("base_axis", c.baseAxis)
      p.add("pad", Self.shape(c.pad)); p.add("stride", Self.shape(c.stride)); p.add("dilation", Self.shape(c.dilation))
      p.add("group", c.group)
      p.add("channel_last", false)
      p.add("output_padding", Self.shape(c.outputPadding))
    case .batchNormalization(let b):
      name = "batch_normalization_param"
      for a in b.axes { p.add("axes", a) }
      p.add("decay_rate", 0.9)
      p.add("eps", b.eps)
      p.add("batch_stat", false)
    case .maxPooling(let a), .averagePooling(let a), .sumPooling(let a):
      name = ["MaxPooling": "max_pooling_param", "AveragePooling": "average_pooling_param",
              "SumPooling": "sum_pooling_param"][node.op.typeName]!
      p.add("kernel", Self.shape(a.kernel)); p.add("stride", Self.shape(a.stride))
      p.add("ignore_border", a.ignoreBorder)
      p.add("pad", Self.shape(a.pad))
      p.add("channel_last", false)
      if case .averagePooling = node.op { p.add("including_pad", a.includingPad) }
    case .leakyReLU(let alpha):
      name = "leaky_relu_param"
      p.add("alpha", alpha)
    case .elu(let alpha):
      name = "elu_param"
      p.add("alpha", alpha)
    case .softmax(let axis):
      name = "softmax_param"
      p.add("axis", axis)
    case .addScalar(let v):
      name = "add_scalar_param"
      p.add("val", v)
    case .mulScalar(let v):
      name = "mul_scalar_param"
      p.add("val", v)
    case .concatenate(let axis):
      name = "concatenate_param"
      p.add("axis", axis)
    case .reshape(let shape):
      name = "reshape_param"
      p.add("shape", Self.shape(shape))
    case .transpose(let axes):
      name = "transpose_param"
      for a in axes { p.add("axes", a) }
    case .slice(let s):
      name = "slice_param"
      let input = graph.tensors[node.inputs[0]].shape
      // stop -1 with a negative step means "through index 0"; Python (and nnabla) spell that -(n+1).
      let stop = s.stop.indices.map { s.step[$0] < 0 && s.stop[$0] == -1 ? -(input[$0] + 1) : s.stop[$0] }
      for v in s.start { p.add("start", v) }
      for v in stop { p.add("stop", v) }
      for v in s.step { p.add("step", v) }
    case .pad(let a):
      name = "pad_param"
      for v in a.padWidth { p.add("pad_width", v) }
      p.add("mode", a.mode.rawValue)
      p.add("constant_value", a.constantValue)
    case .dropout(let prob):
      name = "dropout_param"
      p.add("p", prob)
      p.add("seed", -1)
    case .globalAveragePooling, .relu, .relu6, .sigmoid, .tanh, .swish, .add2, .sub2, .mul2, .div2, .identity:
      return nil
    case .function(let call):
      let f = call.function
      guard !f.attributeFields.isEmpty else { return nil }
      name = type(of: f).paramName
      for (field, value) in f.attributeFields {
        switch value {
        case .int(let v): p.add(field, v)
        case .ints(let vs): for v in vs { p.add(field, v) }
        case .double(let v): p.add(field, v)
        case .doubles(let vs): for v in vs { p.add(field, v) }
        case .bool(let v): p.add(field, v)
        case .string(let v): p.add(field, v)
        case .shape(let dims): p.add(field, Self.shape(dims))
        }
      }
    }
    return (name, p)
  }
}
