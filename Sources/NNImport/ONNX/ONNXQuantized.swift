import NNFormats
import NNIR

/// Quantized ONNX models, as onnxruntime's `quantize_static` writes them: QDQ format
/// (QuantizeLinear/DequantizeLinear around float ops) and QOperator format (QLinearConv,
/// QLinearMatMul, com.microsoft QGemm and QLinearAdd).
///
/// The graph stays the float graph: weights hold their dequantized values, so the float build
/// and verify's float reference work, and the file's quantization goes on the IR tensors
/// (`FileQuantization`), so the int8 build uses the file's scales, zero points and codes instead
/// of calibrating. An activation's QuantizeLinear → DequantizeLinear pair is the identity up to
/// quantization and disappears; where its range starts at 0 (what onnxruntime leaves of a Relu it
/// removed) a Relu keeps the float graph equal to the quantized one.
///
/// uint8 activations map exactly onto int8: codes and zero point shifted by −128, the real values
/// unchanged. Weights must be int8 with zero point 0 (symmetric) to keep their codes; others are
/// re-quantized from their float values, with a warning.
extension ONNXImporter {
  /// The quantized operators the importer maps, by domain.
  static let quantizedOperators: Set<String> = [
    "QuantizeLinear", "DequantizeLinear", "QLinearConv", "QLinearMatMul",
    "com.microsoft.QGemm", "com.microsoft.QLinearAdd", "com.microsoft.QLinearMul", "com.microsoft.QLinearConcat",
    "com.microsoft.QLinearAveragePool", "com.microsoft.QLinearGlobalAveragePool", "com.microsoft.QLinearSoftmax",
    "com.microsoft.QLinearSigmoid", "com.microsoft.QLinearLeakyRelu",
    "com.microsoft.QuantizeLinear", "com.microsoft.DequantizeLinear",
  ]

  /// Whether the importer maps node `n` (float or quantized).
  static func supports(_ n: ONNXNode) -> Bool {
    if n.domain.isEmpty || n.domain == "ai.onnx" {
      return supportedOperators.contains(n.opType) || quantizedOperators.contains(n.opType)
    }
    return quantizedOperators.contains("\(n.domain).\(n.opType)")
  }
}

/// A constant the file stores as integers (a DequantizeLinear of an initializer, a QLinear
/// operator's weight or bias), kept beside its dequantized float values.
struct ONNXQuantizedConstant {
  /// The stored integers in ONNX layout (uint8 shifted by −128 into int8).
  var codes: [Int32]
  var scales: [Float]
  var zeroPoints: [Int32]
  /// The ONNX axis the scales run along (when more than one).
  var axis: Int
  /// int32 (a bias) rather than 8-bit.
  var isInt32: Bool
}

/// What the quantized import remembers while it builds.
struct ONNXQuantizationState {
  var constants: [String: ONNXQuantizedConstant] = [:]
  /// The name an IR tensor had when it got the file's parameters (a later fusion renames it).
  var paramsSetAs: [Int: String] = [:]
}

extension ONNXGraphBuilder {
  // MARK: - Quantized operators

  /// Maps `n` when it is a quantized operator; false otherwise.
  mutating func mapQuantized(_ n: ONNXNode, _ out: String) throws -> Bool {
    switch n.opType {
    case "DequantizeLinear": try dequantizeLinear(n, out)
    case "QuantizeLinear": try quantizeLinear(n, out)
    case "QLinearConv", "QLinearMatMul", "QGemm", "QLinearAdd", "QLinearMul", "QLinearConcat", "QLinearAveragePool",
      "QLinearGlobalAveragePool", "QLinearSoftmax", "QLinearSigmoid", "QLinearLeakyRelu":
      try qlinear(n, out)
    case "Conv", "Gemm", "MatMul":
      // Float ops on dequantized weights (QDQ): the weights keep their codes.
      let before = nodes.count
      let name = n.name.isEmpty ? out : n.name
      switch n.opType {
      case "Conv": try conv(n, out, name)
      case "Gemm": try gemm(n, out, name)
      default: try matmul(n, out, name)
      }
      try attachWeightCodes(n, from: before)
    default: return false
    }
    return true
  }

