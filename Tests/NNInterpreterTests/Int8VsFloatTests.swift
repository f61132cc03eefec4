import NNIR
import NNInterpreter
import Testing
import _NNTestSupport

/// The int8 kernels compute the right thing: on random int8 inputs, `Int8Kernels` lands within one
/// output step of `quantize(FloatKernels(dequantized inputs))` — the float model rounded once.
/// (Bit-exactness against C is `Int8CKernelTests`; this is the meaning.)
@Suite struct Int8VsFloatTests {
  /// Expects every int8 output within `tolerance` steps of the quantized float reference.
  static func expectClose(
    _ int8: [Int8], _ float: [Float], _ q: QuantParams, tolerance: Int = 1, _ label: @autoclosure () -> String
  ) {
    #expect(int8.count == float.count, "\(label()): \(int8.count) vs \(float.count) values")
    var worst = 0
    for (a, f) in zip(int8, float) { worst = max(worst, abs(Int(a) - Int(q.quantize(f)))) }
    #expect(worst <= tolerance, "\(label()): off by \(worst) output steps")
  }

  /// The float value of a fused activation: `max(v, 0)` for ReLU, also `min(·, 6)` for ReLU6.
  static func activation(_ rng: inout SeededRandom, _ q: QuantParams) -> (Int32, Int32, (Float) -> Float) {
    switch rng.int(0...2) {
    case 0:
      let r = q.activationRange(lower: 0, upper: .infinity)
      return (r.min, r.max, { max($0, 0) })
    case 1:
      let r = q.activationRange(lower: 0, upper: 6)
      return (r.min, r.max, { min(max($0, 0), 6) })
    default:
      return (-128, 127, { $0 })
    }
  }

  static func minMax(_ v: [Float]) -> (Float, Float) { (v.min() ?? 0, v.max() ?? 0) }

  @Test func convolutionMatchesFloat() {
    var rng = SeededRandom(seed: 200)
    for trial in 0..<100 {
      var k = Int8Cases.conv(&rng)
      let p = k.params
      let (s, inC, outC, group) = (k.input.scale, Int(p.inC), Int(p.outC), Int(p.group))
      let x = FloatTensor(shape: [Int(p.batch), inC, Int(p.inH), Int(p.inW)], values: k.x.map(k.input.dequantize))
      let perFilter = k.weight.count / outC
      let w = (0..<k.weight.count).map { Float(k.weight[$0]) * k.weightScales[$0 / perFilter] }
      let b = k.bias.map { bias in
        FloatTensor(
          shape: [outC], values: (0..<outC).map { Float(Double(bias[$0]) * Double(s) * Double(k.weightScales[$0])) })
      }
      let float: FloatTensor
      if group == inC && group > 1 {
        // Depthwise: nnabla's DepthwiseConvolution, weight [C·m, kh, kw].
        float = FloatKernels.depthwiseConvolution(
          x, weight: FloatTensor(shape: [outC] + k.kernel, values: w), bias: b,
          DepthwiseConvolutionAttributes(pad: k.pad, stride: k.stride, dilation: k.dilation, multiplier: outC / inC))
      } else {
        float = FloatKernels.convolution(
          x, weight: FloatTensor(shape: [outC, inC / group] + k.kernel, values: w), bias: b,
          ConvolutionAttributes(pad: k.pad, stride: k.stride, dilation: k.dilation, group: group))
      }
      let (lo, hi) = Self.minMax(float.values)
      k.setOutput(QuantParams(covering: lo, hi))
      let (actMin, actMax, act) = Self.activation(&rng, k.output)
      (k.params.actMin, k.params.actMax) = (actMin, actMax)
      let int8 = Int8Kernels.convolution(
        k.params, x: k.x, weight: k.weight, bias: k.bias, outputMultiplier: k.multipliers.map(\.multiplier),
        outputShift: k.multipliers.map(\.shift))
      Self.expectClose(int8, float.values.map(act), k.output, "#\(trial) \(k)")
    }
  }

