import NNFormats
import NNFunctions
import NNIR

/// Reads a float32 `.tflite` (first subgraph) into a `ModelGraph`.
///
/// TFLite is NHWC, nncompile's IR NCHW: every rank-4 activation is held NCHW inside the graph,
/// weights are transposed at import (CONV_2D `[O,H,W,I]` → `[O,I,H,W]`, DEPTHWISE_CONV_2D
/// `[1,H,W,C·m]` → `[C·m,H,W]`, FULLY_CONNECTED `[out,in]` → Affine `[in,out]`), and where TFLite's
/// element order matters (RESHAPE, FULLY_CONNECTED, STRIDED_SLICE, TRANSPOSE, MEAN over other
/// axes) the activation is transposed back to NHWC first. The graph takes its inputs and gives
/// its rank-4 outputs NHWC, as TFLite does (a Transpose at each). Constant int8 tensors (hybrid
/// models' weights, DEQUANTIZE of a constant) are dequantized with the file's scale and zero point.
public enum TFLiteImporter {
  public static func importModel(bytes: [UInt8]) throws -> ImportedModel {
    let model = try TFLiteModel(bytes: bytes)
    guard let subgraph = model.subgraphs.first else { throw DiagnosticError("the model holds no subgraph") }
    var builder = TFLiteGraphBuilder(model: model, subgraph: subgraph)
    let graph = try builder.build()
    var imported = ImportedModel(
      graph: graph, networkNames: model.subgraphs.enumerated().map { $0.element.name.isEmpty ? "subgraph\($0.offset)" : $0.element.name },
      executorName: nil, noImageNormalization: true, inputLayout: "NHWC")
    imported.warnings = builder.warnings
    return imported
  }

  /// The operators imported (float32).
  public static let supported: Set<Int32> = [
    TFLiteOp.conv2D, TFLiteOp.depthwiseConv2D, TFLiteOp.fullyConnected, TFLiteOp.add, TFLiteOp.sub, TFLiteOp.mul,
    TFLiteOp.averagePool2D, TFLiteOp.maxPool2D, TFLiteOp.mean, TFLiteOp.softmax, TFLiteOp.logistic, TFLiteOp.tanh,
    TFLiteOp.relu, TFLiteOp.relu6, TFLiteOp.reluN1To1, TFLiteOp.leakyRelu, TFLiteOp.hardSwish, TFLiteOp.reshape,
    TFLiteOp.concatenation, TFLiteOp.pad, TFLiteOp.stridedSlice, TFLiteOp.transpose, TFLiteOp.dequantize,
    TFLiteOp.quantize,
  ]
}

struct TFLiteGraphBuilder {
  let model: TFLiteModel
  let subgraph: TFLiteSubGraph
  var tensors: [TensorInfo] = []
  var nodes: [Node] = []
  /// TFLite tensor → IR tensor (rank 4 held NCHW).
  var map: [Int: Int] = [:]
  /// Constants computed at import (DEQUANTIZE of a constant), in TFLite layout.
  var folded: [Int: FloatTensor] = [:]
  /// The quantized constant each DEQUANTIZE'd one came from (hybrid models' weights), whose codes
  /// an int8 build keeps.
  var dequantizedFrom: [Int: Int32] = [:]
  var names: Set<String> = []
  var warnings: [Diagnostic] = []
  var parameterElements = 0
  static let maxParameterElements = 1 << 24

  init(model: TFLiteModel, subgraph: TFLiteSubGraph) {
    self.model = model
    self.subgraph = subgraph
  }

  // MARK: - Layout

  static let toNCHW = [0, 3, 1, 2]
  static let toNHWC = [0, 2, 3, 1]

  func tensor(_ t: Int32, _ what: String) throws -> TFLiteTensor {
    guard t >= 0, Int(t) < subgraph.tensors.count else {
      throw DiagnosticError("\(what) names tensor \(t); the subgraph has \(subgraph.tensors.count)")
    }
    return subgraph.tensors[Int(t)]
  }

  func shape(_ t: TFLiteTensor) throws -> [Int] {
    let s = t.shape.map(Int.init)
    guard s.allSatisfy({ $0 > 0 }), (try? ShapeLimits.elementCount(s)) != nil else {
      throw DiagnosticError("tensor '\(t.name)' has shape \(t.shape); only static positive shapes can be compiled")
    }
    return s
  }

  static func irShape(_ s: [Int]) -> [Int] { s.count == 4 ? [s[0], s[3], s[1], s[2]] : s }

  mutating func unique(_ name: String) -> String {
    var n = name.isEmpty ? "t" : name
    var i = 1
    while names.contains(n) {
      i += 1
      n = "\(name)_\(i)"
    }
    names.insert(n)
    return n
  }

  /// A constant; all of them together may hold at most `maxParameterElements` floats (one buffer
  /// may be named by many tensors, so the file's size does not bound them).
  mutating func addParameter(_ name: String, _ shape: [Int], data: FloatTensor) throws -> Int {
    parameterElements += data.count
    guard parameterElements <= Self.maxParameterElements else {
      throw DiagnosticError("the constants add up to more than \(Self.maxParameterElements) values (64 MiB of float32); no target can hold that")
    }
    return addTensor(Self.shortName(name), shape, data: data)
  }

  mutating func addTensor(_ name: String, _ shape: [Int], data: FloatTensor? = nil) -> Int {
    tensors.append(TensorInfo(name: unique(name), shape: shape, data: data))
    return tensors.count - 1
  }

