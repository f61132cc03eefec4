import NNIR
import NNInterpreter

public struct QuantizationError: Error, CustomStringConvertible {
  public var description: String
  init(_ description: String) { self.description = description }
}

/// Turns a float graph (BatchNormalization already folded) and calibrated activation ranges into
/// an `Int8Program`.
///
/// The scheme (DESIGN §3, as TFLite and CMSIS-NN): weights int8 symmetric per output channel in
/// [-127, 127]; activations int8 asymmetric per tensor; bias int32 at scale `s_in * s_w[c]`;
/// requantization by a Q31 multiplier and shift. ReLU/ReLU6 that follow a Convolution, Affine or
/// Add2 become that op's output clamp. Ops with no int8 kernel run in float between a dequantize
/// and a quantize, and each is listed in `notes`.
public enum Int8Quantizer {
  public static func quantize(_ graph: ModelGraph, ranges: [Int: CalibratedRange]) throws -> Int8Program {
    // NaN or ±Inf has no int8 code and no finite scale; a float build only warns about them.
    if let problem = graph.nonFiniteParameterProblems.first {
      throw QuantizationError("\(problem); int8 needs finite parameters (use --quantize float32 to build anyway)")
    }
    var builder = ProgramBuilder(graph: graph, ranges: SharedWeightRanges.unify(graph, ranges))
    try builder.build()
    return builder.program()
  }
}

/// The fixed output parameters TFLite uses where the output range is known in advance.
enum FixedParameters {
  static let probability = QuantParams(scale: 1.0 / 256, zeroPoint: -128)  // softmax, sigmoid: [0, 1)
  static let tanh = QuantParams(scale: 1.0 / 128, zeroPoint: 0)  // [-1, 1)
}

struct ProgramBuilder {
  let graph: ModelGraph
  let ranges: [Int: CalibratedRange]
  var tensors: [ProgramTensor] = []
  var steps: [ProgramStep] = []
  var notes: [String] = []
  /// Float-graph tensor → its int8 program tensor / its float program tensor, where they exist.
  var int8Of: [Int: Int] = [:]
  var floatOf: [Int: Int] = [:]
  var programInputs: [Int] = []
  /// A MulScalar that only relabelled the codes: its output's scale as the Double product
  /// (TFLite forms softmax's `beta · s_in` in Double; the Float scale would round it).
  var exactScale: [Int: Double] = [:]
  var quantizedInputs: [Int] = []

  init(graph: ModelGraph, ranges: [Int: CalibratedRange]) {
    self.graph = graph
    self.ranges = ranges
  }

  func program() -> Int8Program {
    var outputs: [Int] = []
    var quantizedOutputs: [Int?] = []
    for t in graph.outputs {
      outputs.append(floatOf[t]!)
      quantizedOutputs.append(int8Of[t])
    }
    return Int8Program(
      name: graph.name, tensors: tensors, steps: steps, inputs: programInputs, outputs: outputs,
      quantizedInputs: quantizedInputs, quantizedOutputs: quantizedOutputs, notes: notes)
  }

  // MARK: - Tensors

  mutating func addTensor(_ t: ProgramTensor) -> Int {
    tensors.append(t)
    return tensors.count - 1
  }

  /// A new program tensor standing for float-graph tensor `t`.
  mutating func addTensor(for t: Int, _ type: ElementType, quant: QuantParams? = nil) -> Int {
    addTensor(ProgramTensor(name: graph.tensors[t].name, shape: graph.tensors[t].shape, type: type, quant: quant, floatTensor: t))
  }

  func calibrated(_ t: Int) throws -> QuantParams {
    // The file's own parameters come first: an int8 `.tflite` or a QDQ ONNX model needs no calibration.
    if let p = graph.tensors[t].quantization?.perTensor { return p }
    // A constant read as an activation (NNC's Delay initial value) covers its own values.
    if ranges[t] == nil, let data = graph.tensors[t].data?.values, let lo = data.min(), let hi = data.max() {
      return QuantParams(covering: lo, hi)
    }
    guard let r = ranges[t] else {
      let hint = graph.hasFileQuantizedActivations ? " (the file does not quantize it: --calibrate <data> covers it)" : ""
      throw QuantizationError("no calibration range for tensor '\(graph.tensors[t].name)'\(hint)")
    }
    return QuantParams(covering: r.min, r.max)
  }