  /// Scale and zero point inputs `k`, `k + 1` of `n`, checked: positive finite scales, zero
  /// points in their type's range, one per slice along `axis` of `dims` when more than one.
  func quantizationParameters(_ n: ONNXNode, _ k: Int, quantizedType: Int64?, dims: [Int]?, axis: Int) throws
    -> (scales: [Float], zeroPoints: [Int32], type: Int64)
  {
    guard let sn = input(n, k) else { throw fail("has no scale (input \(k))") }
    guard let s = constants[sn] else { throw fail("the scale '\(sn)' must be a constant") }
    let scales = s.values.map { Float($0) }
    guard !scales.isEmpty else { throw fail("the scale '\(sn)' is empty") }
    if let bad = scales.first(where: { !($0 > 0 && $0.isFinite) }) {
      throw fail("scale \(bad) in '\(sn)' must be positive and finite")
    }
    var zeroPoints = [Int32](repeating: 0, count: scales.count)
    var type = quantizedType ?? ONNXTensor.uint8
    if let zn = input(n, k + 1) {
      guard let z = constants[zn] else { throw fail("the zero point '\(zn)' must be a constant") }
      guard z.elementCount == scales.count else {
        throw fail("the zero point '\(zn)' has \(z.elementCount) values for \(scales.count) scales")
      }
      if quantizedType == nil { type = z.dataType }
      guard z.dataType == type else {
        throw fail("the zero point '\(zn)' is \(ONNXTensor.typeName(z.dataType)) but the quantized values are \(ONNXTensor.typeName(type))")
      }
      let range = try Self.codeRange(type, fail)
      for v in z.values {
        guard v >= Double(range.lowerBound), v <= Double(range.upperBound) else {
          throw fail("zero point \(Int64(clamping: Self.clampInt(v))) in '\(zn)' is out of range for \(ONNXTensor.typeName(type)) (\(range.lowerBound)...\(range.upperBound))")
        }
      }
      zeroPoints = z.values.map { Int32($0) }
    } else {
      _ = try Self.codeRange(type, fail)
    }
    if scales.count > 1, dims != nil {
      guard let dims, axis >= 0, axis < dims.count, dims[axis] == scales.count else {
        throw fail("\(scales.count) scales in '\(sn)' do not match axis \(axis) of \(dims.map { "\($0)" } ?? "the tensor")")
      }
    }
    return (scales, zeroPoints, type)
  }

  static func codeRange(_ type: Int64, _ fail: (String) -> ONNXImportError) throws -> ClosedRange<Int64> {
    switch type {
    case ONNXTensor.int8: return -128...127
    case ONNXTensor.uint8: return 0...255
    case ONNXTensor.int32: return Int64(Int32.min)...Int64(Int32.max)
    default: throw fail("\(ONNXTensor.typeName(type)) quantization is not supported (int8, uint8 and int32 biases are)")
    }
  }

  /// The DequantizeLinear `axis` attribute (default 1), negative counted from the end of `rank`.
  func quantizationAxis(_ n: ONNXNode, rank: Int) throws -> Int {
    let a = try int(n, "axis", 1)
    return a < 0 ? a + rank : a
  }

  /// Dequantizes constant `name` (8-bit or int32) with `scales`/`zeroPoints` along `axis` into a
  /// float constant called `out`, remembering its codes.
  mutating func dequantizeConstant(_ name: String, into out: String, scales: [Float], zeroPoints: [Int32], axis: Int, type: Int64)
    throws
  {
    guard let c = constants[name] else { throw fail("'\(name)' must be a constant") }
    guard c.dataType == type else {
      throw fail("'\(name)' is \(ONNXTensor.typeName(c.dataType)) but its zero point is \(ONNXTensor.typeName(type))")
    }
    let range = try Self.codeRange(type, fail)
    let dims = c.dims
    let inner = scales.count > 1 ? dims[(axis + 1)...].reduce(1, *) : 1
    var values = [Double](repeating: 0, count: c.values.count)
    var codes = [Int32](repeating: 0, count: c.values.count)
    for (i, v) in c.values.enumerated() {
      guard v >= Double(range.lowerBound), v <= Double(range.upperBound) else { throw fail("'\(name)' holds \(v), outside its type") }
      let ch = scales.count > 1 ? (i / inner) % scales.count : 0
      values[i] = Double(scales[ch]) * (v - Double(zeroPoints[ch]))
      codes[i] = Int32(v)
    }
    var t = ONNXTensor(name: out, dims: dims, dataType: ONNXTensor.float, values: values)
    t.name = out
    constants[out] = t
    var zp = zeroPoints
    if type == ONNXTensor.uint8 {
      codes = codes.map { $0 - 128 }
      zp = zp.map { $0 - 128 }
    }
    quantized.constants[out] = ONNXQuantizedConstant(
      codes: codes, scales: scales, zeroPoints: zp, axis: axis, isInt32: type == ONNXTensor.int32)
  }