  @Test func affineMatchesFloat() {
    var rng = SeededRandom(seed: 201)
    for trial in 0..<100 {
      var k = Int8Cases.affine(&rng)
      let (outer, nIn, nOut) = (Int(k.params.outer), Int(k.params.inFeatures), Int(k.params.outFeatures))
      let x = FloatTensor(shape: [outer, nIn], values: k.x.map(k.input.dequantize))
      // nnabla's layout is [in, out]: the transpose of the kernel's [out][in].
      var w = [Float](repeating: 0, count: nIn * nOut)
      for o in 0..<nOut {
        for i in 0..<nIn { w[i * nOut + o] = Float(k.weight[o * nIn + i]) * k.weightScales[o] }
      }
      let b = k.bias.map { bias in
        FloatTensor(
          shape: [nOut],
          values: (0..<nOut).map { Float(Double(bias[$0]) * Double(k.input.scale) * Double(k.weightScales[$0])) })
      }
      let float = FloatKernels.affine(
        x, weight: FloatTensor(shape: [nIn, nOut], values: w), bias: b, AffineAttributes())
      let (lo, hi) = Self.minMax(float.values)
      k.setOutput(QuantParams(covering: lo, hi))
      let (actMin, actMax, act) = Self.activation(&rng, k.output)
      (k.params.actMin, k.params.actMax) = (actMin, actMax)
      let int8 = Int8Kernels.affine(
        k.params, x: k.x, weight: k.weight, bias: k.bias, outputMultiplier: k.multipliers.map(\.multiplier),
        outputShift: k.multipliers.map(\.shift))
      Self.expectClose(int8, float.values.map(act), k.output, "#\(trial) \(k)")
    }
  }

  /// Average pooling divides in the input's units before it requantizes, so it is within one step
  /// when the output step is at least the input step (TFLite keeps them equal); the tests use
  /// 1×, 1.5× and 2×.
  @Test func poolingMatchesFloat() {
    var rng = SeededRandom(seed: 202)
    for trial in 0..<120 {
      let k = Int8Cases.pool(&rng)
      let g = k.geometry
      let shape = [Int(g.outer), Int(g.inH), Int(g.inW)]
      let x = FloatTensor(shape: shape, values: k.x.map(k.input.dequantize))
      let attrs = PoolingAttributes(
        kernel: k.kernel, stride: k.stride, ignoreBorder: k.ignoreBorder, pad: k.pad, includingPad: g.includingPad)
      let label = "#\(trial) \(k)"

      // Max: exact, in the input's quantization.
      let maxFloat = FloatKernels.maxPooling(x, attrs)
      #expect(Int8Kernels.maxPooling(g, x: k.x).map(k.input.dequantize) == maxFloat.values, "max \(label)")

      let avgOut = QuantParams(
        scale: k.input.scale * rng.pick([1, 1.5, 2]), zeroPoint: Int8Cases.quant(&rng).zeroPoint)
      let avgM = QuantizedMultiplier(real: Double(k.input.scale) / Double(avgOut.scale))
      let avg = PoolS8Params(
        geometry: g, inputOffset: k.input.inputOffset, outputOffset: avgOut.outputOffset, multiplier: avgM.multiplier,
        shift: avgM.shift)
      Self.expectClose(
        Int8Kernels.averagePooling(avg, x: k.x), FloatKernels.averagePooling(x, attrs).values, avgOut, "avg \(label)")

      let sumFloat = FloatKernels.sumPooling(x, attrs)
      let (lo, hi) = Self.minMax(sumFloat.values)
      let sumOut = QuantParams(covering: lo, hi)
      let sumM = QuantizedMultiplier(real: Double(k.input.scale) / Double(sumOut.scale))
      let sum = PoolS8Params(
        geometry: g, inputOffset: k.input.inputOffset, outputOffset: sumOut.outputOffset, multiplier: sumM.multiplier,
        shift: sumM.shift)
      Self.expectClose(Int8Kernels.sumPooling(sum, x: k.x), sumFloat.values, sumOut, "sum \(label)")
    }
  }