  /// The int8 version of float-graph tensor `t`, quantizing its float version if needed.
  mutating func int8(_ t: Int) throws -> Int {
    if let q = int8Of[t] { return q }
    if graph.tensors[t].data != nil { _ = try float(t) }
    guard let f = floatOf[t] else { throw QuantizationError("tensor '\(graph.tensors[t].name)' is used before it is computed") }
    let q = addTensor(for: t, .int8, quant: try calibrated(t))
    steps.append(ProgramStep(name: "quantize \(graph.tensors[t].name)", kernel: .quantize, inputs: [f], output: q))
    int8Of[t] = q
    return q
  }

  /// The float version of float-graph tensor `t`, dequantizing its int8 version if needed.
  mutating func float(_ t: Int) throws -> Int {
    if let f = floatOf[t] { return f }
    if let data = graph.tensors[t].data {
      let f = addTensor(ProgramTensor(name: graph.tensors[t].name, shape: graph.tensors[t].shape, type: .float32, floatData: data))
      floatOf[t] = f
      return f
    }
    guard let q = int8Of[t] else { throw QuantizationError("tensor '\(graph.tensors[t].name)' is used before it is computed") }
    let f = addTensor(for: t, .float32)
    steps.append(ProgramStep(name: "dequantize \(graph.tensors[t].name)", kernel: .dequantize, inputs: [q], output: f))
    floatOf[t] = f
    return f
  }

  /// A new int8 output for float-graph tensor `t`.
  mutating func int8Output(_ t: Int, _ params: QuantParams) -> Int {
    let q = addTensor(for: t, .int8, quant: params)
    int8Of[t] = q
    return q
  }

  func quant(_ programTensor: Int) -> QuantParams { tensors[programTensor].quant! }

  // MARK: - The walk

  mutating func build() throws {
    for t in graph.inputs {
      let f = addTensor(for: t, .float32)
      floatOf[t] = f
      programInputs.append(f)
    }
    for t in graph.inputs { quantizedInputs.append(try int8(t)) }

    var readers: [Int: [Int]] = [:]
    for (i, node) in graph.nodes.enumerated() { for t in node.inputs { readers[t, default: []].append(i) } }
    var fusedInto: [Int: Int] = [:]  // activation node → producer node
    var activationOf: [Int: Int] = [:]  // producer node → activation node
    for (i, node) in graph.nodes.enumerated() {
      switch node.op {
      case .convolution, .depthwiseConvolution, .affine, .add2, .sub2: break
      default: continue
      }
      let out = node.outputs[0]
      guard !graph.outputs.contains(out), let r = readers[out], r.count == 1, sameFileParams(out, graph.nodes[r[0]].outputs[0])
      else { continue }
      switch graph.nodes[r[0]].op {
      case .relu, .relu6:
        fusedInto[r[0]] = i
        activationOf[i] = r[0]
      default: break
      }
    }
    // A MaxPooling right after a convolution (before or after its ReLU) joins it: a ReLU after
    // the pooling commutes in front of it (the clamp is monotone, so it is exact in int8) and
    // becomes the convolution's clamp; the pooling becomes the step's fused max pooling.
    var poolOf: [Int: Int] = [:]  // convolution node → max pooling node
    for (i, node) in graph.nodes.enumerated() {
      switch node.op {
      case .convolution, .depthwiseConvolution: break
      default: continue
      }
      let head = activationOf[i] ?? i
      let out = graph.nodes[head].outputs[0]
      guard !graph.outputs.contains(out), let r = readers[out], r.count == 1, fusableMaxPool(graph.nodes[r[0]]) != nil
      else { continue }
      poolOf[i] = r[0]
      fusedInto[r[0]] = i
      let pooled = graph.nodes[r[0]].outputs[0]
      guard activationOf[i] == nil, !graph.outputs.contains(pooled), let pr = readers[pooled], pr.count == 1,
        sameFileParams(pooled, graph.nodes[pr[0]].outputs[0])
      else { continue }
      switch graph.nodes[pr[0]].op {
      case .relu, .relu6:
        fusedInto[pr[0]] = i
        activationOf[i] = pr[0]
      default: break
      }
    }
    let activations = activationOf.count
    if activations > 0 {
      notes.append("fused \(activations) ReLU/ReLU6 into the op before them")
    }
    if !poolOf.isEmpty {
      notes.append("fused \(poolOf.count) MaxPooling into the convolution before them")
    }

    for (i, node) in graph.nodes.enumerated() where fusedInto[i] == nil {
      let activation = activationOf[i].map { graph.nodes[$0] }
      try lower(node, activation: activation, pool: poolOf[i].map { graph.nodes[$0] })
    }
    for t in graph.outputs where floatOf[t] == nil { _ = try float(t) }
  }