  /// A node whose output shape, checked by `ShapeInference`, must be `shape` (what the file says).
  mutating func emit(_ op: Op, _ inputs: [Int], shape: [Int], name: String) throws -> Int {
    let inferred: [Int]
    do { inferred = try ShapeInference.outputShape(of: op, inputs: inputs.map { tensors[$0].shape }) } catch {
      throw DiagnosticError(error.message)
    }
    guard inferred == shape else { throw DiagnosticError("computes shape \(inferred), the file says \(shape)") }
    let out = addTensor(name, shape)
    nodes.append(Node(name: tensors[out].name, op: op, inputs: inputs, outputs: [out]))
    return out
  }

  static func transposed(_ t: FloatTensor, _ axes: [Int]) -> FloatTensor {
    FloatTensor(shape: axes.map { t.shape[$0] }, values: transposed(t.values, shape: t.shape, axes))
  }

  /// `values` of a tensor of `shape`, its axes permuted (output axis d is input axis `axes[d]`).
  static func transposed<T>(_ values: [T], shape inShape: [Int], _ axes: [Int]) -> [T] {
    let shape = axes.map { inShape[$0] }
    var inStrides = [Int](repeating: 1, count: inShape.count)
    for i in stride(from: inShape.count - 2, through: 0, by: -1) { inStrides[i] = inStrides[i + 1] * inShape[i + 1] }
    let strides = axes.map { inStrides[$0] }
    var out: [T] = []
    out.reserveCapacity(values.count)
    var index = [Int](repeating: 0, count: shape.count)
    for _ in 0..<values.count {
      var src = 0
      for d in 0..<shape.count { src += index[d] * strides[d] }
      out.append(values[src])
      var d = shape.count - 1
      while d >= 0 {
        index[d] += 1
        if index[d] < shape[d] { break }
        index[d] = 0
        d -= 1
      }
    }
    return out
  }

  /// An IR activation (rank 4: NCHW) as TFLite holds it (NHWC).
  mutating func toTFLite(_ v: Int, name: String) throws -> Int {
    let s = tensors[v].shape
    guard s.count == 4 else { return v }
    let nhwc = [s[0], s[2], s[3], s[1]]
    // One channel or one pixel: the same element order, a reshape is enough.
    if s[1] == 1 || s[2] * s[3] == 1 { return try emit(.reshape(shape: nhwc), [v], shape: nhwc, name: name + "_nhwc") }
    return try emit(.transpose(axes: Self.toNHWC), [v], shape: nhwc, name: name + "_nhwc")
  }

  /// A TFLite-layout activation back into the IR (rank 4 → NCHW).
  mutating func fromTFLite(_ v: Int, name: String) throws -> Int {
    let s = tensors[v].shape
    guard s.count == 4 else { return v }
    let nchw = Self.irShape(s)
    if s[3] == 1 || s[1] * s[2] == 1 { return try emit(.reshape(shape: nchw), [v], shape: nchw, name: name) }
    return try emit(.transpose(axes: Self.toNCHW), [v], shape: nchw, name: name)
  }

  // MARK: - Constants

  func isConstant(_ t: Int32) -> Bool {
    if folded[Int(t)] != nil { return true }
    guard t >= 0, Int(t) < subgraph.tensors.count else { return false }
    let b = Int(subgraph.tensors[Int(t)].buffer)
    return b > 0 && b < model.buffers.count && !model.buffers[b].isEmpty
  }

  func rawBytes(_ t: TFLiteTensor, count: Int, size: Int) throws -> ArraySlice<UInt8> {
    let b = Int(t.buffer)
    guard b < model.buffers.count else {
      throw DiagnosticError("tensor '\(t.name)' names buffer \(b); the model has \(model.buffers.count)")
    }
    let r = model.buffers[b]
    guard r.count == count * size else {
      throw DiagnosticError("tensor '\(t.name)': buffer \(b) holds \(r.count) bytes, its shape \(t.shape) needs \(count * size)")
    }
    return model.bytes[r]
  }

  /// Little-endian word `i` of `w` bytes in `b`.
  static func word(_ b: ArraySlice<UInt8>, _ i: Int, _ w: Int) -> UInt64 {
    var v: UInt64 = 0
    for k in 0..<w { v |= UInt64(b[b.startIndex + i * w + k]) << (8 * k) }
    return v
  }

  /// A constant as float32 in TFLite layout (int8/uint8/int16 dequantized, int32 converted).
  func constant(_ index: Int32, _ what: String) throws -> FloatTensor {
    if let f = folded[Int(index)] { return f }
    let t = try tensor(index, what)
    guard isConstant(index) else { throw DiagnosticError("\(what): tensor '\(t.name)' must be a constant") }
    let s = try shape(t)
    let n = s.reduce(1, *)
    switch t.type {
    case .float32:
      let b = try rawBytes(t, count: n, size: 4)
      return FloatTensor(shape: s, values: (0..<n).map { Float(bitPattern: UInt32(Self.word(b, $0, 4))) })
    case .int32:
      let b = try rawBytes(t, count: n, size: 4)
      let q = (0..<n).map { Double(Int32(bitPattern: UInt32(Self.word(b, $0, 4)))) }
      return try dequantized(t, s, q)
    case .int64:
      let b = try rawBytes(t, count: n, size: 8)
      return try dequantized(t, s, (0..<n).map { Double(Int64(bitPattern: Self.word(b, $0, 8))) })
    case .int8:
      let b = try rawBytes(t, count: n, size: 1)
      return try dequantized(t, s, (0..<n).map { Double(Int8(bitPattern: b[b.startIndex + $0])) })
    case .uint8:
      let b = try rawBytes(t, count: n, size: 1)
      return try dequantized(t, s, (0..<n).map { Double(b[b.startIndex + $0]) })
    case .int16:
      let b = try rawBytes(t, count: n, size: 2)
      return try dequantized(t, s, (0..<n).map { Double(Int16(bitPattern: UInt16(Self.word(b, $0, 2)))) })
    default:
      throw DiagnosticError("tensor '\(t.name)' is \(t.type?.name ?? "type \(t.typeCode)"); constants must be FLOAT32 or integer")
    }
  }

