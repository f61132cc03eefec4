import NNFormats
import NNFunctions
import NNIR

/// Reads a float ONNX model (`ModelProto`) into a checked `ModelGraph`, NCHW as ONNX declares it.
///
/// - A dynamic (symbolic) leading dimension of an input is the batch and becomes 1.
/// - Nodes whose inputs are all constants (the Shape → Gather → Concat → Reshape chains tf2onnx
///   writes) are evaluated here, so only the computation on the inputs reaches the graph.
/// - Every unsupported operator is named in one error, with its nodes and the opset.
public enum ONNXImporter {
  /// `directory` is where external data files are looked up (the model file's directory).
  public static func importModel(bytes: [UInt8], directory: String? = nil) throws -> ImportedModel {
    let model: ONNXModel
    do { model = try ONNXModel(bytes: bytes) } catch let e as FormatError { throw DiagnosticError(e.description) }
    var builder = ONNXGraphBuilder(model: model, directory: directory)
    let graph = try builder.build()
    return ImportedModel(
      graph: graph, networkNames: [model.graph.name], executorName: nil, noImageNormalization: true,
      warnings: builder.warnings, inputLayout: "NCHW")
  }

  /// The operators the importer maps (domain `ai.onnx`).
  public static let supportedOperators: Set<String> = [
    "Conv", "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Relu", "LeakyRelu", "PRelu", "Elu", "Selu", "Sigmoid",
    "Tanh", "HardSigmoid", "HardSwish", "Softmax", "LogSoftmax", "MaxPool", "AveragePool", "GlobalAveragePool",
    "GlobalMaxPool", "BatchNormalization", "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Concat",
    "Split", "Slice", "Pad", "Gather", "ReduceMean", "ReduceSum", "ReduceMax", "Clip", "Constant", "Identity",
    "Dropout", "Shape", "Cast", "Resize", "Upsample", "ConvTranspose",
    "Exp", "Log", "Abs", "Erf", "Floor", "Ceil", "Sin", "Cos", "Sign", "Neg", "Sqrt", "Reciprocal", "Softplus", "Softsign",
    "Max", "Min", "Pow", "Sum", "LSTM", "GRU", "RNN",
    "Expand", "ReduceMin", "ReduceProd", "Mod",
    // Evaluated at import from constants (the shape arithmetic PyTorch and tf2onnx write).
    "Size", "ConstantOfShape", "Range", "Where", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or", "Xor",
  ]
}

/// An attribute reader over plain values, for building `NNFunction`s from ONNX attributes.
struct ValueAttributes: FunctionAttributeReader {
  var values: [String: Any] = [:]
  func int(_ name: String) throws -> Int? { values[name] as? Int }
  func ints(_ name: String) throws -> [Int]? { values[name] as? [Int] }
  func double(_ name: String) throws -> Double? { values[name] as? Double }
  func doubles(_ name: String) throws -> [Double]? { values[name] as? [Double] }
  func bool(_ name: String) throws -> Bool? { values[name] as? Bool }
  func string(_ name: String) throws -> String? { values[name] as? String }
  func shape(_ name: String) throws -> [Int]? { values[name] as? [Int] }
}

struct ONNXImportError: Error { var message: String }

struct ONNXGraphBuilder {
  let model: ONNXModel
  let directory: String?
  let opset: Int
  var tensors: [TensorInfo] = []
  var index: [String: Int] = [:]
  var nodes: [Node] = []
  var constants: [String: ONNXTensor] = [:]
  /// How many nodes (and graph outputs) read each name.
  var uses: [String: Int] = [:]
  var producer: [String: Int] = [:]
  var warnings: [Diagnostic] = []
  var quantized = ONNXQuantizationState()

  init(model: ONNXModel, directory: String?) {
    self.model = model
    self.directory = directory
    opset = Int(clamping: model.opset)
  }