  /// Whether an activation from tensor `a` to `b` can join the op before it: always, unless the
  /// file gives them different parameters (a TFLite RELU after an op that requantizes to its own
  /// parameters first: TFLite rescales in the RELU, so it stays a step of its own).
  func sameFileParams(_ a: Int, _ b: Int) -> Bool {
    guard graph.int8Rules == .tflite, let pa = graph.tensors[a].quantization?.perTensor,
      let pb = graph.tensors[b].quantization?.perTensor
    else { return true }
    return pa == pb
  }

  /// The parameters of `outT` for an op whose int8 kernel moves or compares codes without
  /// rescaling them (max / average pooling, reshape, transpose, slice, pad): the input's, or under
  /// TFLite's rules the file's (TFLite's kernels copy the codes and take the output's parameters as
  /// they are; its converter makes them equal to the input's).
  func passThroughParams(_ outT: Int, input q: Int) -> QuantParams {
    if graph.int8Rules == .tflite, let p = graph.tensors[outT].quantization?.perTensor { return p }
    return quant(q)
  }

  /// Under TFLite's rules, int8 tensor `q` moved to the file's parameters of `outT` when they
  /// differ, as TFLite's RELU / RELU6 / RELU_N1_TO_1 do before clamping (multiplier s_in / s_out
  /// divided in float, as their kernels compute it); else `q` itself.
  mutating func tfliteRescale(_ q: Int, to outT: Int, name: String) throws -> Int {
    guard graph.int8Rules == .tflite, let po = graph.tensors[outT].quantization?.perTensor, po != quant(q) else { return q }
    let m = QuantizedMultiplier(real: Double(quant(q).scale / po.scale))
    let rescale = RescaleS8Params(inputOffset: quant(q).inputOffset, outputOffset: po.outputOffset, multiplier: m.multiplier, shift: m.shift)
    let r = addTensor(for: outT, .int8, quant: po)
    steps.append(ProgramStep(name: name + " (rescale)", kernel: .concatenate(axis: 0, rescales: [rescale]), inputs: [q], output: r))
    return r
  }

  /// Clamp bounds in the output's int8 domain for a fused activation.
  func clampBounds(_ activation: Node?, _ out: QuantParams) -> (Int32, Int32) {
    switch activation?.op {
    case .relu?: return out.activationRange(lower: 0, upper: .infinity)
    case .relu6?: return out.activationRange(lower: 0, upper: 6)
    default: return (-128, 127)
    }
  }

  /// A max pooling that can run inside the convolution before it: 2-D, windows that tile the
  /// input without overlap or padding (stride = kernel, every window inside).
  func fusableMaxPool(_ node: Node) -> PoolParams? {
    guard case .maxPooling(let a) = node.op,
      let g = PoolParams(x: graph.tensors[node.inputs[0]].shape, y: graph.tensors[node.outputs[0]].shape, a),
      g.kernelH == g.strideH, g.kernelW == g.strideW, g.padH == 0, g.padW == 0,
      g.outH * g.kernelH <= g.inH, g.outW * g.kernelW <= g.inW
    else { return nil }
    return g
  }