  mutating func dequantizeLinear(_ n: ONNXNode, _ out: String) throws {
    guard let xn = input(n, 0) else { throw fail("has no input") }
    if let c = constants[xn] {
      let axis = try quantizationAxis(n, rank: c.dims.count)
      let p = try quantizationParameters(n, 1, quantizedType: c.dataType, dims: c.dims, axis: axis)
      try dequantizeConstant(xn, into: out, scales: p.scales, zeroPoints: p.zeroPoints, axis: axis, type: p.type)
      return
    }
    let xi = try runtime(xn)
    let p = try activationParameters(n, 1)
    try alias(out, to: try fileQuantize(xi, p, name: out, node: n.name.isEmpty ? out : n.name))
  }

  mutating func quantizeLinear(_ n: ONNXNode, _ out: String) throws {
    guard let xn = input(n, 0) else { throw fail("has no input") }
    if constants[xn] != nil { throw fail("quantizing the constant '\(xn)' is not supported") }
    let xi = try runtime(xn)
    let p = try activationParameters(n, 1)
    try alias(out, to: try fileQuantize(xi, p, name: out, node: n.name.isEmpty ? out : n.name))
  }

  /// One activation scale and zero point (inputs `k`, `k + 1`), as int8 parameters.
  func activationParameters(_ n: ONNXNode, _ k: Int) throws -> QuantParams {
    let p = try quantizationParameters(n, k, quantizedType: nil, dims: nil, axis: 0)
    guard p.scales.count == 1 else {
      throw fail("activations are quantized per tensor here; '\(input(n, k) ?? "")' has \(p.scales.count) scales")
    }
    guard p.type != ONNXTensor.int32 else { throw fail("int32 activations are not supported (int8 and uint8 are)") }
    return QuantParams(scale: p.scales[0], zeroPoint: p.type == ONNXTensor.uint8 ? p.zeroPoints[0] - 128 : p.zeroPoints[0])
  }

  /// Name `name` reads IR tensor `t`.
  mutating func alias(_ name: String, to t: Int) throws {
    index[name] = t
    if model.graph.outputs.contains(where: { $0.name == name }) {
      // The compiled model's output keeps the file's name.
      if quantized.paramsSetAs[t] == tensors[t].name { quantized.paramsSetAs[t] = name }
      tensors[t].name = name
    }
    if let p = nodes.lastIndex(where: { $0.outputs.contains(t) }) { producer[name] = p }
  }

  /// Gives activation `xi` the file's parameters `p`; returns the tensor that stands for the
  /// quantized value: `xi` itself, a requantization when `xi` already has other parameters, and a
  /// Relu after it when the range starts at 0 and `xi` may be negative.
  mutating func fileQuantize(_ xi: Int, _ p: QuantParams, name: String, node: String) throws -> Int {
    var t = xi
    let fq = FileQuantization(scales: [p.scale], zeroPoints: [p.zeroPoint])
    if let existing = tensors[t].quantization, existing != fq, quantized.paramsSetAs[t] == tensors[t].name {
      t = try emit(.identity, [t], name, node: node + "/requantize")
    }
    tensors[t].quantization = fq
    quantized.paramsSetAs[t] = tensors[t].name
    // The same values before a Reshape or Transpose (tf2onnx's input Reshape): the same parameters.
    var source = t
    while let k = nodes.lastIndex(where: { $0.outputs.contains(source) }), nodes[k].inputs.count == 1 {
      switch nodes[k].op {
      case .reshape, .transpose, .identity: break
      default: return try reluIfClamped(t, p, fq, name: name, node: node)
      }
      source = nodes[k].inputs[0]
      guard tensors[source].quantization == nil, tensors[source].data == nil else { break }
      tensors[source].quantization = fq
      quantized.paramsSetAs[source] = tensors[source].name
    }
    return try reluIfClamped(t, p, fq, name: name, node: node)
  }

  mutating func reluIfClamped(_ t: Int, _ p: QuantParams, _ fq: FileQuantization, name: String, node: String) throws -> Int {
    var t = t
    if p.zeroPoint == -128, !nonNegative(t) {
      var reluName = index[name] == nil ? name : name + "/relu"
      while index[reluName] != nil { reluName += "'" }
      t = try emit(.relu, [t], reluName, node: node + "/relu")
      tensors[t].quantization = fq
      quantized.paramsSetAs[t] = tensors[t].name
    }
    return t
  }