  mutating func build() throws -> ModelGraph {
    let g = model.graph
    // Everything unsupported at once, before any mapping.
    var unsupported: [(String, String)] = []
    for n in g.nodes where !ONNXImporter.supports(n) {
      unsupported.append((n.domain.isEmpty || n.domain == "ai.onnx" ? n.opType : "\(n.domain).\(n.opType)", n.name))
    }
    if !unsupported.isEmpty {
      var types: [String] = []
      var names: [String: [String]] = [:]
      for (t, n) in unsupported {
        if names[t] == nil { types.append(t) }
        names[t, default: []].append(n)
      }
      let listed = types.map { t in
        "\(t) (" + names[t]!.prefix(3).map { "'\($0)'" }.joined(separator: ", ") + (names[t]!.count > 3 ? ", …" : "") + ")"
      }
      let noun = types.count == 1 ? "operator is" : "operators are"
      throw DiagnosticError("\(types.count) ONNX \(noun) not supported (opset \(opset)): \(listed.joined(separator: ", "))")
    }
    // Attributes and optional inputs no mapping computes, on every node at once.
    var refusedAttributes: [String] = []
    for n in g.nodes {
      let refused: [String]
      do { refused = try unsupportedAttributes(n) } catch let e as ONNXImportError { refused = [e.message] }
      if !refused.isEmpty { refusedAttributes.append("'\(n.name)' (\(n.opType)): \(refused.joined(separator: ", "))") }
    }
    if !refusedAttributes.isEmpty {
      let noun = refusedAttributes.count == 1 ? "node uses" : "nodes use"
      throw DiagnosticError(
        "\(refusedAttributes.count) ONNX \(noun) attributes nncompile does not support (opset \(opset)): \(refusedAttributes.joined(separator: "; "))")
    }
    for var t in g.initializers {
      if t.external != nil { t = try loadExternal(t) }
      constants[t.name] = t
    }
    for n in g.nodes { for i in n.inputs where !i.isEmpty { uses[i, default: 0] += 1 } }
    for o in g.outputs { uses[o.name, default: 0] += 1 }

    var inputs: [Int] = []
    for v in g.inputs where constants[v.name] == nil {
      guard let dims = v.shape else { throw DiagnosticError("input '\(v.name)' has no declared shape; nncompile needs static shapes") }
      var shape: [Int] = []
      for (axis, d) in dims.enumerated() {
        switch d {
        case .value(let n) where n > 0: shape.append(n)
        case .param where axis == 0, .value(0) where axis == 0: shape.append(1)
        case .value(let n): throw DiagnosticError("input '\(v.name)' has dimension \(n) at axis \(axis)")
        case .param(let p):
          throw DiagnosticError("input '\(v.name)' has the dynamic dimension '\(p)' at axis \(axis); only the leading batch dimension may be dynamic")
        }
      }
      if v.elementType != 0 && v.elementType != ONNXTensor.float {
        throw DiagnosticError("input '\(v.name)' is \(ONNXTensor.typeName(v.elementType)); nncompile compiles float inputs")
      }
      do { _ = try ShapeLimits.elementCount(shape) } catch { throw DiagnosticError("input '\(v.name)': \(error.message)") }
      inputs.append(add(TensorInfo(name: v.name, shape: shape)))
    }
    guard !inputs.isEmpty else { throw DiagnosticError("the graph has no input") }

    for n in g.nodes {
      do {
        try map(n)
      } catch let e as ONNXImportError {
        throw DiagnosticError(e.message, at: "node '\(n.name)' (\(n.opType))")
      } catch let e as ShapeError {
        throw DiagnosticError(e.message, at: "node '\(n.name)' (\(n.opType))")
      } catch let e as FunctionAttributeError {
        throw DiagnosticError(e.description, at: "node '\(n.name)' (\(n.opType))")
      }
    }
    var outputs: [Int] = []
    for o in g.outputs {
      guard let i = index[o.name] else {
        if constants[o.name] != nil { throw DiagnosticError("output '\(o.name)' is a constant: the model computes nothing from its inputs") }
        throw DiagnosticError("output '\(o.name)' is never computed")
      }
      outputs.append(i)
    }
    var graph = ModelGraph(name: g.name.isEmpty ? "onnx" : g.name, tensors: tensors, nodes: nodes, inputs: inputs, outputs: outputs)
    Self.removeIdentities(&graph)
    guard !graph.nodes.isEmpty else { throw DiagnosticError("the graph computes nothing: its outputs are its inputs") }
    return graph
  }

