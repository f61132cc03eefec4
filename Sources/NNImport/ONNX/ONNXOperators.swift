import NNFormats
import NNFunctions
import NNIR

/// One mapping per ONNX operator (or family), each onto core ops or registered functions.
extension ONNXGraphBuilder {
  // MARK: - Operators

  mutating func map(_ n: ONNXNode) throws {
    if Self.recurrentOperators.contains(n.opType) { return try recurrent(n) }
    guard let out = n.outputs.first, !out.isEmpty else { throw fail("has no output") }
    if n.opType == "Constant" { return try constantNode(n, out) }
    if try fold(n, out) { return }
    if try mapQuantized(n, out) { return }
    let name = n.name.isEmpty ? out : n.name
    func x() throws -> Int {
      guard let i = input(n, 0) else { throw fail("has no input") }
      return try runtime(i)
    }
    switch n.opType {
    case "Conv": try conv(n, out, name)
    case "Gemm": try gemm(n, out, name)
    case "MatMul": try matmul(n, out, name)
    case "Add", "Sub", "Mul", "Div": try binary(n, out, name)
    case "Relu": try emit(.relu, [x()], out, node: name)
    case "Sigmoid": try emit(.sigmoid, [x()], out, node: name)
    case "Tanh": try emit(.tanh, [x()], out, node: name)
    case "LeakyRelu": try emit(.leakyReLU(alpha: float(n, "alpha", 0.01)), [x()], out, node: name)
    case "Elu": try emit(.elu(alpha: float(n, "alpha", 1)), [x()], out, node: name)
    case "Selu":
      let xi = try x()
      let op = try function(
        "SELU", ["alpha": Double(float(n, "alpha", 1.67326319217681884765625)), "scale": Double(float(n, "gamma", 1.05070102214813232421875))],
        [tensors[xi].shape])
      try emit(op, [xi], out, node: name)
    case "PRelu": try prelu(n, out, name)
    case "HardSigmoid", "HardSwish": try hardSigmoid(n, out, name)
    case "Softmax", "LogSoftmax": try softmax(n, out, name)
    case "MaxPool", "AveragePool": try pool(n, out, name)
    case "GlobalAveragePool", "GlobalMaxPool":
      let xi = try x()
      let s = tensors[xi].shape
      guard s.count >= 3 else { throw fail("input \(s) needs rank 3 or more") }
      let spatial = Array(s[2...])
      if n.opType == "GlobalMaxPool" || s.count != 4 {
        let a = PoolingAttributes(kernel: spatial, stride: spatial, pad: spatial.map { _ in 0 }, includingPad: false)
        try emit(n.opType == "GlobalMaxPool" ? .maxPooling(a) : .averagePooling(a), [xi], out, node: name)
      } else {
        try emit(.globalAveragePooling, [xi], out, node: name)
      }
    case "BatchNormalization": try batchNorm(n, out, name)
    case "Reshape":
      let xi = try x()
      guard let s = try constantInput(n, 1, "the shape") else { throw fail("has no shape input") }
      let target = try reshapeTarget(tensors[xi].shape, intList(s), allowZero: try int(n, "allowzero", 0) != 0)
      try emit(.reshape(shape: target), [xi], out, node: name)
    case "Flatten", "Squeeze", "Unsqueeze":
      let xi = try x()
      try emit(.reshape(shape: try reshaped(n, tensors[xi].shape)), [xi], out, node: name)
    case "Transpose":
      let xi = try x()
      let r = tensors[xi].shape.count
      let perm = try ints(n, "perm") ?? Array((0..<r).reversed())
      // Transpose of a Transpose (NHWC-exported graphs put them in pairs): one permutation, or none.
      if let p = producer[n.inputs[0]], case .transpose(let first) = nodes[p].op, uses[n.inputs[0]] == 1,
        !model.graph.outputs.contains(where: { $0.name == n.inputs[0] }), perm.count == first.count,
        perm.allSatisfy({ $0 >= 0 && $0 < first.count })
      {
        let composed = perm.map { first[$0] }
        let source = nodes[p].inputs[0]
        _ = try ShapeInference.outputShape(of: .transpose(axes: perm), inputs: [tensors[xi].shape])
        nodes[p].op = composed == Array(0..<composed.count) ? .identity : .transpose(axes: composed)
        let t = nodes[p].outputs[0]
        index[tensors[t].name] = nil
        tensors[t].name = out
        tensors[t].shape = try ShapeInference.outputShape(of: nodes[p].op, inputs: [tensors[source].shape])
        index[out] = t
        producer[out] = p
        return
      }
      try emit(.transpose(axes: perm), [xi], out, node: name)
    case "Concat":
      let ins = try n.inputs.filter { !$0.isEmpty }.map { try runtime($0) }
      guard let first = ins.first else { throw fail("has no input") }
      try emit(.concatenate(axis: try axis(int(n, "axis", 0), rank: tensors[first].shape.count)), ins, out, node: name)
    case "Identity", "Dropout", "Cast":
      if n.opType == "Dropout", n.outputs.count > 1, uses[n.outputs[1], default: 0] > 0 {
        throw fail("the mask output of Dropout is used; only inference Dropout (an identity) is supported")
      }
      if n.opType == "Cast", ![1, 10, 11].contains(try int(n, "to", 1)) {
        throw fail("casting a computed tensor to \(ONNXTensor.typeName(Int64(try int(n, "to", 1)))) is not supported (float only)")
      }
      try emit(.identity, [x()], out, node: name)
    case "Clip": try clip(n, out, name)
    case "Pad": try pad(n, out, name)
    case "Slice":
      let xi = try x()
      try emit(.slice(try sliceAttributes(n, tensors[xi].shape)), [xi], out, node: name)
    case "Split": try split(n, name)
    case "Gather": try gather(n, out, name)
    case "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd": try reduce(n, out, name)
    case "Resize", "Upsample": try resize(n, out, name)
    case "ConvTranspose": try convTranspose(n, out, name)
    case "Exp", "Log", "Abs", "Erf", "Floor", "Ceil", "Sin", "Cos", "Sign", "Sqrt", "Reciprocal", "Softplus", "Softsign":
      let xi = try x()
      let (fn, attributes): (String, [String: Any]) =
        switch n.opType {
        case "Sign": ("Sign", ["alpha": 0.0])
        case "Sqrt": ("PowScalar", ["val": 0.5])
        case "Reciprocal": ("RDivScalar", ["val": 1.0])
        case "Softplus": ("SoftPlus", ["beta": 1.0])
        case "Softsign": ("SoftSign", [:])
        default: (n.opType, [:])
        }
      try emit(try function(fn, attributes, [tensors[xi].shape]), [xi], out, node: name)
    case "Neg": try emit(.mulScalar(value: -1), [x()], out, node: name)
    case "Max", "Min", "Sum":
      let ins = try n.inputs.filter { !$0.isEmpty }.map { try runtime($0) }
      guard var acc = ins.first else { throw fail("has no input") }
      if ins.count == 1 { try emit(.identity, [acc], out, node: name) }
      for (k, next) in ins.dropFirst().enumerated() {
        let last = k == ins.count - 2
        let op: Op =
          n.opType == "Sum"
          ? .add2 : try function(n.opType == "Max" ? "Maximum2" : "Minimum2", [:], [tensors[acc].shape, tensors[next].shape])
        acc = try emit(op, [acc, next], last ? out : "\(out)/\(k)", node: last ? name : "\(name)/\(k)")
      }
    case "Pow":
      guard let bn = input(n, 1) else { throw fail("needs an exponent") }
      let xi = try x()
      if let c = constants[bn], c.elementCount == 1 {
        try emit(try function("PowScalar", ["val": c.values[0]], [tensors[xi].shape]), [xi], out, node: name)
      } else {
        let bi = try runtime(bn)
        try emit(try function("Pow2", [:], [tensors[xi].shape, tensors[bi].shape]), [xi, bi], out, node: name)
      }
    case "Expand":
      let xi = try x()
      guard let sc = try constantInput(n, 1, "the shape") else { throw fail("has no shape input") }
      let xs = tensors[xi].shape
      let spec = intList(sc)
      guard spec.count <= ONNXModel.maxRank, spec.allSatisfy({ $0 >= 0 && $0 <= ONNXModel.maxElements }) else {
        throw fail("shape \(spec) is not a valid Expand target")
      }
      let target = try ShapeInference.broadcast(xs, spec, "Expand")
      _ = try ShapeLimits.elementCount(target)
      if target == xs { try emit(.identity, [xi], out, node: name); return }
      var t = xi
      if xs.count < target.count {
        t = try emit(.reshape(shape: Array(repeating: 1, count: target.count - xs.count) + xs), [xi], out + "/rank", node: name + "/rank")
      }
      try emit(.function(FunctionCall(Broadcast(shape: target))), [t], out, node: name)
    case "Shape": throw fail("the shape of a computed tensor is known only at import; this one is not")
    case "Size", "ConstantOfShape", "Range", "Where", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or",
      "Xor", "Mod":
      let computed = n.inputs.filter { !$0.isEmpty && constants[$0] == nil }.map { "'\($0)'" }.joined(separator: ", ")
      throw fail("is evaluated at import only, from constants; here it reads the computed \(computed)")
    default: throw fail("is not supported")
    }
  }

