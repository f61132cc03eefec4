import NNIR

/// Convolution and Affine in int8: per-output-channel symmetric weights, int32 bias at
/// `s_in · s_w[c]`, and one requantization multiplier per channel.
extension ProgramBuilder {
  /// Per-output-channel symmetric int8 weights: scale = max|w| / 127.
  static func quantizeWeights(_ w: [Float], channels: Int, channelOf: (Int) -> Int) -> (q: [Int8], scales: [Double]) {
    var maxAbs = [Double](repeating: 0, count: channels)
    for i in w.indices { maxAbs[channelOf(i)] = max(maxAbs[channelOf(i)], Double(abs(w[i]))) }
    let scales = maxAbs.map { $0 > 0 ? $0 / 127 : 1 }
    let q = w.indices.map { i -> Int8 in
      let v = (Double(w[i]) / scales[channelOf(i)]).rounded()
      return Int8(min(max(v, -127), 127))
    }
    return (q, scales)
  }

  static func quantizeBias(_ b: [Float]?, inputScale: Double, weightScales: [Double]) -> [Int32]? {
    guard let b else { return nil }
    return b.indices.map { c in
      // Saturates: a bias beyond the int32 accumulator (3e38 over denormal weight scales) is clamped.
      let v = (Double(b[c]) / (inputScale * weightScales[c])).rounded()
      return v.isNaN ? 0 : Int32(min(max(v, Double(Int32.min)), Double(Int32.max)))
    }
  }

  /// The file's own int8 weights (its codes, in the IR layout) and one scale per output
  /// channel, when it quantized them symmetrically along the output axis `axis` (or per tensor).
  func fileWeights(_ t: Int, channels: Int, axis: Int) throws -> (q: [Int8], scales: [Double])? {
    guard let fq = graph.tensors[t].quantization, let codes = fq.codes else { return nil }
    let name = graph.tensors[t].name
    guard fq.scales.count == 1 || (fq.scales.count == channels && fq.axis == axis) else {
      throw QuantizationError("'\(name)': \(fq.scales.count) weight scales along axis \(fq.axis); int8 needs one per output channel (\(channels) along axis \(axis)) or one")
    }
    guard fq.zeroPoints.allSatisfy({ $0 == 0 }), fq.scales.allSatisfy({ $0 > 0 && $0.isFinite }),
      codes.allSatisfy({ $0 >= -128 && $0 <= 127 })
    else {
      throw QuantizationError("'\(name)': int8 weights must be symmetric (zero point 0) with positive scales")
    }
    return (codes.map { Int8($0) }, fq.scales(count: channels).map { Double($0) })
  }

  /// The file's int32 bias codes, when it has them (their scale is `s_in · s_w[c]` by TFLite's
  /// rules), and the input is at the file's scale (`pin`, what the program gives it).
  func fileBias(_ node: Node, input pin: QuantParams) -> [Int32]? {
    guard node.inputs.count > 2 else { return nil }
    if let file = graph.tensors[node.inputs[0]].quantization?.perTensor, file.scale != pin.scale { return nil }
    return graph.tensors[node.inputs[2]].quantization?.codes
  }

  mutating func lowerConvolution(
    _ node: Node, name: String, outT: Int, activation: Node?, pool: Node?, baseAxis: Int, pad: [Int], stride: [Int],
    dilation: [Int], group: Int
  ) throws {
    let xs = graph.tensors[node.inputs[0]].shape
    let ys = graph.tensors[node.outputs[0]].shape
    let wT = graph.tensors[node.inputs[1]]
    guard let geometry = ConvGeometry(
      x: xs, y: ys, w: wT.shape, baseAxis: baseAxis, pad: pad, stride: stride, dilation: dilation, group: group)
    else {  // 3-D (never with a fused pooling: fusableMaxPool is 2-D only)
      guard pool == nil else { throw QuantizationError("'\(node.name)': a fused max pooling needs a 2-D convolution") }
      return try lowerInFloat(node, name: name, outT: outT, activation: activation)
    }
    let q = try int8(node.inputs[0])
    let pin = quant(q)
    // The convolution's output parameters are those of the tensor the pooling reads (a max
    // pooling keeps its input's parameters), as without fusion.
    let po = try calibrated(pool?.inputs[0] ?? outT)
    guard let w = wT.data?.values else { throw QuantizationError("'\(node.name)': the weights must be parameters for int8") }
    let outC = ys[baseAxis]
    let perChannel = w.count / outC
    let (wq, ws) = try fileWeights(node.inputs[1], channels: outC, axis: 0) ?? Self.quantizeWeights(w, channels: outC) { $0 / perChannel }
    let bias = fileBias(node, input: pin) ?? Self.quantizeBias(node.inputs.count > 2 ? graph.tensors[node.inputs[2]].data?.values : nil, inputScale: Double(pin.scale), weightScales: ws)
    let m = ws.map { QuantizedMultiplier(real: Double(pin.scale) * $0 / Double(po.scale)) }
    let (lo, hi) = clampBounds(activation, po)
    var conv = Int8WeightLayer(
      params: ConvS8Params(geometry: geometry, inputOffset: pin.inputOffset, outputOffset: po.outputOffset, actMin: lo, actMax: hi),
      weights: wq, bias: bias, multipliers: m.map(\.multiplier), shifts: m.map(\.shift))
    conv.restateDeadChannels(outputs: outC)
    if let pool, let g = fusableMaxPool(pool) {
      if m.allSatisfy({ $0.multiplier >= 0 }) {
        // Requantization is monotone non-decreasing: the C may pool the accumulators.
        conv.fusedMaxPool = g
        steps.append(ProgramStep(name: name, kernel: .convolution(conv), inputs: [q], output: int8Output(outT, po)))
      } else {
        let mid = int8Output(pool.inputs[0], po)
        steps.append(ProgramStep(name: node.name, kernel: .convolution(conv), inputs: [q], output: mid))
        steps.append(ProgramStep(name: pool.name, kernel: .maxPooling(g), inputs: [mid], output: int8Output(outT, po)))
      }
      return
    }
    steps.append(ProgramStep(name: name, kernel: .convolution(conv), inputs: [q], output: int8Output(outT, po)))
  }