  mutating func lower(_ node: Node, activation: Node?, pool: Node? = nil) throws {
    let x = node.inputs.first ?? 0
    // The last output of the chain node → [activation] → [pool], or node → pool → activation.
    let outT: Int
    if let pool, let activation, activation.inputs[0] == pool.outputs[0] {
      outT = activation.outputs[0]
    } else {
      outT = pool?.outputs[0] ?? activation?.outputs[0] ?? node.outputs[0]
    }
    let poolFirst = pool != nil && activation?.inputs[0] == pool?.outputs[0]
    let name = ([node] + (poolFirst ? [pool, activation] : [activation, pool]).compactMap { $0 }).map(\.name).joined(separator: "+")
    let xs = graph.tensors[x].shape
    let ys = graph.tensors[node.outputs[0]].shape

    switch node.op {
    case .convolution(let a):
      try lowerConvolution(node, name: name, outT: outT, activation: activation, pool: pool, baseAxis: a.baseAxis, pad: a.pad, stride: a.stride, dilation: a.dilation, group: a.group)
    case .depthwiseConvolution(let a):
      try lowerConvolution(node, name: name, outT: outT, activation: activation, pool: pool, baseAxis: a.baseAxis, pad: a.pad, stride: a.stride, dilation: a.dilation, group: xs[a.baseAxis])
    case .affine(let a):
      try lowerAffine(node, name: name, outT: outT, activation: activation, baseAxis: a.baseAxis)

    case .maxPooling(let a), .averagePooling(let a), .sumPooling(let a):
      guard let geometry = PoolParams(x: xs, y: ys, a) else { return try lowerInFloat(node, name: name, outT: outT, activation: activation) }
      let q = try int8(x)
      switch node.op {
      case .maxPooling:
        let out = int8Output(outT, passThroughParams(outT, input: q))
        steps.append(ProgramStep(name: name, kernel: .maxPooling(geometry), inputs: [q], output: out))
      case .averagePooling:
        // The output keeps the input's parameters, unless the file gives it others: TFLite then
        // relabels the same codes (passThroughParams); an ONNX QLinearAveragePool requantizes.
        let po = graph.int8Rules == .nncompile ? graph.tensors[outT].quantization?.perTensor ?? quant(q) : quant(q)
        let out = int8Output(outT, graph.int8Rules == .tflite ? passThroughParams(outT, input: q) : po)
        if po != quant(q), a.pad.allSatisfy({ $0 == 0 }), activation == nil {
          // Every window holds all of its cells: the sum requantized by s_in / (s_out · n), with
          // no rounding to the input's step first (the file's output step may be finer).
          let sum = windowSum(geometry, from: quant(q), to: po, cells: a.kernel)
          steps.append(ProgramStep(name: name, kernel: .sumPooling(sum), inputs: [q], output: out))
          return
        }
        var params = poolParams(geometry, from: quant(q), to: po)
        if graph.int8Rules == .tflite {
          // TFLM averages the stored codes, zero point included: round(Σq / n), no offsets.
          (params.inputOffset, params.outputOffset) = (0, 0)
        }
        let (lo, hi) = clampBounds(activation, quant(out))
        (params.actMin, params.actMax) = (lo, hi)
        steps.append(ProgramStep(name: name, kernel: .averagePooling(params), inputs: [q], output: out))
      default:
        let out = int8Output(outT, try calibrated(outT))
        let params = poolParams(geometry, from: quant(q), to: quant(out))
        steps.append(ProgramStep(name: name, kernel: .sumPooling(params), inputs: [q], output: out))
      }
    case .globalAveragePooling where graph.int8Rules == .tflite && xs.count == 4 && graph.tensors[outT].quantization?.perTensor != nil:
      // TFLite's MEAN: Σ(q − z_in) · (s_in / s_out) / n in one fixed-point multiplier, with the
      // division by n folded into it as its reference kernel does (QuantizedMeanOrSum); as a sum
      // pooling over the whole map.
      let q = try int8(x)
      let p = quant(q)
      let po = try calibrated(outT)
      let out = int8Output(outT, po)
      let attrs = PoolingAttributes(kernel: [xs[2], xs[3]], stride: [xs[2], xs[3]], ignoreBorder: true, pad: [0, 0])
      guard let geometry = PoolParams(x: xs, y: graph.tensors[outT].shape, attrs) else {
        return try lowerInFloat(node, name: name, outT: outT, activation: activation)
      }
      let m = QuantizedMultiplier.tfliteMean(Double(p.scale) / Double(po.scale), count: xs[2] * xs[3])
      let params = PoolS8Params(geometry: geometry, inputOffset: p.inputOffset, outputOffset: po.outputOffset, multiplier: m.multiplier, shift: m.shift)
      steps.append(ProgramStep(name: name, kernel: .sumPooling(params), inputs: [q], output: out))
    case .globalAveragePooling:
      let q = try int8(x)
      let p = quant(q)
      // The input's parameters, or the file's for the output (an ONNX QLinearGlobalAveragePool).
      let po = graph.int8Rules == .nncompile ? graph.tensors[outT].quantization?.perTensor ?? p : p
      let out = int8Output(outT, po)
      let spatial = Array(xs.dropFirst(2))
      if po != p, spatial.count == 2,
        let geometry = PoolParams(x: xs, y: ys, PoolingAttributes(kernel: spatial, stride: spatial, pad: [0, 0], includingPad: false))
      {
        let sum = windowSum(geometry, from: p, to: po, cells: spatial)
        steps.append(ProgramStep(name: name, kernel: .sumPooling(sum), inputs: [q], output: out))
        return
      }
      let m = QuantizedMultiplier(real: Double(p.scale) / Double(po.scale))
      let g = GlobalPoolS8Params(
        outer: Int32(xs.prefix(2).reduce(1, *)), size: Int32(xs.dropFirst(2).reduce(1, *)), inputOffset: p.inputOffset,
        outputOffset: po.outputOffset, multiplier: m.multiplier, shift: m.shift)
      steps.append(ProgramStep(name: name, kernel: .globalAveragePooling(g), inputs: [q], output: out))

    case .relu, .relu6:
      let q = try tfliteRescale(try int8(x), to: outT, name: name)
      let p = quant(q)
      let out = int8Output(outT, p)
      let (lo, hi) = clampBounds(node, p)
      steps.append(ProgramStep(name: name, kernel: .clamp(lo: Int8(lo), hi: Int8(hi)), inputs: [q], output: out, reuse: .inPlace))
    case .function(let call) where call.typeName == "HardTanh" && graph.int8Rules == .tflite:
      // TFLite's RELU_N1_TO_1: as RELU, clamped to [−1, 1] in the file's output parameters.
      let q = try tfliteRescale(try int8(x), to: outT, name: name)
      let p = quant(q)
      let out = int8Output(outT, p)
      let (lo, hi) = p.activationRange(lower: -1, upper: 1)
      steps.append(ProgramStep(name: name, kernel: .clamp(lo: Int8(lo), hi: Int8(hi)), inputs: [q], output: out, reuse: .inPlace))
    case .mulScalar(let v) where v > 0 && v.isFinite:
      // y = v·x only relabels the int8 codes: same bytes, scale × v (free, and no table), unless
      // the product leaves the normal floats (v = 1e300); then a table, like any other factor.
      let q = try int8(x)
      let p = quant(q)
      let scale = Float(Double(p.scale) * v)
      guard scale.isNormal else { return try lowerLookupTable(node, name: name, outT: outT) }
      let out = int8Output(outT, QuantParams(scale: scale, zeroPoint: p.zeroPoint))
      exactScale[outT] = (exactScale[x] ?? Double(p.scale)) * v
      steps.append(ProgramStep(name: name, kernel: .copy, inputs: [q], output: out, reuse: .alias))
    case .leakyReLU, .elu, .sigmoid, .tanh, .swish, .addScalar, .mulScalar:
      try lowerLookupTable(node, name: name, outT: outT)
    case .softmax(let axis):
      let q = try int8(x)
      if graph.int8Rules == .tflite,
        let p = SoftmaxTFLiteS8Params(geometry: SoftmaxParams(x: xs, axis: axis), betaTimesInputScale: exactScale[x] ?? Double(quant(q).scale))
      {
        // TFLM's integer softmax; SOFTMAX's beta is the MulScalar before it (a relabel: exactScale).
        let out = int8Output(outT, FixedParameters.probability)
        steps.append(ProgramStep(name: name, kernel: .softmaxTFLite(p), inputs: [q], output: out))
        return
      }
      let out = int8Output(outT, FixedParameters.probability)
      steps.append(ProgramStep(name: name, kernel: .softmax(axis: axis), inputs: [q], output: out))

    case .add2, .sub2, .mul2:
      let a = try int8(node.inputs[0]), b = try int8(node.inputs[1])
      let po = try calibrated(outT)
      let out = int8Output(outT, po)
      let shape = ys.map { Int32($0) }
      let aStrides = broadcastStrides(graph.tensors[node.inputs[0]].shape, to: ys).map { Int32($0) }
      let bStrides = broadcastStrides(graph.tensors[node.inputs[1]].shape, to: ys).map { Int32($0) }
      let kernel: Int8Kernel
      if case .mul2 = node.op {
        kernel = .mul(MulS8Params(shape: shape, aStrides: aStrides, bStrides: bStrides, a: quant(a), b: quant(b), output: po))
      } else {
        let (lo, hi) = clampBounds(activation, po)
        var isSub = false
        if case .sub2 = node.op { isSub = true }
        kernel = .add(AddS8Params(
          shape: shape, aStrides: aStrides, bStrides: bStrides, a: quant(a), b: quant(b), output: po, subtract: isSub,
          subtractAfterScaling: graph.int8Rules == .tflite, actMin: lo, actMax: hi))
      }
      steps.append(ProgramStep(name: name, kernel: kernel, inputs: [a, b], output: out))

    case .concatenate(let axis):
      let qs = try node.inputs.map { try int8($0) }
      let po = try calibrated(outT)
      let out = int8Output(outT, po)
      let rescales = qs.map { RescaleS8Params(from: quant($0), to: po) }
      steps.append(ProgramStep(name: name, kernel: .concatenate(axis: axis, rescales: rescales), inputs: qs, output: out))
    case .reshape, .dropout, .identity:
      let q = try int8(x)
      if case .identity = node.op, let po = graph.tensors[outT].quantization?.perTensor, po != quant(q) {
        // The file moves the values to other parameters (TFLite's int8 → int8 QUANTIZE).
        let rescale = RescaleS8Params(from: quant(q), to: po)
        steps.append(ProgramStep(name: name, kernel: .concatenate(axis: 0, rescales: [rescale]), inputs: [q], output: int8Output(outT, po)))
        return
      }
      let out = int8Output(outT, passThroughParams(outT, input: q))
      steps.append(ProgramStep(name: name, kernel: .copy, inputs: [q], output: out, reuse: .alias))
    case .transpose(let axes) where xs.count <= 6:
      let q = try int8(x)
      let out = int8Output(outT, passThroughParams(outT, input: q))
      steps.append(ProgramStep(name: name, kernel: .transpose(axes: axes), inputs: [q], output: out))
    case .slice(let a) where xs.count <= 6:
      let q = try int8(x)
      let out = int8Output(outT, passThroughParams(outT, input: q))
      steps.append(ProgramStep(name: name, kernel: .slice(a), inputs: [q], output: out))
    case .pad(let a) where xs.count <= 6:
      let q = try int8(x)
      // TFLite pads with the output's zero point.
      let p = passThroughParams(outT, input: q)
      let out = int8Output(outT, p)
      steps.append(ProgramStep(name: name, kernel: .pad(a, value: p.quantize(a.constantValue)), inputs: [q], output: out))

    case .function(let call):
      try lowerFunction(node, call, name: name, outT: outT, activation: activation)

    default:
      try lowerInFloat(node, name: name, outT: outT, activation: activation)
    }
  }