  mutating func constantNode(_ n: ONNXNode, _ out: String) throws {
    var t: ONNXTensor
    switch n.attributes["value"] ?? n.attributes["value_float"] ?? n.attributes["value_floats"] ?? n.attributes["value_int"] ?? n.attributes["value_ints"] {
    case .tensor(let v): t = v
    case .float(let v): t = ONNXTensor(name: out, dims: [], dataType: ONNXTensor.float, values: [Double(v)])
    case .floats(let v): t = ONNXTensor(name: out, dims: [v.count], dataType: ONNXTensor.float, values: v.map(Double.init))
    case .int(let v): t = ONNXTensor(name: out, dims: [], dataType: ONNXTensor.int64, values: [Double(v)])
    case .ints(let v): t = ONNXTensor(name: out, dims: [v.count], dataType: ONNXTensor.int64, values: v.map(Double.init))
    default: throw fail("has no value this importer reads (value, value_float(s), value_int(s))")
    }
    if t.external != nil { t = try loadExternal(t) }
    t.name = out
    constants[out] = t
  }

  /// Conv's and ConvTranspose's kernel_shape (default: the weight's), strides and dilations
  /// (default: 1 per spatial axis of the rank-N weight `[·, ·, k…]`), unchecked.
  func windowAttributes(_ n: ONNXNode, weight ws: [Int]) throws -> (kernel: [Int], strides: [Int], dilations: [Int]) {
    let spatial = ws.count - 2
    let kernel = try ints(n, "kernel_shape") ?? Array(ws[2...])
    let strides = try ints(n, "strides") ?? Array(repeating: 1, count: spatial)
    let dilations = try ints(n, "dilations") ?? Array(repeating: 1, count: spatial)
    return (kernel, strides, dilations)
  }

  mutating func conv(_ n: ONNXNode, _ out: String, _ name: String) throws {
    guard let xn = input(n, 0), let wn = input(n, 1) else { throw fail("needs inputs X and W") }
    var xi = try runtime(xn)
    let xs = tensors[xi].shape
    let ws = try shape(wn)
    guard xs.count >= 3, ws.count == xs.count else { throw fail("input \(xs) and weight \(ws) must have the same rank, 3 or more") }
    let spatial = xs.count - 2
    let (kernel, strides, dilations) = try windowAttributes(n, weight: ws)
    guard kernel.count == spatial, strides.count == spatial, dilations.count == spatial, Array(ws[2...]) == kernel else {
      throw fail("kernel_shape \(kernel), strides \(strides), dilations \(dilations) do not fit weight \(ws)")
    }
    let (begin, end) = try padding(n, xs: Array(xs[2...]), kernel: kernel, strides: strides, dilations: dilations)
    let common = zip(begin, end).map { min($0, $1) }
    if zip(begin, end).contains(where: { $0 != $1 }) {
      let width = (0..<spatial).flatMap { [begin[$0] - common[$0], end[$0] - common[$0]] }
      xi = try emit(.pad(PadAttributes(padWidth: width)), [xi], out + "/pad", node: name + "/pad")
    }
    let group = try int(n, "group", 1)
    var inputs = [xi]
    let bias = try input(n, 2).map { try runtime($0) }
    if group > 1, group == xs[1], ws[0] == group, ws[1] == 1, let w = constants[wn] {
      let dwShape = [ws[0]] + kernel
      inputs.append(parameter(wn + "/depthwise", shape: dwShape, values: w.values.map { Float($0) }))
      if let bias { inputs.append(bias) }
      try emit(
        .depthwiseConvolution(DepthwiseConvolutionAttributes(pad: common, stride: strides, dilation: dilations)), inputs, out,
        node: name)
      return
    }
    inputs.append(try runtime(wn))
    if let bias { inputs.append(bias) }
    try emit(.convolution(ConvolutionAttributes(pad: common, stride: strides, dilation: dilations, group: group)), inputs, out, node: name)
  }