  /// Whether IR tensor `t` is never negative: a graph input quantized from 0 is left alone (its
  /// quantization clamps), and so is what a Relu computes and what reorders or pools it.
  func nonNegative(_ t: Int) -> Bool {
    guard let p = nodes.lastIndex(where: { $0.outputs.contains(t) }) else { return true }
    switch nodes[p].op {
    case .relu, .relu6, .softmax, .sigmoid: return true
    case .maxPooling, .averagePooling, .globalAveragePooling, .reshape, .identity, .transpose, .slice:
      return nonNegative(nodes[p].inputs[0])
    default: return false
    }
  }

  /// QLinearConv, QLinearMatMul, QGemm, QLinearAdd: the float op on the dequantized constants,
  /// the inputs and output carrying the file's parameters.
  mutating func qlinear(_ n: ONNXNode, _ out: String) throws {
    let name = n.name.isEmpty ? out : n.name
    // The positions of the operands (each followed by its scale and zero point) and of the
    // output's scale; the float operator they become.
    let operands: [Int], outScale: Int?, floatOp: String
    switch n.opType {
    case "QLinearConv": (operands, outScale, floatOp) = ([0, 3], 6, "Conv")
    case "QLinearMatMul": (operands, outScale, floatOp) = ([0, 3], 6, "MatMul")
    case "QGemm": (operands, outScale, floatOp) = ([0, 3], input(n, 7) == nil ? nil : 7, "Gemm")
    case "QLinearAdd", "QLinearMul": (operands, outScale, floatOp) = ([0, 3], 6, n.opType == "QLinearAdd" ? "Add" : "Mul")
    case "QLinearConcat": (operands, outScale, floatOp) = (Array(stride(from: 2, to: n.inputs.count, by: 3)), 0, "Concat")
    default:
      // QLinearAveragePool, QLinearGlobalAveragePool, QLinearSoftmax, QLinearSigmoid, QLinearLeakyRelu.
      (operands, outScale, floatOp) = ([0], 3, String(n.opType.dropFirst("QLinear".count)))
      if n.opType == "QLinearGlobalAveragePool", try int(n, "channels_last", 0) != 0 { throw fail("channels_last 1 is not supported") }
      if n.opType == "QLinearSoftmax", try int(n, "opset", opset) >= 13 ? opset < 13 : opset >= 13 {
        throw fail("the opset \(try int(n, "opset", opset)) Softmax in a model of opset \(opset) is not supported")
      }
    }
    var floatInputs: [String] = []
    for k in operands {
      guard let vn = input(n, k) else { throw fail("has no input \(k)") }
      if let c = constants[vn] {
        let axis = n.opType == "QGemm" || n.opType == "QLinearMatMul" ? try weightAxis(n, c.dims) : 0
        let p = try quantizationParameters(n, k + 1, quantizedType: c.dataType, dims: c.dims, axis: axis)
        let fname = "\(vn)/dequantized"
        try dequantizeConstant(vn, into: fname, scales: p.scales, zeroPoints: p.zeroPoints, axis: axis, type: p.type)
        floatInputs.append(fname)
      } else {
        let xi = try runtime(vn)
        let p = try activationParameters(n, k + 1)
        let ti = try fileQuantize(xi, p, name: "\(vn)/\(name)", node: name)
        if index[vn] == ti {
          floatInputs.append(vn)
        } else {
          try alias("\(vn)/\(name)", to: ti)
          floatInputs.append("\(vn)/\(name)")
        }
      }
    }
    // The int32 bias at s_x · s_w.
    let biasSlot = n.opType == "QLinearConv" ? 8 : n.opType == "QGemm" ? 6 : nil
    if let k = biasSlot, let bn = input(n, k) {
      guard let b = constants[bn], b.dataType == ONNXTensor.int32 else { throw fail("the bias '\(bn)' must be an int32 constant") }
      let xs = try quantizationParameters(n, 1, quantizedType: nil, dims: nil, axis: 0).scales[0]
      let w = constants[input(n, 3) ?? ""]
      let wAxis = n.opType == "QGemm" ? try weightAxis(n, w?.dims ?? []) : 0
      let ws = try quantizationParameters(n, 4, quantizedType: w?.dataType, dims: w?.dims, axis: wAxis).scales
      guard ws.count == 1 || (ws.count == b.elementCount && b.dims.count == 1) else {
        throw fail("the bias '\(bn)' has \(b.elementCount) values for \(ws.count) weight scales")
      }
      let scales = ws.map { xs * $0 }
      let fname = "\(bn)/dequantized"
      let zeros = [Int32](repeating: 0, count: scales.count)
      try dequantizeConstant(bn, into: fname, scales: scales, zeroPoints: zeros, axis: 0, type: ONNXTensor.int32)
      floatInputs.append(fname)
    }
    var f = n
    f.domain = ""
    f.opType = floatOp
    f.inputs = floatInputs
    let floatOut = outScale == nil ? out : "\(out)/float"
    f.outputs = [floatOut]
    f.attributes["opset"] = nil
    f.attributes["channels_last"] = nil
    try map(f)
    if let k = outScale {
      let p = try activationParameters(n, k)
      guard let yi = index[floatOut] else { throw fail("computes nothing") }
      try alias(out, to: try fileQuantize(yi, p, name: out, node: name))
    }
  }