  /// A function, as its `Int8Lowering` says.
  mutating func lowerFunction(_ node: Node, _ call: FunctionCall, name: String, outT: Int, activation: Node?) throws {
    guard node.outputs.count == 1 else {
      throw QuantizationError("'\(node.name)' (\(call.typeName)) has \(node.outputs.count) outputs; it must be expanded before quantization")
    }
    let f = call.function
    switch f.int8 {
    case .float:
      try lowerInFloat(node, name: name, outT: outT, activation: activation)
    case .table:
      try lowerLookupTable(node, name: name, outT: outT)
    case .dataMovement:
      // Every input in the first one's parameters, so the codes move unchanged.
      let first = try int8(node.inputs[0])
      let p = quant(first)
      var inputs = [first]
      for t in node.inputs.dropFirst() { inputs.append(try int8(t, as: p)) }
      let out = int8Output(outT, p)
      steps.append(ProgramStep(name: name, kernel: .dataMovement(call), inputs: inputs, output: out))
    case .custom:
      let inputs = try node.inputs.map { try int8($0) }
      let po = try calibrated(outT)
      let shapes = node.inputs.map { graph.tensors[$0].shape } + [graph.tensors[outT].shape]
      let kernel = try f.int8Kernel(inputs: inputs.map(quant), output: po, shapes: shapes, rules: graph.int8Rules)
      let out = int8Output(outT, po)
      steps.append(ProgramStep(name: name, kernel: .function(name: call.typeName.lowercased() + "_s8", kernel: kernel), inputs: inputs, output: out))
    }
  }