  /// real = scale·(q − zero_point), per channel along quantized_dimension; no quantization: q itself.
  func dequantized(_ t: TFLiteTensor, _ s: [Int], _ q: [Double]) throws -> FloatTensor {
    guard let qp = t.quantization, !qp.scale.isEmpty else { return FloatTensor(shape: s, values: q.map { Float($0) }) }
    let channels = qp.scale.count
    let dim = Int(qp.quantizedDimension)
    guard channels == 1 || (dim >= 0 && dim < s.count && s[dim] == channels),
      qp.zeroPoint.isEmpty || qp.zeroPoint.count == channels
    else {
      throw DiagnosticError("tensor '\(t.name)': \(channels) scales and \(qp.zeroPoint.count) zero points do not fit shape \(s) along dimension \(dim)")
    }
    let inner = channels == 1 ? 1 : s[(dim + 1)...].reduce(1, *)
    let values = q.indices.map { i -> Float in
      let c = channels == 1 ? 0 : (i / inner) % channels
      let zp = qp.zeroPoint.isEmpty ? 0 : Double(qp.zeroPoint[c])
      return Float(Double(qp.scale[c]) * (q[i] - zp))
    }
    return FloatTensor(shape: s, values: values)
  }

  /// The integers an int8 or int32 constant stores (TFLite layout), for the int8 build.
  func codes(_ index: Int32, _ what: String) throws -> [Int32]? {
    let t = try tensor(index, what)
    guard folded[Int(index)] == nil, isConstant(index), t.quantization.map({ !$0.scale.isEmpty }) == true else { return nil }
    let n = try shape(t).reduce(1, *)
    switch t.type {
    case .int8:
      return try rawBytes(t, count: n, size: 1).map { Int32(Int8(bitPattern: $0)) }
    case .int32:
      let b = try rawBytes(t, count: n, size: 4)
      return (0..<n).map { Int32(bitPattern: UInt32(Self.word(b, $0, 4))) }
    default: return nil
    }
  }

  /// The file's quantization of a tensor for the IR: the scales along IR axis `axis`, and for a
  /// constant its `codes` already in the IR layout. nil when the tensor is not int8/int32 quantized.
  func fileQuantization(_ t: TFLiteTensor, axis: Int = 0, codes: [Int32]? = nil) throws -> FileQuantization? {
    guard t.type == .int8 || t.type == .int32, let q = t.quantization, !q.scale.isEmpty else { return nil }
    guard q.scale.allSatisfy({ $0 > 0 && $0.isFinite }) else {
      throw DiagnosticError("tensor '\(t.name)' has quantization scales \(q.scale); they must be positive and finite")
    }
    let zeroPoints = q.zeroPoint.map { Int32(clamping: $0) }
    if codes == nil {  // an activation: one scale, an int8 zero point
      guard q.scale.count == 1, zeroPoints.count <= 1, (zeroPoints.first ?? 0) >= -128, (zeroPoints.first ?? 0) <= 127 else {
        throw DiagnosticError("activation '\(t.name)' has \(q.scale.count) scales and zero points \(q.zeroPoint); int8 needs one of each, the zero point in -128...127")
      }
    }
    return FileQuantization(scales: q.scale, zeroPoints: zeroPoints.isEmpty ? [0] : zeroPoints, axis: axis, codes: codes)
  }

  /// Gives the IR tensors `irTensors` the file's quantization of TFLite tensor `index` (an int8 activation).
  mutating func quantizeAsFile(_ irTensors: [Int], _ index: Int32) throws {
    guard let fq = try fileQuantization(try tensor(index, "output")) else { return }
    for v in irTensors where tensors[v].data == nil { tensors[v].quantization = fq }
  }

  func ints(_ index: Int32, _ what: String) throws -> [Int] {
    try constant(index, what).values.map { v in
      guard v.isFinite, abs(v) < 1e9 else { throw DiagnosticError("\(what) holds \(v), not a small integer") }
      return Int(v)
    }
  }

  /// The IR value of a TFLite tensor: an earlier output, or a constant (rank 4 transposed to NCHW).
  mutating func value(_ index: Int32, _ what: String) throws -> Int {
    if let v = map[Int(index)] { return v }
    let t = try tensor(index, what)
    guard isConstant(index) else { throw DiagnosticError("\(what): tensor '\(t.name)' is used before it is computed") }
    var c = try constant(index, what)
    if c.shape.count == 4 { c = Self.transposed(c, Self.toNCHW) }
    let v = try addParameter(t.name, c.shape, data: c)
    map[Int(index)] = v
    return v
  }

  /// A constant operand broadcast (numpy, NHWC) against a rank-4 activation: as `[1,C,1,1]`-style NCHW.
  mutating func broadcastOperand(_ index: Int32, rank: Int, _ what: String) throws -> Int {
    if let v = map[Int(index)] { return v }
    guard rank == 4, isConstant(index) else { return try value(index, what) }
    var c = try constant(index, what)
    guard c.shape.count < 4 else { return try value(index, what) }
    c = FloatTensor(shape: [Int](repeating: 1, count: 4 - c.shape.count) + c.shape, values: c.values)
    c = Self.transposed(c, Self.toNCHW)
    let t = try tensor(index, what)
    return try addParameter(t.name, c.shape, data: c)
  }

  // MARK: - Build