  /// Identity, Dropout and Cast, and Transpose pairs that cancel, copy nothing: their consumers
  /// read the source instead (or, for a graph output, the source's producer writes the output).
  static func removeIdentities(_ g: inout ModelGraph) {
    var k = 0
    while k < g.nodes.count {
      guard case .identity = g.nodes[k].op, let source = g.nodes[k].inputs.first, let o = g.nodes[k].outputs.first,
        g.tensors[o].quantization == nil || g.tensors[o].quantization == g.tensors[source].quantization  // not a requantization
      else {
        k += 1
        continue
      }
      let keep: (from: Int, to: Int)
      if !g.outputs.contains(o) {
        keep = (o, source)
      } else if let p = g.nodes.firstIndex(where: { $0.outputs.contains(source) }), !g.outputs.contains(source) {
        g.nodes[p].outputs = g.nodes[p].outputs.map { $0 == source ? o : $0 }
        keep = (source, o)
      } else {
        k += 1
        continue
      }
      g.nodes.remove(at: k)
      for j in g.nodes.indices { g.nodes[j].inputs = g.nodes[j].inputs.map { $0 == keep.from ? keep.to : $0 } }
    }
    // Drop the tensors nothing refers to any more, renumbering the rest.
    var used = Set(g.inputs).union(g.outputs)
    for n in g.nodes { used.formUnion(n.inputs); used.formUnion(n.outputs) }
    guard used.count < g.tensors.count else { return }
    var newIndex = [Int](repeating: -1, count: g.tensors.count)
    var tensors: [TensorInfo] = []
    for (i, t) in g.tensors.enumerated() where used.contains(i) {
      newIndex[i] = tensors.count
      tensors.append(t)
    }
    g.tensors = tensors
    g.inputs = g.inputs.map { newIndex[$0] }
    g.outputs = g.outputs.map { newIndex[$0] }
    for j in g.nodes.indices {
      g.nodes[j].inputs = g.nodes[j].inputs.map { newIndex[$0] }
      g.nodes[j].outputs = g.nodes[j].outputs.map { newIndex[$0] }
    }
  }

  /// The attributes (and optional inputs) of `n` that its mapping would refuse.
  func unsupportedAttributes(_ n: ONNXNode) throws -> [String] {
    var refused: [String] = []
    switch n.opType {
    case "LSTM", "GRU", "RNN": refused = try recurrentRefusals(n)
    case "MaxPool", "AveragePool":
      if let d = try ints(n, "dilations"), d.contains(where: { $0 != 1 }) { refused.append("dilations \(d)") }
      if try int(n, "storage_order", 0) != 0 { refused.append("storage_order") }
    case "Resize", "Upsample":
      let mode = try string(n, "mode", "nearest")
      if !["nearest", "linear", "bilinear", "trilinear"].contains(mode) { refused.append("mode '\(mode)'") }
    case "Pad":
      let mode = try string(n, "mode", "constant")
      if !["constant", "reflect", "edge"].contains(mode) { refused.append("mode '\(mode)'") }
    default: break
    }
    return refused
  }

  func loadExternal(_ t: ONNXTensor) throws -> ONNXTensor {
    let location = t.external?["location"] ?? ""
    guard !location.isEmpty, !location.hasPrefix("/"), !location.split(separator: "/").contains("..") else {
      throw DiagnosticError("initializer '\(t.name)' keeps its data in '\(location)', which is not a file next to the model")
    }
    guard let directory else {
      throw DiagnosticError("initializer '\(t.name)' keeps its data in the external file '\(location)'; load the model from a file")
    }
    let path = directory + "/" + location
    var t = t
    do {
      let bytes = try RegularFile.read(path, limit: ModelLimits.fileBytes, kind: ModelLimits.kind)
      try t.loadExternal(bytes)
    } catch let e as FileReadError {
      throw DiagnosticError("initializer '\(t.name)': external data '\(location)': \(e.problem)")
    } catch let e as FormatError {
      throw DiagnosticError(e.description)
    }
    return t
  }

  // MARK: - Tensors

  mutating func add(_ t: TensorInfo) -> Int {
    tensors.append(t)
    index[t.name] = tensors.count - 1
    return tensors.count - 1
  }

  func fail(_ message: String) -> ONNXImportError { ONNXImportError(message: message) }