  /// The int8 version of float-graph tensor `t` in the parameters `p`: its own int8 version when
  /// those match, else requantized through float (a dequantize and a quantize step).
  mutating func int8(_ t: Int, as p: QuantParams) throws -> Int {
    let q = try int8(t)
    if quant(q) == p { return q }
    let f = try float(t)
    let r = addTensor(for: t, .int8, quant: p)
    steps.append(ProgramStep(name: "quantize \(graph.tensors[t].name)", kernel: .quantize, inputs: [f], output: r))
    return r
  }

  /// An element-wise op as a 256-entry table from the input's codes to the output's.
  mutating func lowerLookupTable(_ node: Node, name: String, outT: Int) throws {
    let q = try int8(node.inputs[0])
    let pin = quant(q)
    let pout: QuantParams
    switch node.op {
    case .sigmoid: pout = FixedParameters.probability
    case .tanh: pout = FixedParameters.tanh
    case .function(let f):
      if case .table(let fixed?) = f.function.int8 { pout = fixed } else { pout = try calibrated(outT) }
    default: pout = try calibrated(outT)
    }
    let out = int8Output(outT, pout)
    let table = (graph.int8Rules == .tflite ? tfliteTable(node.op, input: pin, output: pout) : nil)
      ?? Int8Kernels.activationTable(node.op, input: pin, output: pout)!
    steps.append(ProgramStep(name: name, kernel: .lookupTable(table), inputs: [q], output: out, reuse: .inPlace))
  }