  mutating func build() throws -> ModelGraph {
    let codes = model.operatorCodes
    var unsupported: [String] = []
    for (i, op) in subgraph.operators.enumerated() {
      guard Int(op.opcodeIndex) < codes.count else {
        throw DiagnosticError("operator \(i) names operator code \(op.opcodeIndex); the model has \(codes.count)")
      }
      let code = codes[Int(op.opcodeIndex)]
      if !TFLiteImporter.supported.contains(code.builtinCode) { unsupported.append("#\(i) \(code.name)") }
    }
    if !unsupported.isEmpty {
      throw DiagnosticError("unsupported TFLite operator\(unsupported.count == 1 ? "" : "s"): \(unsupported.joined(separator: ", "))")
    }

    var inputs: [Int] = []
    for i in subgraph.inputs {
      let t = try tensor(i, "subgraph input")
      guard t.type == .float32 || t.type == .int8 else {
        throw DiagnosticError("input '\(t.name)' is \(t.type?.name ?? "type \(t.typeCode)"); float32 and int8 models can be imported")
      }
      let s = try shape(t)
      let v = addTensor(t.name, s)
      // An int8 input: the compiled model takes float and quantizes it with the file's parameters
      // (its int8 entry point takes the codes as they are).
      tensors[v].quantization = try fileQuantization(t)
      inputs.append(v)
      map[Int(i)] = try fromTFLite(v, name: t.name + "_nchw")
    }
    for (i, op) in subgraph.operators.enumerated() {
      let code = codes[Int(op.opcodeIndex)]
      do {
        try convert(op, code: code.builtinCode)
      } catch let e as DiagnosticError {
        throw DiagnosticError(e.diagnostics.map { d in
          var d = d
          d.message = "operator #\(i) \(code.name): \(d.message)"
          return d
        })
      }
    }
    var outputs: [Int] = []
    for o in subgraph.outputs {
      let t = try tensor(o, "subgraph output")
      guard let v = map[Int(o)] else { throw DiagnosticError("output '\(t.name)' is never computed") }
      if tensors[v].shape.count == 4 {
        names.remove(tensors[v].name)
        tensors[v].name = unique(t.name + "_nchw")
        for n in nodes.indices where nodes[n].outputs == [v] { nodes[n].name = tensors[v].name }
        outputs.append(try toTFLite(v, name: t.name))
        // toTFLite appends "_nhwc"; the graph output keeps the TFLite name.
        let last = outputs[outputs.count - 1]
        names.remove(tensors[last].name)
        tensors[last].name = unique(t.name)
        nodes[nodes.count - 1].name = tensors[last].name
      } else {
        outputs.append(v)
      }
    }
    let quantized = tensors.contains { $0.data == nil && $0.quantization != nil }
    return ModelGraph(
      name: subgraph.name.isEmpty ? "main" : subgraph.name, tensors: tensors, nodes: nodes, inputs: inputs, outputs: outputs,
      int8Rules: quantized ? .tflite : .nncompile)
  }

  func options(_ op: TFLiteOperator) -> TFLiteOptions? { op.options }

  mutating func activation(_ v: Int, _ code: Int8, name: String) throws -> Int {
    let s = tensors[v].shape
    switch TFLiteActivation(rawValue: code) {
    case .none?: return v
    case .relu?: return try emit(.relu, [v], shape: s, name: name)
    case .relu6?: return try emit(.relu6, [v], shape: s, name: name)
    case .reluN1To1?: return try emit(.function(FunctionCall(HardTanh())), [v], shape: s, name: name)
    case .tanh?: return try emit(.tanh, [v], shape: s, name: name)
    default: throw DiagnosticError("fused activation \(code) is not supported")
    }
  }

  /// What TFLite's hybrid CONV_2D (per-tensor int8 filter, float input) computes on: the input
  /// quantized per batch as `SymmetricQuantizeFloats` does, q = round(x · (127 / max|x|)), and
  /// back, x' = q · max|x| / 127 (the integer products are exact, so convolving x' with the
  /// dequantized filter gives TFLite's sums up to float rounding). An all-zero input stays zero.
  mutating func dynamicallyQuantized(_ x: Int, name: String) throws -> Int {
    let s = tensors[x].shape
    let one = [s[0]] + [Int](repeating: 1, count: s.count - 1)
    let abs = try emit(.function(FunctionCall(Abs())), [x], shape: s, name: name + "_abs")
    var range = try emit(.function(FunctionCall(Max(axes: Array(1..<s.count), keepDims: true))), [abs], shape: one, name: name + "_range")
    range = try emit(.function(FunctionCall(MaximumScalar(val: 1e-30))), [range], shape: one, name: name + "_range_nonzero")
    let inverse = try emit(.function(FunctionCall(RDivScalar(val: 127))), [range], shape: one, name: name + "_range_inv")
    var q = try emit(.mul2, [x, inverse], shape: s, name: name + "_scaled")
    q = try emit(.function(FunctionCall(Round())), [q], shape: s, name: name + "_q")
    let step = try emit(.mulScalar(value: 1.0 / 127.0), [range], shape: one, name: name + "_step")
    return try emit(.mul2, [q, step], shape: s, name: name + "_dequantized")
  }

  /// The padding (before, after) of one spatial axis.
  static func padding(_ p: Int8, input: Int, output: Int, kernel: Int, stride: Int, dilation: Int) -> (Int, Int) {
    guard p == TFLitePadding.same.rawValue else { return (0, 0) }
    let total = max((output - 1) * stride + (kernel - 1) * dilation + 1 - input, 0)
    return (total / 2, total - total / 2)
  }