  /// nnabla's affine weight `[in, out]` as the kernel reads it, one output's weights per row: `[out, in]`.
  static func outputRows<T>(_ w: [T], inFeatures inF: Int, outFeatures outF: Int) -> [T] {
    (0..<(inF * outF)).map { k in w[(k % inF) * outF + k / inF] }
  }

  mutating func lowerAffine(_ node: Node, name: String, outT: Int, activation: Node?, baseAxis: Int) throws {
    let q = try int8(node.inputs[0])
    let pin = quant(q)
    let po = try calibrated(outT)
    let xs = graph.tensors[node.inputs[0]].shape
    let wT = graph.tensors[node.inputs[1]]
    guard let w = wT.data?.values else { throw QuantizationError("'\(node.name)': the weights must be parameters for int8") }
    let inF = wT.shape[0]
    let outF = wT.shape.dropFirst().reduce(1, *)
    // nnabla stores [in, out]; the kernel reads one output's weights contiguously: [out, in].
    let transposed = Self.outputRows(w, inFeatures: inF, outFeatures: outF)
    var (wq, ws) = Self.quantizeWeights(transposed, channels: outF) { $0 / inF }
    var m = ws.map { QuantizedMultiplier(real: Double(pin.scale) * $0 / Double(po.scale)) }
    if let (codes, scales) = try fileWeights(node.inputs[1], channels: outF, axis: 1) {
      wq = Self.outputRows(codes, inFeatures: inF, outFeatures: outF)
      ws = scales
      let perTensor = graph.tensors[node.inputs[1]].quantization?.scales.count == 1
      m = ws.map { s in
        // TFLM's per-tensor FULLY_CONNECTED multiplies the two scales in float, then divides in double.
        perTensor && graph.int8Rules == .tflite
          ? QuantizedMultiplier(real: Double(pin.scale * Float(s)) / Double(po.scale))
          : QuantizedMultiplier(real: Double(pin.scale) * s / Double(po.scale))
      }
    }
    let bias = fileBias(node, input: pin) ?? Self.quantizeBias(node.inputs.count > 2 ? graph.tensors[node.inputs[2]].data?.values : nil, inputScale: Double(pin.scale), weightScales: ws)
    let out = int8Output(outT, po)
    let (lo, hi) = clampBounds(activation, po)
    let params = AffineS8Params(
      outer: Int32(xs[..<baseAxis].reduce(1, *)), inFeatures: Int32(inF), outFeatures: Int32(outF),
      inputOffset: pin.inputOffset, outputOffset: po.outputOffset, actMin: lo, actMax: hi)
    var affine = Int8WeightLayer(params: params, weights: wq, bias: bias, multipliers: m.map(\.multiplier), shifts: m.map(\.shift))
    affine.restateDeadChannels(outputs: outF)
    steps.append(ProgramStep(name: name, kernel: .affine(affine), inputs: [q], output: out))
  }
}

extension Int8WeightLayer {
  /// A channel whose weights are all zero outputs a constant: its accumulator is its bias, so its
  /// output is `requantize(bias) + offset`, clamped. TFLite's converter leaves such channels with
  /// scales near 1e-11 and biases near 2^30, whose shifts (below −23) send the whole layer down
  /// the general requantization path of the optimized kernels. Restate each as the same constant
  /// `r` with bias `8r`, multiplier 2^30 and shift −2 (`requantize(8r) = r` exactly): the outputs
  /// are unchanged, bit for bit, and the fast paths apply again.
  mutating func restateDeadChannels(outputs: Int) {
    guard outputs > 0, weights.count % outputs == 0, multipliers.count == outputs, shifts.count == outputs else { return }
    let k = weights.count / outputs
    for c in 0..<outputs where weights[(c * k)..<((c + 1) * k)].allSatisfy({ $0 == 0 }) {
      // Clamping r to ±384 keeps every output byte: the offset is within ±128 and the clamp ±128.
      let r = min(max(FixedPoint.requantize(bias?[c] ?? 0, multiplier: multipliers[c], shift: shifts[c]), -384), 384)
      if bias != nil { bias![c] = 8 * r } else if r != 0 { continue }
      multipliers[c] = 1 << 30
      shifts[c] = -2
    }
  }
}