  @Test func globalAveragePoolingMatchesFloat() {
    var rng = SeededRandom(seed: 203)
    for trial in 0..<60 {
      let shape = [rng.int(1...2), rng.int(1...5), rng.int(1...7), rng.int(1...7)]
      let input = Int8Cases.quant(&rng)
      let qx = rng.int8s(shape.reduce(1, *))
      let float = FloatKernels.globalAveragePooling(FloatTensor(shape: shape, values: qx.map(input.dequantize)))
      let out = QuantParams(scale: input.scale * rng.pick([1, 1.5, 2]), zeroPoint: Int8Cases.quant(&rng).zeroPoint)
      let m = QuantizedMultiplier(real: Double(input.scale) / Double(out.scale))
      let p = GlobalPoolS8Params(
        outer: Int32(shape[0] * shape[1]), size: Int32(shape[2] * shape[3]), inputOffset: input.inputOffset,
        outputOffset: out.outputOffset, multiplier: m.multiplier, shift: m.shift)
      Self.expectClose(
        Int8Kernels.globalAveragePooling(p, x: qx), float.values, out, "#\(trial) gap \(shape) \(input) \(out)")
    }
  }

  @Test(arguments: ["add", "sub", "mul"])
  func arithmeticMatchesFloat(_ op: String) {
    var rng = SeededRandom(seed: 204)
    for trial in 0..<150 {
      let k = Int8Cases.binary(&rng)
      let (qa, qb) = (Int8Cases.quant(&rng), Int8Cases.quant(&rng))
      let a = FloatTensor(shape: k.aShape, values: k.a.map(qa.dequantize))
      let b = FloatTensor(shape: k.bShape, values: k.b.map(qb.dequantize))
      let float =
        op == "add" ? FloatKernels.add2(a, b) : op == "sub" ? FloatKernels.sub2(a, b) : FloatKernels.mul2(a, b)
      let (lo, hi) = Self.minMax(float.values)
      let out = QuantParams(covering: lo, hi)
      let (actMin, actMax, act) = Self.activation(&rng, out)
      let shape = k.outShape.map { Int32($0) }
      let int8: [Int8]
      if op == "mul" {
        int8 = Int8Kernels.mul(
          MulS8Params(
            shape: shape, aStrides: k.aStrides, bStrides: k.bStrides, a: qa, b: qb, output: out, actMin: actMin,
            actMax: actMax),
          k.a, k.b)
      } else {
        int8 = Int8Kernels.add(
          AddS8Params(
            shape: shape, aStrides: k.aStrides, bStrides: k.bStrides, a: qa, b: qb, output: out, subtract: op == "sub",
            actMin: actMin, actMax: actMax),
          k.a, k.b)
      }
      Self.expectClose(int8, float.values.map(act), out, "#\(trial) \(op) \(k) a \(qa) b \(qb) out \(out)")
    }
  }

  @Test func lookupTablesAreTheFloatActivations() throws {
    var rng = SeededRandom(seed: 205)
    for trial in 0..<20 {
      let (inQ, outQ) = (Int8Cases.quant(&rng), Int8Cases.quant(&rng))
      let all = (Int8.min...Int8.max).map { $0 }
      let x = FloatTensor(shape: [256], values: all.map(inQ.dequantize))
      let cases: [(Op, FloatTensor)] = [
        (.sigmoid, FloatKernels.sigmoid(x)), (.tanh, FloatKernels.tanh(x)), (.swish, FloatKernels.swish(x)),
        (.elu(alpha: 0.5), FloatKernels.elu(x, alpha: 0.5)),
        (.leakyReLU(alpha: 0.2), FloatKernels.leakyReLU(x, alpha: 0.2)),
      ]
      for (op, float) in cases {
        let table = try #require(Int8Kernels.activationTable(op, input: inQ, output: outQ))
        #expect(Int8Kernels.lookup(table, all) == float.values.map(outQ.quantize), "#\(trial) \(op)")
      }
      // ReLU / ReLU6 as a clamp are exact too.
      // (A standalone ReLU / ReLU6 keeps its input's quantization.)
      let r6 = inQ.activationRange(lower: 0, upper: 6)
      #expect(
        Int8Kernels.clamp(all, lo: Int8(r6.min), hi: Int8(r6.max)) == FloatKernels.relu6(x).values.map(inQ.quantize),
        "#\(trial) relu6 \(inQ)")
      let r = inQ.activationRange(lower: 0, upper: .infinity)
      #expect(
        Int8Kernels.clamp(all, lo: Int8(r.min), hi: Int8(r.max)) == FloatKernels.relu(x).values.map(inQ.quantize),
        "#\(trial) relu \(inQ)")
    }
  }
}