  /// Gives IR parameter `v` (made from TFLite constant `index`) the file's codes and scales, so
  /// the int8 build keeps them: `layout` puts the codes in the IR order, and the per-channel
  /// scales must run along the file's `fileAxis` (the output channels), `irAxis` in the IR.
  mutating func attachWeightCodes(_ v: Int, _ index: Int32, fileAxis: Int, irAxis: Int, layout: ([Int32]) -> [Int32]) throws {
    let index = dequantizedFrom[Int(index)] ?? index
    let t = try tensor(index, "weights")
    guard let c = try codes(index, "weights"), let q = t.quantization else { return }
    guard q.scale.count == 1 || Int(q.quantizedDimension) == fileAxis else {
      throw DiagnosticError("'\(t.name)' is quantized along dimension \(q.quantizedDimension); int8 needs its output channels (dimension \(fileAxis))")
    }
    tensors[v].quantization = try fileQuantization(t, axis: irAxis, codes: layout(c))
  }

  /// A layer's weights or bias keep their own name, unless the converter gave them one joined
  /// with ';' (int8 files: the fused ops' names, first the layer's own): then `<layer>/<role>`.
  static func parameterName(_ tensorName: String, of layer: String, _ role: String) -> String {
    tensorName.contains(";") ? layer + "/" + role : tensorName
  }

  /// An operator with int8 weights on float activations (TFLite's hybrid kernels).
  func isHybrid(_ op: TFLiteOperator) throws -> Bool {
    guard op.inputs.count > 1 else { return false }
    let w = try tensor(op.inputs[1], "weights")
    let x = try tensor(op.inputs[0], "input")
    return (w.type == .int8 || w.type == .uint8) && x.type == .float32
  }

  /// A readable name for a tensor: TFLite's converter joins the names of every op it fused with
  /// ';' (the first is the op the tensor comes out of).
  static func shortName(_ name: String) -> String {
    String(name.split(separator: ";", omittingEmptySubsequences: true).first ?? Substring(name))
  }