  /// ConvTranspose as Deconvolution (same weight layout `[in, out/group, k…]`); padding removed
  /// unevenly at the two ends is the common part in the Deconvolution and a Slice for the rest.
  mutating func convTranspose(_ n: ONNXNode, _ out: String, _ name: String) throws {
    guard let xn = input(n, 0), let wn = input(n, 1) else { throw fail("needs inputs X and W") }
    let xi = try runtime(xn)
    let xs = tensors[xi].shape
    let ws = try shape(wn)
    guard xs.count >= 3, ws.count == xs.count else { throw fail("input \(xs) and weight \(ws) must have the same rank, 3 or more") }
    let spatial = xs.count - 2
    let (kernel, strides, dilations) = try windowAttributes(n, weight: ws)
    let outputPadding = try ints(n, "output_padding") ?? Array(repeating: 0, count: spatial)
    guard kernel.count == spatial, strides.count == spatial, dilations.count == spatial, outputPadding.count == spatial,
      Array(ws[2...]) == kernel, (kernel + strides + dilations).allSatisfy({ $0 >= 1 && $0 <= 1 << 20 }),
      outputPadding.allSatisfy({ $0 >= 0 && $0 <= 1 << 20 })
    else {
      throw fail("kernel_shape \(kernel), strides \(strides), dilations \(dilations), output_padding \(outputPadding) do not fit weight \(ws)")
    }
    // output_shape, or auto_pad SAME_* (output = input · stride): the padding that gives it,
    // split as ONNX says (SAME_UPPER: the odd one at the end; otherwise at the beginning).
    let autoPad = try string(n, "auto_pad", "NOTSET")
    guard ["NOTSET", "", "VALID", "SAME_UPPER", "SAME_LOWER"].contains(autoPad) else {
      throw fail("auto_pad '\(autoPad)' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER")
    }
    var pads = try ints(n, "pads") ?? Array(repeating: 0, count: 2 * spatial)
    var outputShape = try ints(n, "output_shape")
    if let o = outputShape, o.count == spatial + 2 { outputShape = Array(o[2...]) }
    if outputShape == nil, autoPad.hasPrefix("SAME") { outputShape = (0..<spatial).map { xs[2 + $0] * strides[$0] } }
    if autoPad == "VALID" { pads = Array(repeating: 0, count: 2 * spatial) }
    if let o = outputShape {
      guard o.count == spatial, o.allSatisfy({ $0 >= 1 && $0 <= 1 << 20 }) else { throw fail("output_shape \(o) must give \(spatial) positive sizes") }
      for i in 0..<spatial {
        let full = strides[i] * (xs[2 + i] - 1) + outputPadding[i] + (kernel[i] - 1) * dilations[i] + 1
        let total = full - o[i]
        guard total >= 0 else { throw fail("output_shape \(o) is larger than the full output \(full) on axis \(i)") }
        pads[i] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2
        pads[spatial + i] = total - pads[i]
      }
    }
    let begin = Array(pads[..<spatial]), end = Array(pads[spatial...])
    let common = zip(begin, end).map { min($0, $1) }
    var inputs = [xi, try runtime(wn)]
    if let b = input(n, 2) { inputs.append(try runtime(b)) }
    let op = Op.deconvolution(
      DeconvolutionAttributes(pad: common, stride: strides, dilation: dilations, group: try int(n, "group", 1), outputPadding: outputPadding))
    guard zip(begin, end).contains(where: { $0 != $1 }) else {
      try emit(op, inputs, out, node: name)
      return
    }
    let full = try emit(op, inputs, out + "/deconvolution", node: name + "/deconvolution")
    let fs = tensors[full].shape
    var a = SliceAttributes(start: Array(repeating: 0, count: fs.count), stop: fs, step: Array(repeating: 1, count: fs.count))
    for i in 0..<spatial {
      a.start[2 + i] = begin[i] - common[i]
      a.stop[2 + i] = fs[2 + i] - (end[i] - common[i])
      guard a.stop[2 + i] > a.start[2 + i] else { throw fail("pads \(pads) leave no output") }
    }
    try emit(.slice(a), [full], out, node: name)
  }