  /// The output-channel axis of a QGemm / QLinearMatMul weight: N, the last of [K, N] (first when transposed).
  func weightAxis(_ n: ONNXNode, _ dims: [Int]) throws -> Int {
    let transB = n.opType == "QGemm" ? try int(n, "transB", 0) != 0 : false
    return transB ? 0 : max(dims.count - 1, 0)
  }

  /// After float node `n` (Conv, Gemm, MatMul on dequantized constants) became the IR nodes from
  /// `before` on: its weights and int32 bias get the file's codes in the IR layout.
  mutating func attachWeightCodes(_ n: ONNXNode, from before: Int) throws {
    guard let k = nodes.indices[before...].last(where: {
      switch nodes[$0].op {
      case .convolution, .depthwiseConvolution, .affine: return true
      default: return false
      }
    }) else { return }
    let node = nodes[k]
    guard node.inputs.count >= 2 else { return }
    let name = n.name.isEmpty ? (n.outputs.first ?? "") : n.name
    if let wn = input(n, 1), let q = quantized.constants[wn], !q.isInt32, let c = constants[wn] {
      var codes = q.codes
      var scales = q.scales
      var outAxis = 0, irAxis = 0
      if case .affine = node.op {
        irAxis = 1
        let transB = n.opType == "Gemm" ? try int(n, "transB", 0) != 0 : false
        outAxis = transB ? 0 : 1
        if transB, c.dims.count == 2 {
          let (rows, cols) = (c.dims[0], c.dims[1])
          codes = [Int32](repeating: 0, count: q.codes.count)
          for r in 0..<rows { for cc in 0..<cols { codes[cc * rows + r] = q.codes[r * cols + cc] } }
        }
        if n.opType == "Gemm" {
          let alpha = try float(n, "alpha", 1)
          scales = scales.map { $0 * alpha }
          if !(alpha > 0) { scales = [] }
        }
      }
      let w = node.inputs[1]
      if scales.isEmpty || !q.zeroPoints.allSatisfy({ $0 == 0 }) || (q.scales.count > 1 && q.axis != outAxis)
        || tensors[w].elementCount != codes.count
      {
        warnings.append(Diagnostic(.warning, "'\(name)': the file's weights '\(wn)' are not int8 symmetric per output channel; the int8 build re-quantizes them from their values"))
      } else {
        tensors[w].quantization = FileQuantization(scales: scales, zeroPoints: q.zeroPoints.map { _ in 0 }, axis: irAxis, codes: codes)
      }
    }
    // The int32 bias, when its scales are s_x · s_w (otherwise the int8 build computes it).
    let (alpha, beta) = n.opType == "Gemm" ? (try float(n, "alpha", 1), try float(n, "beta", 1)) : (1, 1)
    let unitGemm = alpha == 1 && beta == 1
    if unitGemm, node.inputs.count > 2, let bn = input(n, 2), let q = quantized.constants[bn], q.isInt32,
      let xq = tensors[node.inputs[0]].quantization?.perTensor, let wq = tensors[node.inputs[1]].quantization,
      q.zeroPoints.allSatisfy({ $0 == 0 }), tensors[node.inputs[2]].elementCount == q.codes.count
    {
      let count = q.codes.count
      let expected = wq.scales(count: count).map { xq.scale * $0 }
      let given = q.scales.count == 1 ? Array(repeating: q.scales[0], count: count) : q.scales
      if given.count == count, zip(expected, given).allSatisfy({ abs($0 - $1) <= 1e-6 * $1 }) {
        tensors[node.inputs[2]].quantization = FileQuantization(scales: q.scales, zeroPoints: q.zeroPoints, axis: 0, codes: q.codes)
      }
    }
  }
}