  /// TFLM's integer kernel run on every code, for the ops an int8 `.tflite` has them for.
  func tfliteTable(_ op: Op, input: QuantParams, output: QuantParams) -> [Int8]? {
    switch op {
    case .sigmoid: return TFLiteInt8Activations.logistic(input: input)
    case .tanh: return TFLiteInt8Activations.tanh(input: input)
    case .leakyReLU(let alpha): return TFLiteInt8Activations.leakyRelu(alpha: alpha, input: input, output: output)
    case .function(let f) where f.typeName == "HardSwish": return TFLiteInt8Activations.hardSwish(input: input, output: output)
    default: return nil
    }
  }

  /// No int8 kernel: run the float kernel between a dequantize and (for int8 readers) a quantize.
  mutating func lowerInFloat(_ node: Node, name: String, outT: Int, activation: Node?) throws {
    let inputs = try node.inputs.map { try float($0) }
    let out = addTensor(for: outT, .float32)
    floatOf[outT] = out
    steps.append(ProgramStep(name: name, kernel: .float(node.op), inputs: inputs, output: out, reuse: node.op.isElementwiseUnary ? .inPlace : .none))
    if let activation {
      let r = addTensor(for: outT, .float32)
      steps.append(ProgramStep(name: activation.name, kernel: .float(activation.op), inputs: [out], output: r, reuse: .inPlace))
      floatOf[outT] = r
    }
    notes.append("'\(node.name)' (\(node.op.typeName)) runs in float32: no int8 kernel for it")
  }

  // MARK: - Helpers

  /// Pooling of int8 values summed (and for average, divided) in the input's units, then moved to
  /// the output's parameters.
  /// An average over windows of `cells` (no padding) as a sum pooling into `po`.
  func windowSum(_ geometry: PoolParams, from p: QuantParams, to po: QuantParams, cells: [Int]) -> PoolS8Params {
    let n = cells.reduce(1, *)
    return poolParams(geometry, from: p, to: QuantParams(scale: po.scale * Float(n), zeroPoint: po.zeroPoint))
  }

  func poolParams(_ geometry: PoolParams, from p: QuantParams, to po: QuantParams) -> PoolS8Params {
    let m = QuantizedMultiplier(real: Double(p.scale) / Double(po.scale))
    return PoolS8Params(geometry: geometry, inputOffset: p.inputOffset, outputOffset: po.outputOffset, multiplier: m.multiplier, shift: m.shift)
  }
}