  /// Begin and end padding per spatial axis, from `pads` or `auto_pad`.
  func padding(_ n: ONNXNode, xs: [Int], kernel: [Int], strides: [Int], dilations: [Int]) throws -> ([Int], [Int]) {
    let s = xs.count
    // Sizes beyond any real model are refused before the arithmetic below could overflow.
    guard (kernel + strides + dilations).allSatisfy({ $0 >= 1 && $0 <= 1 << 20 }) else {
      throw fail("kernel_shape \(kernel), strides \(strides) and dilations \(dilations) must be between 1 and \(1 << 20)")
    }
    let autoPad = try string(n, "auto_pad", "NOTSET")
    switch autoPad {
    case "NOTSET", "":
      let pads = try ints(n, "pads") ?? Array(repeating: 0, count: 2 * s)
      guard pads.count == 2 * s, pads.allSatisfy({ $0 >= 0 && $0 <= 1 << 20 }) else { throw fail("pads \(pads) must be \(2 * s) non-negative values") }
      return (Array(pads[..<s]), Array(pads[s...]))
    case "VALID": return (Array(repeating: 0, count: s), Array(repeating: 0, count: s))
    case "SAME_UPPER", "SAME_LOWER":
      var begin: [Int] = [], end: [Int] = []
      for i in 0..<s {
        guard strides[i] >= 1, dilations[i] >= 1, kernel[i] >= 1 else { throw fail("strides, dilations and kernel must be positive") }
        let outSize = (xs[i] + strides[i] - 1) / strides[i]
        let total = max(0, (outSize - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - xs[i])
        let small = total / 2
        begin.append(autoPad == "SAME_UPPER" ? small : total - small)
        end.append(autoPad == "SAME_UPPER" ? total - small : small)
      }
      return (begin, end)
    default: throw fail("auto_pad '\(autoPad)' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER")
    }
  }

  mutating func pool(_ n: ONNXNode, _ out: String, _ name: String) throws {
    guard let xn = input(n, 0) else { throw fail("has no input") }
    var xi = try runtime(xn)
    let xs = tensors[xi].shape
    guard let kernel = try ints(n, "kernel_shape"), kernel.count >= 1, kernel.count <= xs.count - 2 else {
      throw fail("kernel_shape must give one size per spatial axis of \(xs)")
    }
    let s = kernel.count
    let strides = try ints(n, "strides") ?? Array(repeating: 1, count: s)
    let dilations = try ints(n, "dilations") ?? Array(repeating: 1, count: s)
    guard strides.count == s, dilations.count == s else { throw fail("strides \(strides) and dilations \(dilations) must have \(s) values") }
    guard dilations.allSatisfy({ $0 == 1 }) else { throw fail("dilations \(dilations) are not supported for pooling (only 1)") }
    guard try int(n, "storage_order", 0) == 0, n.outputs.count == 1 || uses[n.outputs[1], default: 0] == 0 else {
      throw fail("the Indices output of MaxPool is not supported")
    }
    let isMax = n.opType == "MaxPool"
    let includePad = try int(n, "count_include_pad", 0) != 0
    let ceil = try int(n, "ceil_mode", 0) != 0
    let spatialIn = Array(xs[(xs.count - s)...])
    var (begin, end) = try padding(n, xs: spatialIn, kernel: kernel, strides: strides, dilations: dilations)
    // ceil_mode: ONNX's ceil((in + pads − k) / s) + 1 windows, less one when the last starts in the
    // end padding; the partial last window reads past the padding, by `extra`.
    var extra = Array(repeating: 0, count: s)
    if ceil {
      for i in 0..<s {
        let padded = spatialIn[i] + begin[i] + end[i]
        guard padded >= kernel[i] else { throw fail("kernel_shape \(kernel) is larger than the padded input \(spatialIn)") }
        var o = (padded - kernel[i] + strides[i] - 1) / strides[i] + 1
        if (o - 1) * strides[i] >= spatialIn[i] + begin[i] { o -= 1 }
        extra[i] = max(0, (o - 1) * strides[i] + kernel[i] - padded)
      }
    }
    if !isMax && (extra.contains { $0 > 0 } || (!includePad && begin != end)) {
      // A sum over the zero-padded input divided by each window's count, computed here: the
      // whole window when count_include_pad is 1 (onnxruntime's divisor, even for a window that
      // reaches past the padding), else the input positions it covers.
      let width = (0..<s).flatMap { [begin[$0], end[$0] + extra[$0]] }
      let padded = try emit(.pad(PadAttributes(padWidth: width)), [xi], out + "/pad", node: name + "/pad")
      let sum = try emit(
        .sumPooling(PoolingAttributes(kernel: kernel, stride: strides, pad: Array(repeating: 0, count: s))), [padded], out + "/sum",
        node: name + "/sum")
      let outS = Array(tensors[sum].shape[(xs.count - s)...])
      var counts = [Float](repeating: 1, count: outS.reduce(1, *))
      for flat in counts.indices {
        var rem = flat, c = 1.0
        for i in stride(from: s - 1, through: 0, by: -1) {
          let o = rem % outS[i]
          rem /= outS[i]
          let h0 = o * strides[i] - begin[i]
          c *= Double(includePad ? kernel[i] : min(h0 + kernel[i], spatialIn[i]) - max(h0, 0))
        }
        counts[flat] = c > 0 ? Float(1 / c) : 0
      }
      let shape = Array(repeating: 1, count: xs.count - s) + outS
      try emit(.mul2, [sum, parameter(out + "/reciprocal_count", shape: shape, values: counts)], out, node: name)
      return
    }
    end = zip(end, extra).map { $0 + $1 }
    let common = zip(begin, end).map { min($0, $1) }
    if zip(begin, end).contains(where: { $0 != $1 }) {
      // Max pooling never picks the padding; average pooling counting the pad divides by the window.
      let fill: Float = isMax ? -Float.greatestFiniteMagnitude : 0
      let width = (0..<s).flatMap { [begin[$0] - common[$0], end[$0] - common[$0]] }
      xi = try emit(.pad(PadAttributes(padWidth: width, constantValue: fill)), [xi], out + "/pad", node: name + "/pad")
    }
    let a = PoolingAttributes(kernel: kernel, stride: strides, pad: common, includingPad: includePad)
    try emit(isMax ? .maxPooling(a) : .averagePooling(a), [xi], out, node: name)
  }

  mutating func gemm(_ n: ONNXNode, _ out: String, _ name: String) throws {
    guard let an = input(n, 0), let bn = input(n, 1) else { throw fail("needs inputs A and B") }
    guard let b = constants[bn], b.dims.count == 2 else { throw fail("B ('\(bn)') must be a constant matrix") }
    var ai = try runtime(an)
    guard tensors[ai].shape.count == 2 else { throw fail("A \(tensors[ai].shape) must be a matrix") }
    let alpha = try float(n, "alpha", 1), beta = try float(n, "beta", 1)
    if try int(n, "transA", 0) != 0 { ai = try emit(.transpose(axes: [1, 0]), [ai], out + "/transA", node: name + "/transA") }
    let transB = try int(n, "transB", 0) != 0
    let (k, m) = transB ? (b.dims[1], b.dims[0]) : (b.dims[0], b.dims[1])
    var w = [Float](repeating: 0, count: k * m)
    for i in 0..<k { for j in 0..<m { w[i * m + j] = alpha * Float(transB ? b.values[j * k + i] : b.values[i * m + j]) } }
    var inputs = [ai, parameter(bn + "/weight", shape: [k, m], values: w)]
    if let cn = input(n, 2) {
      guard let c = constants[cn], c.elementCount == m || c.elementCount == 1 else {
        throw fail("C ('\(cn)') must be a constant of \(m) values (or one)")
      }
      let bias = (0..<m).map { beta * Float(c.values[c.elementCount == 1 ? 0 : $0]) }
      inputs.append(parameter(cn + "/bias", shape: [m], values: bias))
    }
    try emit(.affine(AffineAttributes(baseAxis: 1)), inputs, out, node: name)
  }

  mutating func matmul(_ n: ONNXNode, _ out: String, _ name: String) throws {
    guard let an = input(n, 0), let bn = input(n, 1) else { throw fail("needs inputs A and B") }
    let ai = try runtime(an)
    let rank = tensors[ai].shape.count
    if let b = constants[bn], b.dims.count == 2, rank >= 2 {
      let w = parameter(bn, shape: b.dims, values: b.values.map { Float($0) })
      try emit(.affine(AffineAttributes(baseAxis: rank - 1)), [ai, w], out, node: name)
      return
    }
    let bi = try runtime(bn)
    let op = try function("BatchMatmul", [:], [tensors[ai].shape, tensors[bi].shape])
    try emit(op, [ai, bi], out, node: name)
  }

  mutating func binary(_ n: ONNXNode, _ out: String, _ name: String) throws {
    guard let an = input(n, 0), let bn = input(n, 1) else { throw fail("needs two inputs") }
    // MatMul + Add of a bias vector, or a convolution + Add of one value per channel: the bias
    // joins the Affine or the convolution.
    if n.opType == "Add" {
      for (computed, bias) in [(an, bn), (bn, an)] {
        guard let p = producer[computed], nodes[p].inputs.count == 2, uses[computed] == 1,
          !model.graph.outputs.contains(where: { $0.name == computed }), let c = constants[bias]
        else { continue }
        let outShape = tensors[nodes[p].outputs[0]].shape
        let m: Int
        switch nodes[p].op {
        case .affine:
          guard let last = outShape.last, c.elementCount == last, c.dims.last == last, c.dims.dropLast().allSatisfy({ $0 == 1 }),
            c.dims.count <= outShape.count
          else { continue }
          m = last
        case .convolution, .depthwiseConvolution, .deconvolution:
          // [C, 1, …] or [1, C, 1, …]: aligned from the right, C lands on the channel axis.
          let r = outShape.count
          guard r >= 3, c.dims.count <= r, c.elementCount == outShape[1] else { continue }
          let padded = Array(repeating: 1, count: r - c.dims.count) + c.dims
          guard padded[1] == outShape[1], padded.enumerated().allSatisfy({ $0.offset == 1 || $0.element == 1 }) else { continue }
          m = outShape[1]
        default: continue
        }
        nodes[p].inputs.append(parameter(bias, shape: [m], values: c.values.map { Float($0) }))
        let t = nodes[p].outputs[0]
        index[tensors[t].name] = nil
        tensors[t].name = out
        index[out] = t
        producer[out] = p
        return
      }
    }
    if let c = constants[bn], c.elementCount == 1, index[an] != nil || constants[an] != nil, c.dims.count <= (try shape(an)).count {
      let v = c.values[0]
      let ai = try runtime(an)
      switch n.opType {
      case "Add": try emit(.addScalar(value: v), [ai], out, node: name); return
      case "Sub": try emit(.addScalar(value: -v), [ai], out, node: name); return
      case "Mul": try emit(.mulScalar(value: v), [ai], out, node: name); return
      default: break
      }
    }
    let op: Op = ["Add": .add2, "Sub": .sub2, "Mul": .mul2, "Div": .div2][n.opType]!
    try emit(op, [try runtime(an), try runtime(bn)], out, node: name)
  }

  mutating func prelu(_ n: ONNXNode, _ out: String, _ name: String) throws {
    guard let xn = input(n, 0), let sn = input(n, 1) else { throw fail("needs inputs X and slope") }
    let xi = try runtime(xn)
    let xs = tensors[xi].shape
    guard let s = constants[sn] else { throw fail("slope ('\(sn)') must be a constant") }
    let si: Int
    if s.elementCount == 1 {
      si = parameter(sn, shape: [1], values: [Float(s.values[0])])
      try emit(try function("PReLU", ["base_axis": 1], [xs, [1]]), [xi, si], out, node: name)
    } else if xs.count >= 2, s.elementCount == xs[1], s.dims.count <= xs.count - 1, s.dims.first == xs[1] {
      si = parameter(sn, shape: [xs[1]], values: s.values.map { Float($0) })
      try emit(try function("PReLU", ["base_axis": 1], [xs, [xs[1]]]), [xi, si], out, node: name)
    } else {
      throw fail("slope \(s.dims) must be one value or one per channel of \(xs)")
    }
  }

  mutating func hardSigmoid(_ n: ONNXNode, _ out: String, _ name: String) throws {
    guard let xn = input(n, 0) else { throw fail("has no input") }
    let xi = try runtime(xn)
    let swish = n.opType == "HardSwish"
    let alpha = swish ? 1 / 6 : Double(try float(n, "alpha", 0.2)), beta = swish ? 0.5 : Double(try float(n, "beta", 0.5))
    let xs = tensors[xi].shape
    var t = try emit(.mulScalar(value: alpha), [xi], out + "/scale", node: name + "/scale")
    t = try emit(.addScalar(value: beta), [t], out + "/shift", node: name + "/shift")
    t = try emit(try function("MaximumScalar", ["val": 0.0], [xs]), [t], out + "/max", node: name + "/max")
    if swish {
      t = try emit(try function("MinimumScalar", ["val": 1.0], [xs]), [t], out + "/min", node: name + "/min")
      try emit(.mul2, [xi, t], out, node: name)
    } else {
      try emit(try function("MinimumScalar", ["val": 1.0], [xs]), [t], out, node: name)
    }
  }

  mutating func softmax(_ n: ONNXNode, _ out: String, _ name: String) throws {
    guard let xn = input(n, 0) else { throw fail("has no input") }
    let xi = try runtime(xn)
    let xs = tensors[xi].shape
    let a = try axis(int(n, "axis", opset >= 13 ? -1 : 1), rank: xs.count)
    let log = n.opType == "LogSoftmax"
    func op(_ axis: Int, _ shape: [Int]) throws -> Op {
      log ? try function("LogSoftmax", ["axis": axis], [shape]) : .softmax(axis: axis)
    }
    if opset >= 13 || xs[(a + 1)...].allSatisfy({ $0 == 1 }) {
      try emit(op(a, xs), [xi], out, node: name)
      return
    }
    // Before opset 13 the input is seen as 2-D: [prod(..<axis), prod(axis...)].
    let flat = [xs[..<a].reduce(1, *), xs[a...].reduce(1, *)]
    var t = try emit(.reshape(shape: flat), [xi], out + "/2d", node: name + "/2d")
    t = try emit(op(1, flat), [t], out + "/softmax", node: name + "/softmax")
    try emit(.reshape(shape: xs), [t], out, node: name)
  }

  mutating func batchNorm(_ n: ONNXNode, _ out: String, _ name: String) throws {
    guard n.inputs.count >= 5, let xn = input(n, 0) else { throw fail("needs inputs X, scale, B, mean, var") }
    let xi = try runtime(xn)
    let xs = tensors[xi].shape
    guard xs.count >= 2 else { throw fail("input \(xs) has no channel axis") }
    if n.outputs.count > 1, n.outputs.dropFirst().contains(where: { uses[$0, default: 0] > 0 }) {
      throw fail("training-mode outputs (running mean and variance) are not supported")
    }
    let statShape = [1, xs[1]] + Array(repeating: 1, count: xs.count - 2)
    var stats: [Int] = []
    for k in [2, 1, 3, 4] {
      guard let c = try constantInput(n, k, "a statistic"), c.elementCount == xs[1] else {
        throw fail("statistic \(k) must be a constant of \(xs[1]) values")
      }
      stats.append(parameter(c.name, shape: statShape, values: c.values.map { Float($0) }))
    }
    let eps = try float(n, "epsilon", 1e-5)
    let variance = tensors[stats[3]].data!.values
    if let c = variance.indices.first(where: { !(variance[$0] + eps > 0) }) {
      throw fail("variance + epsilon is \(variance[c] + eps) for channel \(c); it must be positive")
    }
    try emit(.batchNormalization(BatchNormalizationAttributes(axes: [1], eps: eps)), [xi] + stats, out, node: name)
  }

  func reshapeTarget(_ xs: [Int], _ spec: [Int], allowZero: Bool) throws -> [Int] {
    guard spec.count <= ONNXModel.maxRank, spec.allSatisfy({ $0 <= ONNXModel.maxElements }) else {
      throw fail("shape \(spec) is not a valid Reshape target")
    }
    var target = spec
    for (i, d) in spec.enumerated() where d == 0 && !allowZero {
      guard i < xs.count else { throw fail("shape \(spec) copies axis \(i), which \(xs) lacks") }
      target[i] = xs[i]
    }
    let unknown = target.indices.filter { target[$0] == -1 }
    guard unknown.count <= 1, target.allSatisfy({ $0 >= -1 }) else { throw fail("shape \(spec) is not a valid Reshape target") }
    let total = xs.reduce(1, *)
    if let u = unknown.first {
      let known = target.enumerated().filter { $0.offset != u }.reduce(1) { $0 * $1.element }
      guard known > 0, known <= ONNXModel.maxElements, total % known == 0 else { throw fail("cannot reshape \(xs) to \(spec)") }
      target[u] = total / known
    }
    return target
  }

  /// The output shape of Flatten, Squeeze or Unsqueeze.
  func reshaped(_ n: ONNXNode, _ xs: [Int]) throws -> [Int] {
    switch n.opType {
    case "Flatten":
      let a = try int(n, "axis", 1)
      let r = a < 0 ? a + xs.count : a
      guard r >= 0, r <= xs.count else { throw fail("axis \(a) is out of range for \(xs)") }
      return [xs[..<r].reduce(1, *), xs[r...].reduce(1, *)]
    default:
      let axes: [Int]?
      if opset >= 13, n.inputs.count > 1 {
        axes = try constantInput(n, 1, "axes").map(intList)
      } else {
        axes = try ints(n, "axes")
      }
      if n.opType == "Squeeze" {
        guard let axes else { return xs.filter { $0 != 1 } }
        let resolved = try Set(axes.map { try axis($0, rank: xs.count) })
        for a in resolved where xs[a] != 1 { throw fail("cannot squeeze axis \(a) of \(xs): it is not 1") }
        return xs.enumerated().filter { !resolved.contains($0.offset) }.map(\.element)
      }
      guard let axes else { throw fail("has no axes") }
      let rank = xs.count + axes.count
      let resolved = try Set(axes.map { try axis($0, rank: rank) })
      guard resolved.count == axes.count else { throw fail("axes \(axes) repeat") }
      var result: [Int] = []
      var it = xs.makeIterator()
      for i in 0..<rank { result.append(resolved.contains(i) ? 1 : it.next()!) }
      return result
    }
  }

  mutating func clip(_ n: ONNXNode, _ out: String, _ name: String) throws {
    guard let xn = input(n, 0) else { throw fail("has no input") }
    let xi = try runtime(xn)
    var lo = -Double.infinity, hi = Double.infinity
    if opset >= 11 {
      if let c = try constantInput(n, 1, "min") { lo = c.values.first ?? lo }
      if let c = try constantInput(n, 2, "max") { hi = c.values.first ?? hi }
    } else {
      lo = Double(try float(n, "min", -.infinity))
      hi = Double(try float(n, "max", .infinity))
    }
    let xs = tensors[xi].shape
    if lo == 0 && hi == 6 { try emit(.relu6, [xi], out, node: name); return }
    if lo == 0 && hi == .infinity { try emit(.relu, [xi], out, node: name); return }
    var t = xi
    if lo > -.infinity {
      let op = try function("MaximumScalar", ["val": lo], [xs])
      t = try emit(op, [t], hi < .infinity ? out + "/min" : out, node: hi < .infinity ? name + "/min" : name)
    }
    if hi < .infinity { try emit(try function("MinimumScalar", ["val": hi], [xs]), [t], out, node: name) }
    if lo == -.infinity && hi == .infinity { try emit(.identity, [xi], out, node: name) }
  }

  mutating func pad(_ n: ONNXNode, _ out: String, _ name: String) throws {
    guard let xn = input(n, 0) else { throw fail("has no input") }
    let xi = try runtime(xn)
    let xs = tensors[xi].shape
    var pads: [Int]
    var value: Float = 0
    if opset >= 11 {
      guard let p = try constantInput(n, 1, "pads") else { throw fail("has no pads") }
      pads = intList(p)
      if let v = try constantInput(n, 2, "constant_value") { value = Float(v.values.first ?? 0) }
      if input(n, 3) != nil { throw fail("the axes input is not supported") }
    } else {
      pads = try ints(n, "pads") ?? []
      value = try float(n, "value", 0)
    }
    let r = xs.count
    guard pads.count == 2 * r, pads.allSatisfy({ $0 >= 0 && $0 <= 1 << 20 }) else {
      throw fail("pads \(pads) must be \(2 * r) non-negative values")
    }
    let modes: [String: PadAttributes.Mode] = ["constant": .constant, "reflect": .reflect, "edge": .repeating]
    let modeName = try string(n, "mode", "constant")
    guard let mode = modes[modeName] else { throw fail("mode '\(modeName)' is not supported") }
    // Only the axes that are padded, outermost first (PadAttributes pads trailing axes).
    let first = (0..<r).first { pads[$0] != 0 || pads[r + $0] != 0 } ?? (r - 1)
    let width = (first..<r).flatMap { [pads[$0], pads[r + $0]] }
    try emit(.pad(PadAttributes(padWidth: width, mode: mode, constantValue: value)), [xi], out, node: name)
  }

  func sliceAttributes(_ n: ONNXNode, _ xs: [Int]) throws -> SliceAttributes {
    let starts: [Int], ends: [Int], axes: [Int]?, steps: [Int]?
    if opset >= 10 {
      guard let s = try constantInput(n, 1, "starts"), let e = try constantInput(n, 2, "ends") else { throw fail("needs starts and ends") }
      starts = intList(s)
      ends = intList(e)
      axes = try constantInput(n, 3, "axes").map(intList)
      steps = try constantInput(n, 4, "steps").map(intList)
    } else {
      starts = try ints(n, "starts") ?? []
      ends = try ints(n, "ends") ?? []
      axes = try ints(n, "axes")
      steps = nil
    }
    let ax = axes ?? Array(0..<starts.count)
    let st = steps ?? Array(repeating: 1, count: starts.count)
    guard ends.count == starts.count, ax.count == starts.count, st.count == starts.count else {
      throw fail("starts \(starts), ends \(ends), axes \(ax), steps \(st) must have the same length")
    }
    var a = SliceAttributes(start: Array(repeating: 0, count: xs.count), stop: xs, step: Array(repeating: 1, count: xs.count))
    for k in 0..<starts.count {
      let i = try axis(ax[k], rank: xs.count)
      let d = xs[i], step = st[k]
      guard step != 0 else { throw fail("step 0") }
      var s = starts[k] < 0 ? starts[k] + d : starts[k]
      var e = ends[k] < 0 ? ends[k] + d : ends[k]
      if step > 0 {
        s = min(max(s, 0), d)
        e = min(max(e, 0), d)
        e = max(e, s)
      } else {
        s = min(max(s, 0), d - 1)
        e = min(max(e, -1), d - 1)
        e = min(e, s)
      }
      a.start[i] = s
      a.stop[i] = e
      a.step[i] = step
    }
    return a
  }

  mutating func split(_ n: ONNXNode, _ name: String) throws {
    guard let xn = input(n, 0) else { throw fail("has no input") }
    let xi = try runtime(xn)
    let xs = tensors[xi].shape
    let a = try axis(int(n, "axis", 0), rank: xs.count)
    var sizes: [Int]
    if opset >= 13, let s = try constantInput(n, 1, "split") {
      sizes = intList(s)
    } else if let s = try ints(n, "split") {
      sizes = s
    } else {
      let parts = n.outputs.count
      let chunk = (xs[a] + parts - 1) / max(parts, 1)
      sizes = (0..<parts).map { min(chunk, max(0, xs[a] - $0 * chunk)) }
    }
    guard sizes.count == n.outputs.count, sizes.allSatisfy({ $0 > 0 && $0 <= xs[a] }), sizes.reduce(0, +) == xs[a] else {
      throw fail("split \(sizes) does not divide axis \(a) of \(xs) into \(n.outputs.count) outputs")
    }
    var offset = 0
    for (o, size) in zip(n.outputs, sizes) {
      var s = SliceAttributes(start: Array(repeating: 0, count: xs.count), stop: xs, step: Array(repeating: 1, count: xs.count))
      s.start[a] = offset
      s.stop[a] = offset + size
      offset += size
      try emit(.slice(s), [xi], o, node: "\(name)/\(o)")
    }
  }

  /// Gather with constant indices that pick one index or a contiguous run: a Slice.
  mutating func gather(_ n: ONNXNode, _ out: String, _ name: String) throws {
    guard let xn = input(n, 0) else { throw fail("has no input") }
    let xi = try runtime(xn)
    let xs = tensors[xi].shape
    let a = try axis(int(n, "axis", 0), rank: xs.count)
    guard let idx = try constantInput(n, 1, "indices") else { throw fail("needs indices") }
    let list = intList(idx).map { $0 < 0 ? $0 + xs[a] : $0 }
    guard let first = list.first, list.allSatisfy({ $0 >= 0 && $0 < xs[a] }),
      list.enumerated().allSatisfy({ $0.element == first + $0.offset }), idx.dims.count <= 1
    else { throw fail("only constant indices of one value or a contiguous run are supported") }
    var s = SliceAttributes(start: Array(repeating: 0, count: xs.count), stop: xs, step: Array(repeating: 1, count: xs.count))
    s.start[a] = first
    s.stop[a] = first + list.count
    if idx.dims.isEmpty {
      let t = try emit(.slice(s), [xi], out + "/slice", node: name + "/slice")
      var shape = xs
      shape.remove(at: a)
      try emit(.reshape(shape: shape.isEmpty ? [1] : shape), [t], out, node: name)
    } else {
      try emit(.slice(s), [xi], out, node: name)
    }
  }

  mutating func reduce(_ n: ONNXNode, _ out: String, _ name: String) throws {
    guard let xn = input(n, 0) else { throw fail("has no input") }
    let xi = try runtime(xn)
    let xs = tensors[xi].shape
    var axes: [Int]?
    if (n.opType == "ReduceSum" && opset >= 13) || opset >= 18 {
      axes = try constantInput(n, 1, "axes").map(intList)
    } else {
      axes = try ints(n, "axes")
    }
    if axes?.isEmpty ?? true {
      if try int(n, "noop_with_empty_axes", 0) != 0 { try emit(.identity, [xi], out, node: name); return }
      axes = Array(0..<xs.count)
    }
    let resolved = try axes!.map { try axis($0, rank: xs.count) }.sorted()
    let fn = ["ReduceMean": "Mean", "ReduceSum": "Sum", "ReduceMax": "Max", "ReduceMin": "Min", "ReduceProd": "Prod"][n.opType]!
    let op = try function(fn, ["axes": resolved, "keep_dims": try int(n, "keepdims", 1) != 0], [xs])
    try emit(op, [xi], out, node: name)
  }

  /// Resize (and opset < 10 Upsample) of the spatial axes, nearest or linear, as nnabla's
  /// Interpolate: nearest when ONNX's source indices are the ones an Interpolate variant picks,
  /// linear for the coordinate modes Interpolate has (half_pixel, asymmetric, align_corners).
  mutating func resize(_ n: ONNXNode, _ out: String, _ name: String) throws {
    guard let xn = input(n, 0) else { throw fail("has no input") }
    let xi = try runtime(xn)
    let xs = tensors[xi].shape
    guard xs.count >= 3, xs.count <= 5 else { throw fail("input \(xs): only 1 to 3 spatial axes are resized") }
    var scales: [Double]?
    var sizes: [Int]?
    if n.opType == "Upsample" || opset < 11 {
      if let s = n.attributes["scales"], case .floats(let f) = s { scales = f.map(Double.init) }
      if opset >= 9, let c = try constantInput(n, 1, "scales") { scales = c.values }
    } else {
      if let c = try constantInput(n, 2, "scales"), c.elementCount > 0 { scales = c.values }
      if let c = try constantInput(n, 3, "sizes"), c.elementCount > 0 { sizes = intList(c) }
    }
    let r = xs.count
    if sizes == nil, let scales {
      guard scales.count == r, scales.allSatisfy({ $0 > 0 && $0 < 1e6 }) else { throw fail("scales \(scales) must be \(r) positive values") }
      sizes = (0..<r).map { Int((Double(xs[$0]) * scales[$0]).rounded(.down)) }
    }
    guard let sizes, sizes.count == r, sizes.allSatisfy({ $0 >= 1 && $0 <= 1 << 20 }) else {
      throw fail("needs scales or sizes with \(r) positive values")
    }
    guard sizes[0] == xs[0], sizes[1] == xs[1] else { throw fail("resizing the batch or channel axis (\(xs) → \(sizes)) is not supported") }
    let spatial = Array(2..<r)
    let scale = spatial.map { scales?[$0] ?? Double(sizes[$0]) / Double(xs[$0]) }
    let mode = try string(n, "mode", "nearest")
    let coordinate = try string(n, "coordinate_transformation_mode", opset >= 11 ? "half_pixel" : "asymmetric")
    let outputSize = spatial.map { sizes[$0] }
    var attributes: [String: Any] = ["output_size": outputSize, "mode": mode == "nearest" ? "nearest" : "linear"]
    switch mode {
    case "nearest":
      let rounding = try string(n, "nearest_mode", opset >= 11 ? "round_prefer_floor" : "floor")
      func onnxIndex(_ o: Int, _ isize: Int, _ osize: Int, _ s: Double) -> Int {
        let x = Double(o)
        let f: Double
        switch coordinate {
        case "half_pixel": f = (x + 0.5) / s - 0.5
        case "pytorch_half_pixel": f = osize > 1 ? (x + 0.5) / s - 0.5 : 0
        case "align_corners": f = osize > 1 ? x * Double(isize - 1) / Double(osize - 1) : 0
        case "tf_half_pixel_for_nn": f = (x + 0.5) / s
        default: f = x / s
        }
        let i: Double
        switch rounding {
        case "floor": i = f.rounded(.down)
        case "ceil": i = f.rounded(.up)
        case "round_prefer_ceil": i = f.rounded(.toNearestOrAwayFromZero)
        default: i = f - f.rounded(.down) == 0.5 ? f.rounded(.down) : f.rounded()
        }
        return Int(min(max(i, 0), Double(isize - 1)))
      }
      // nnabla's nearest (interpolate.cpp), in Float as it computes.
      func nnablaIndex(_ o: Int, _ isize: Int, _ osize: Int, align: Bool, half: Bool, halfForNN: Bool) -> Int {
        let s: Float = halfForNN ? Float(isize) / Float(osize) : osize <= 1 ? 0 : align ? Float(isize - 1) / Float(osize - 1) : Float(isize) / Float(osize)
        let f: Float = halfForNN ? s * (Float(o) + 0.5) : half ? max(0, s * (Float(o) + 0.5) - 0.5) : s * Float(o)
        return min(Int(f), isize - 1)
      }
      let variants = [(false, false, false), (true, false, false), (false, true, false), (false, false, true)]
      guard let v = variants.first(where: { v in
        spatial.enumerated().allSatisfy { k, axis in
          (0..<sizes[axis]).allSatisfy { o in
            onnxIndex(o, xs[axis], sizes[axis], scale[k]) == nnablaIndex(o, xs[axis], sizes[axis], align: v.0, half: v.1, halfForNN: v.2)
          }
        }
      }) else {
        throw fail("nearest with coordinate_transformation_mode '\(coordinate)' and nearest_mode '\(rounding)' picks source pixels no Interpolate variant picks here")
      }
      attributes["align_corners"] = v.0
      attributes["half_pixel"] = v.1
      attributes["half_pixel_for_nn"] = v.2
    case "linear", "bilinear", "trilinear":
      // Interpolate derives its ratio from the sizes: the scales must be exactly that.
      for (k, axis) in spatial.enumerated() where abs(scale[k] * Double(xs[axis]) - Double(sizes[axis])) > 1e-9 * Double(sizes[axis]) {
        throw fail("linear with scale \(scale[k]) on an axis of \(xs[axis]) (output \(sizes[axis])) is not supported")
      }
      switch coordinate {
      case "half_pixel": attributes["half_pixel"] = true
      case "pytorch_half_pixel" where outputSize.allSatisfy({ $0 > 1 }): attributes["half_pixel"] = true
      case "align_corners": attributes["align_corners"] = true
      case "asymmetric": break
      default: throw fail("linear with coordinate_transformation_mode '\(coordinate)' is not supported")
      }
    default: throw fail("mode '\(mode)' is not supported (nearest and linear are)")
    }
    try emit(try function("Interpolate", attributes, [xs]), [xi], out, node: name)
  }
}