  /// The graph tensor for `name`, a constant becoming a parameter tensor on first use.
  mutating func runtime(_ name: String) throws -> Int {
    if let i = index[name] { return i }
    guard let c = constants[name] else { throw fail("input '\(name)' is not computed before this node") }
    let shape = c.dims.isEmpty ? [1] : c.dims
    guard c.elementCount > 0 else { throw fail("constant '\(name)' is empty (shape \(c.dims))") }
    return add(TensorInfo(name: name, shape: shape, data: FloatTensor(shape: shape, values: c.values.map { Float($0) })))
  }

  mutating func parameter(_ name: String, shape: [Int], values: [Float]) -> Int {
    var unique = name
    while index[unique] != nil { unique += "'" }
    return add(TensorInfo(name: unique, shape: shape, data: FloatTensor(shape: shape, values: values)))
  }

  func shape(_ name: String) throws -> [Int] {
    if let i = index[name] { return tensors[i].shape }
    if let c = constants[name] { return c.dims }
    throw fail("input '\(name)' is not computed before this node")
  }

  /// Appends a node computing `op` into a new tensor `output`.
  @discardableResult
  mutating func emit(_ op: Op, _ inputs: [Int], _ output: String, node: String) throws -> Int {
    let shape: [Int]
    if case .function = op {
      let shapes = try ShapeInference.outputShapes(of: op, inputs: inputs.map { tensors[$0].shape })
      guard shapes.count == 1 else { throw fail("\(op.typeName) computes \(shapes.count) outputs here, expected 1") }
      shape = shapes[0]
    } else {
      shape = try ShapeInference.outputShape(of: op, inputs: inputs.map { tensors[$0].shape })
    }
    let out = add(TensorInfo(name: output, shape: shape))
    producer[output] = nodes.count
    nodes.append(Node(name: node, op: op, inputs: inputs, outputs: [out]))
    return out
  }

  func function(_ name: String, _ attributes: [String: Any], _ inputShapes: [[Int]]) throws -> Op {
    guard let op = try FunctionRegistry.op(name, attributes: ValueAttributes(values: attributes), inputShapes: inputShapes) else {
      throw fail("nncompile has no \(name) function")
    }
    return op
  }

  // MARK: - Attributes

  func int(_ n: ONNXNode, _ name: String, _ absent: Int) throws -> Int {
    switch n.attributes[name] {
    case nil: return absent
    case .int(let v): return Int(clamping: v)
    default: throw fail("attribute '\(name)' must be an int")
    }
  }

  func ints(_ n: ONNXNode, _ name: String) throws -> [Int]? {
    switch n.attributes[name] {
    case nil: return nil
    case .ints(let v): return v.map { Int(clamping: $0) }
    case .int(let v): return [Int(clamping: v)]
    default: throw fail("attribute '\(name)' must be a list of ints")
    }
  }

  func float(_ n: ONNXNode, _ name: String, _ absent: Float) throws -> Float {
    switch n.attributes[name] {
    case nil: return absent
    case .float(let v): return v
    case .int(let v): return Float(v)
    default: throw fail("attribute '\(name)' must be a float")
    }
  }

  func string(_ n: ONNXNode, _ name: String, _ absent: String) throws -> String {
    switch n.attributes[name] {
    case nil: return absent
    case .string(let v): return v
    default: throw fail("attribute '\(name)' must be a string")
    }
  }

  /// Input `k` of `n`, nil when absent or omitted ("").
  func input(_ n: ONNXNode, _ k: Int) -> String? {
    k < n.inputs.count && !n.inputs[k].isEmpty ? n.inputs[k] : nil
  }

  func constantInput(_ n: ONNXNode, _ k: Int, _ what: String) throws -> ONNXTensor? {
    guard let name = input(n, k) else { return nil }
    guard let c = constants[name] else { throw fail("\(what) ('\(name)') must be a constant") }
    return c
  }

  func intList(_ t: ONNXTensor) -> [Int] { t.values.map { Self.clampInt($0) } }

  static func clampInt(_ d: Double) -> Int {
    guard d.isFinite else { return d > 0 ? Int.max / 4 : d < 0 ? -(Int.max / 4) : 0 }
    return Int(max(min(d, Double(Int.max / 4)), -Double(Int.max / 4)))
  }

  func axis(_ a: Int, rank: Int) throws -> Int {
    let r = a < 0 ? a + rank : a
    guard r >= 0, r < rank else { throw fail("axis \(a) is out of range for rank \(rank)") }
    return r
  }
}