  mutating func convert(_ op: TFLiteOperator, code: Int32) throws {
    func input(_ i: Int) throws -> Int32 {
      guard i < op.inputs.count else { throw DiagnosticError("has \(op.inputs.count) inputs, needs at least \(i + 1)") }
      return op.inputs[i]
    }
    guard let outIndex = op.outputs.first else { throw DiagnosticError("has no output") }
    let out = try tensor(outIndex, "output")
    let outShape = try shape(out)
    let irOut = Self.irShape(outShape)
    let name = Self.shortName(out.name)
    func hasInput(_ i: Int) -> Bool { i < op.inputs.count && op.inputs[i] >= 0 }
    var result: Int

    switch code {
    case TFLiteOp.dequantize:
      guard isConstant(try input(0)) else {
        // int8 → float: the graph holds the real values already; the int8 build dequantizes
        // where a float reader needs them, with the same formula.
        map[Int(outIndex)] = try value(try input(0), "input")
        return
      }
      folded[Int(outIndex)] = try constant(try input(0), "input")
      dequantizedFrom[Int(outIndex)] = try input(0)
      return

    case TFLiteOp.quantize:
      let x = try value(try input(0), "input")
      let inT = try tensor(try input(0), "input")
      if inT.type == .float32, tensors[x].quantization == nil {
        // float → int8: the int8 build quantizes the float tensor with these parameters.
        tensors[x].quantization = try fileQuantization(out)
        map[Int(outIndex)] = x
        return
      }
      // int8 → int8 with other parameters: a requantization.
      result = try emit(.identity, [x], shape: tensors[x].shape, name: name)
      try quantizeAsFile([result], outIndex)

    case TFLiteOp.conv2D, TFLiteOp.depthwiseConv2D:
      var x = try value(try input(0), "input")
      let xs = tensors[x].shape
      guard xs.count == 4, outShape.count == 4 else { throw DiagnosticError("input and output must be rank 4") }
      let filter = try constant(try input(1), "filter")
      let filterTensor = try tensor(try input(1), "filter")
      if try isHybrid(op) {
        // A hybrid operator: float activations, int8 weights.
        if code == TFLiteOp.conv2D, filterTensor.quantization?.scale.count == 1 {
          x = try dynamicallyQuantized(x, name: name)
        } else {
          warnings.append(Diagnostic(.warning, "hybrid \(TFLiteOp.name(code)) '\(name)' (int8 weights with per-channel scales) is computed in float; TFLite quantizes its input to int8 on the fly, so its outputs differ by about 1e-2 of the range"))
        }
      }
      guard filter.shape.count == 4 else { throw DiagnosticError("filter has shape \(filter.shape)") }
      let (kh, kw) = (filter.shape[1], filter.shape[2])
      let padding: Int8, sw: Int32, sh: Int32, dw: Int32, dh: Int32, act: Int8
      var multiplier: Int32 = 1
      switch op.options {
      case let .conv2D(p, w, h, a, dW, dH)?: (padding, sw, sh, act, dw, dh) = (p, w, h, a, dW, dH)
      case let .depthwiseConv2D(p, w, h, m, a, dW, dH)?: (padding, sw, sh, act, dw, dh, multiplier) = (p, w, h, a, dW, dH, m)
      default: throw DiagnosticError("has no convolution options")
      }
      guard sw > 0, sh > 0, dw > 0, dh > 0 else { throw DiagnosticError("stride (\(sh), \(sw)) and dilation (\(dh), \(dw)) must be positive") }
      let ph = Self.padding(padding, input: xs[2], output: outShape[1], kernel: kh, stride: Int(sh), dilation: Int(dh))
      let pw = Self.padding(padding, input: xs[3], output: outShape[2], kernel: kw, stride: Int(sw), dilation: Int(dw))
      var xin = x
      var pad = [ph.0, pw.0]
      if ph.0 != ph.1 || pw.0 != pw.1 {
        let ps = [xs[0], xs[1], xs[2] + ph.0 + ph.1, xs[3] + pw.0 + pw.1]
        xin = try emit(.pad(PadAttributes(padWidth: [ph.0, ph.1, pw.0, pw.1])), [x], shape: ps, name: name + "_pad")
        pad = [0, 0]
      }
      var ins = [xin]
      let wIndex = try input(1)
      let wName = try tensor(wIndex, "filter").name
      let opIR: Op
      if code == TFLiteOp.conv2D {
        guard filter.shape[3] == xs[1], filter.shape[0] == outShape[3] else {
          throw DiagnosticError("filter \(filter.shape) does not fit input channels \(xs[1]) and output channels \(outShape[3])")
        }
        ins.append(try addParameter(Self.parameterName(wName, of: name, "weights"), [filter.shape[0], filter.shape[3], kh, kw], data: Self.transposed(filter, [0, 3, 1, 2])))
        try attachWeightCodes(ins[ins.count - 1], wIndex, fileAxis: 0, irAxis: 0) { Self.transposed($0, shape: filter.shape, [0, 3, 1, 2]) }
        opIR = .convolution(ConvolutionAttributes(pad: pad, stride: [Int(sh), Int(sw)], dilation: [Int(dh), Int(dw)]))
      } else {
        let oc = filter.shape[3]
        guard filter.shape[0] == 1, oc == outShape[3], xs[1] > 0, oc % xs[1] == 0 else {
          throw DiagnosticError("filter \(filter.shape) does not fit input channels \(xs[1]) and output channels \(outShape[3])")
        }
        let w = Self.transposed(filter, [3, 0, 1, 2])
        ins.append(try addParameter(Self.parameterName(wName, of: name, "weights"), [oc, kh, kw], data: FloatTensor(shape: [oc, kh, kw], values: w.values)))
        try attachWeightCodes(ins[ins.count - 1], wIndex, fileAxis: 3, irAxis: 0) { Self.transposed($0, shape: filter.shape, [3, 0, 1, 2]) }
        opIR = .depthwiseConvolution(
          DepthwiseConvolutionAttributes(pad: pad, stride: [Int(sh), Int(sw)], dilation: [Int(dh), Int(dw)], multiplier: oc / xs[1]))
        _ = multiplier
      }
      if hasInput(2) {
        let b = try constant(try input(2), "bias")
        guard b.count == outShape[3] else { throw DiagnosticError("bias has \(b.count) values for \(outShape[3]) channels") }
        ins.append(try addParameter(Self.parameterName(try tensor(try input(2), "bias").name, of: name, "bias"), [b.count], data: FloatTensor(shape: [b.count], values: b.values)))
        try attachWeightCodes(ins[ins.count - 1], try input(2), fileAxis: 0, irAxis: 0) { $0 }
      }
      result = try emit(opIR, ins, shape: irOut, name: act == 0 ? name : name + "_preact")
      let preact = result
      result = try activation(result, act, name: name)
      try quantizeAsFile([preact, result], outIndex)

    case TFLiteOp.fullyConnected:
      var x = try value(try input(0), "input")
      if try isHybrid(op) {
        warnings.append(Diagnostic(.warning, "hybrid FULLY_CONNECTED '\(name)' (int8 weights) is computed in float; TFLite quantizes its input to int8 on the fly, so its outputs differ by about 1e-2 of the range"))
      }
      x = try toTFLite(x, name: name + "_in")
      let w = try constant(try input(1), "weights")
      guard w.shape.count == 2 else { throw DiagnosticError("weights have shape \(w.shape)") }
      let (units, depth) = (w.shape[0], w.shape[1])
      let xs = tensors[x].shape
      let total = xs.reduce(1, *)
      guard depth > 0, total % depth == 0 else { throw DiagnosticError("input \(xs) does not flatten to rows of \(depth)") }
      let batch = total / depth
      if xs != [batch, depth] { x = try emit(.reshape(shape: [batch, depth]), [x], shape: [batch, depth], name: name + "_flat") }
      var act: Int8 = 0
      if case let .fullyConnected(a, format, _)? = op.options {
        guard format == 0 else { throw DiagnosticError("weights format \(format) is not supported (DEFAULT only)") }
        act = a
      }
      var ins = [x, try addParameter(Self.parameterName(try tensor(try input(1), "weights").name, of: name, "weights"), [depth, units], data: Self.transposed(w, [1, 0]))]
      try attachWeightCodes(ins[1], try input(1), fileAxis: 0, irAxis: 1) { Self.transposed($0, shape: w.shape, [1, 0]) }
      if hasInput(2) {
        let b = try constant(try input(2), "bias")
        guard b.count == units else { throw DiagnosticError("bias has \(b.count) values for \(units) units") }
        ins.append(try addParameter(Self.parameterName(try tensor(try input(2), "bias").name, of: name, "bias"), [units], data: FloatTensor(shape: [units], values: b.values)))
        try attachWeightCodes(ins[2], try input(2), fileAxis: 0, irAxis: 0) { $0 }
      }
      result = try emit(.affine(AffineAttributes()), ins, shape: [batch, units], name: act == 0 ? name : name + "_preact")
      let preact = result
      result = try activation(result, act, name: name)
      try quantizeAsFile([preact, result], outIndex)
      if outShape != [batch, units] {
        guard outShape.reduce(1, *) == batch * units else { throw DiagnosticError("output \(outShape) does not hold \(batch)x\(units)") }
        result = try emit(.reshape(shape: outShape), [result], shape: outShape, name: name + "_out")
        result = try fromTFLite(result, name: name + "_nchw")
      }

    case TFLiteOp.add, TFLiteOp.sub, TFLiteOp.mul:
      let a = try broadcastOperand(try input(0), rank: outShape.count, "input 0")
      let b = try broadcastOperand(try input(1), rank: outShape.count, "input 1")
      for v in [a, b] where tensors[v].shape.count != irOut.count && !(tensors[v].data != nil && tensors[v].elementCount == 1) {
        throw DiagnosticError("operands \(tensors[a].shape) and \(tensors[b].shape) of different ranks are not supported")
      }
      var act: Int8 = 0
      if case let .arithmetic(f)? = op.options { act = f }
      let o: Op = code == TFLiteOp.add ? .add2 : code == TFLiteOp.sub ? .sub2 : .mul2
      result = try emit(o, [a, b], shape: irOut, name: act == 0 ? name : name + "_preact")
      let preact = result
      result = try activation(result, act, name: name)
      try quantizeAsFile([preact, result], outIndex)

    case TFLiteOp.averagePool2D, TFLiteOp.maxPool2D:
      let x = try value(try input(0), "input")
      let xs = tensors[x].shape
      guard xs.count == 4, outShape.count == 4, case let .pool2D(padding, sw, sh, fw, fh, act)? = op.options,
        sw > 0, sh > 0, fw > 0, fh > 0
      else { throw DiagnosticError("needs rank-4 input and output and positive filter and stride") }
      let ph = Self.padding(padding, input: xs[2], output: outShape[1], kernel: Int(fh), stride: Int(sh), dilation: 1)
      let pw = Self.padding(padding, input: xs[3], output: outShape[2], kernel: Int(fw), stride: Int(sw), dilation: 1)
      var xin = x
      var pad = [ph.0, pw.0]
      if ph.0 != ph.1 || pw.0 != pw.1 {
        guard code == TFLiteOp.maxPool2D else {
          throw DiagnosticError("SAME padding that is not symmetric (\(ph), \(pw)) is not supported for average pooling")
        }
        let ps = [xs[0], xs[1], xs[2] + ph.0 + ph.1, xs[3] + pw.0 + pw.1]
        xin = try emit(
          .pad(PadAttributes(padWidth: [ph.0, ph.1, pw.0, pw.1], constantValue: -Float.greatestFiniteMagnitude)), [x], shape: ps,
          name: name + "_pad")
        pad = [0, 0]
      }
      // TFLite's average excludes the padded positions.
      let attrs = PoolingAttributes(kernel: [Int(fh), Int(fw)], stride: [Int(sh), Int(sw)], ignoreBorder: true, pad: pad, includingPad: false)
      result = try emit(code == TFLiteOp.maxPool2D ? .maxPooling(attrs) : .averagePooling(attrs), [xin], shape: irOut, name: act == 0 ? name : name + "_preact")
      let preact = result
      result = try activation(result, act, name: name)
      try quantizeAsFile([preact, result], outIndex)

    case TFLiteOp.mean:
      let x = try value(try input(0), "input")
      let xs = tensors[x].shape
      var keepDims = false
      if case let .reducer(k)? = op.options { keepDims = k }
      let axes = Set(try ints(try input(1), "axes").map { $0 < 0 ? $0 + xs.count : $0 })
      if xs.count == 4, axes == [1, 2] {
        result = try emit(.globalAveragePooling, [x], shape: [xs[0], xs[1], 1, 1], name: keepDims ? name : name + "_gap")
        try quantizeAsFile([result], outIndex)
        if !keepDims { result = try emit(.reshape(shape: irOut), [result], shape: irOut, name: name) }
      } else {
        let t = try toTFLite(x, name: name + "_in")
        guard axes.allSatisfy({ $0 >= 0 && $0 < xs.count }) else { throw DiagnosticError("axes \(axes.sorted()) out of range for rank \(xs.count)") }
        result = try emit(.function(FunctionCall(Mean(axes: axes.sorted(), keepDims: keepDims))), [t], shape: outShape, name: outShape.count == 4 ? name + "_mean" : name)
        try quantizeAsFile([result], outIndex)
        result = try fromTFLite(result, name: name)
      }

    case TFLiteOp.softmax:
      var x = try value(try input(0), "input")
      let s = tensors[x].shape
      if case let .softmax(beta)? = op.options, beta != 1 {
        x = try emit(.mulScalar(value: Double(beta)), [x], shape: s, name: name + "_beta")
      }
      result = try emit(.softmax(axis: s.count == 4 ? 1 : s.count - 1), [x], shape: s, name: name)
      try quantizeAsFile([result], outIndex)

    case TFLiteOp.logistic, TFLiteOp.tanh, TFLiteOp.relu, TFLiteOp.relu6, TFLiteOp.reluN1To1, TFLiteOp.leakyRelu:
      let x = try value(try input(0), "input")
      let s = tensors[x].shape
      let o: Op
      switch code {
      case TFLiteOp.logistic: o = .sigmoid
      case TFLiteOp.tanh: o = .tanh
      case TFLiteOp.relu: o = .relu
      case TFLiteOp.relu6: o = .relu6
      case TFLiteOp.reluN1To1: o = .function(FunctionCall(HardTanh()))
      default:
        guard case let .leakyRelu(alpha)? = op.options else { throw DiagnosticError("has no LeakyReluOptions") }
        o = .leakyReLU(alpha: alpha)
      }
      result = try emit(o, [x], shape: s, name: name)
      try quantizeAsFile([result], outIndex)

    case TFLiteOp.hardSwish:
      let x = try value(try input(0), "input")
      let s = tensors[x].shape
      if try tensor(try input(0), "input").type == .int8 {
        // int8: TFLite's kernel is one function of the code, so one op (a table in int8).
        result = try emit(.function(FunctionCall(HardSwish())), [x], shape: s, name: name)
        try quantizeAsFile([result], outIndex)
        break
      }
      // x · relu6(x + 3) / 6
      var r = try emit(.addScalar(value: 3), [x], shape: s, name: name + "_plus3")
      r = try emit(.relu6, [r], shape: s, name: name + "_relu6")
      r = try emit(.mulScalar(value: 1.0 / 6.0), [r], shape: s, name: name + "_div6")
      result = try emit(.mul2, [x, r], shape: s, name: name)
      try quantizeAsFile([result], outIndex)

    case TFLiteOp.reshape:
      let x = try value(try input(0), "input")
      guard tensors[x].elementCount == outShape.reduce(1, *) else {
        throw DiagnosticError("reshape of \(tensors[x].elementCount) elements to \(outShape)")
      }
      let t = try toTFLite(x, name: name + "_in")
      result = try emit(.reshape(shape: outShape), [t], shape: outShape, name: outShape.count == 4 ? name + "_nhwc" : name)
      result = try fromTFLite(result, name: name)

    case TFLiteOp.concatenation:
      guard case let .concatenation(axis, act)? = op.options else { throw DiagnosticError("has no ConcatenationOptions") }
      let rank = outShape.count
      var a = Int(axis) < 0 ? Int(axis) + rank : Int(axis)
      guard a >= 0, a < rank else { throw DiagnosticError("axis \(axis) out of range for rank \(rank)") }
      if rank == 4 { a = Self.toNCHW.firstIndex(of: a) ?? a }
      let ins = try op.inputs.map { try value($0, "input") }
      result = try emit(.concatenate(axis: a), ins, shape: irOut, name: act == 0 ? name : name + "_preact")
      let preact = result
      result = try activation(result, act, name: name)
      try quantizeAsFile([preact, result], outIndex)

    case TFLiteOp.pad:
      let x = try value(try input(0), "input")
      let rank = tensors[x].shape.count
      let p = try ints(try input(1), "paddings")
      guard p.count == 2 * rank, p.allSatisfy({ $0 >= 0 }) else { throw DiagnosticError("paddings \(p) do not fit rank \(rank)") }
      var pairs = (0..<rank).map { [p[2 * $0], p[2 * $0 + 1]] }
      if rank == 4 { pairs = Self.toNCHW.map { pairs[$0] } }
      result = try emit(.pad(PadAttributes(padWidth: pairs.flatMap { $0 })), [x], shape: irOut, name: name)

    case TFLiteOp.transpose:
      let x = try toTFLite(try value(try input(0), "input"), name: name + "_in")
      let perm = try ints(try input(1), "perm")
      guard Set(perm) == Set(0..<tensors[x].shape.count), perm.count == tensors[x].shape.count else {
        throw DiagnosticError("perm \(perm) is not a permutation of rank \(tensors[x].shape.count)")
      }
      result = try emit(.transpose(axes: perm), [x], shape: outShape, name: outShape.count == 4 ? name + "_nhwc" : name)
      result = try fromTFLite(result, name: name)

    case TFLiteOp.stridedSlice:
      let x = try toTFLite(try value(try input(0), "input"), name: name + "_in")
      let xs = tensors[x].shape
      let begin = try ints(try input(1), "begin"), end = try ints(try input(2), "end")
      let strides = hasInput(3) ? try ints(try input(3), "strides") : [Int](repeating: 1, count: begin.count)
      guard case let .stridedSlice(bm, em, ellipsis, newAxis, _, offset)? = op.options else {
        throw DiagnosticError("has no StridedSliceOptions")
      }
      guard ellipsis == 0, newAxis == 0, !offset else { throw DiagnosticError("ellipsis, new-axis masks and offset are not supported") }
      guard begin.count == xs.count, end.count == xs.count, strides.count == xs.count, strides.allSatisfy({ $0 != 0 }) else {
        throw DiagnosticError("begin \(begin), end \(end), strides \(strides) do not fit input \(xs)")
      }
      var start: [Int] = [], stop: [Int] = [], step: [Int] = [], sliced: [Int] = []
      for d in 0..<xs.count {
        let n = xs[d], s = strides[d]
        func clamp(_ v: Int) -> Int {
          let v = v < 0 ? v + n : v
          return s > 0 ? min(max(v, 0), n) : min(max(v, -1), n - 1)
        }
        let b = bm & (1 << d) != 0 ? (s > 0 ? 0 : n - 1) : clamp(begin[d])
        let e = em & (1 << d) != 0 ? (s > 0 ? n : -1) : clamp(end[d])
        start.append(b)
        stop.append(s > 0 ? max(e, b) : min(e, b))
        step.append(s)
        sliced.append(s > 0 ? (max(e - b, 0) + s - 1) / s : (max(b - e, 0) + (-s) - 1) / (-s))
      }
      guard sliced.reduce(1, *) == outShape.reduce(1, *) else { throw DiagnosticError("slice gives \(sliced), the output is \(outShape)") }
      result = try emit(.slice(SliceAttributes(start: start, stop: stop, step: step)), [x], shape: sliced, name: name + "_slice")
      if sliced != outShape { result = try emit(.reshape(shape: outShape), [result], shape: outShape, name: name + "_shrink") }
      result = try fromTFLite(result, name: name)

    default:
      throw DiagnosticError("is not supported")
    }
    guard tensors[result].shape == irOut else {
      throw DiagnosticError("computes shape \(tensors[result].shape), the file says \(outShape)")
    }
    map[Int(outIndex)] = result
  }
}
