import NNCRuntime
import NNIR
import NNInterpreter
import Testing
import _NNTestSupport

/// The int8 C kernels (`runtime-c/include/nnc_int8.h`) against their Swift twins (`Int8Kernels`,
/// NNIR's `FixedPoint` / `QuantParams`) on seeded random sweeps: the bytes must be identical.
/// The sweeps cover channel counts that are not multiples of 4, odd sizes, strides, padding,
/// dilation, groups and depthwise with multiplier 2, non-zero zero points on both sides, inputs at
/// -128 and 127, outputs that saturate at both ends, positive and negative multipliers, and NULL
/// bias.
@Suite struct Int8CKernelTests {
  /// Expects identical bytes and reports the first difference.
  static func expectIdentical(_ c: [Int8], _ swift: [Int8], _ label: @autoclosure () -> String) {
    guard c != swift else { return }
    let first = (0..<min(c.count, swift.count)).first { c[$0] != swift[$0] } ?? min(c.count, swift.count)
    Issue.record("\(label()): C and Swift differ first at \(first) (of \(c.count) / \(swift.count))")
  }

  static func withOptional<R>(_ a: [Int32]?, _ body: (UnsafePointer<Int32>?) -> R) -> R {
    guard let a else { return body(nil) }
    return a.withUnsafeBufferPointer { body($0.baseAddress) }
  }

  /// Multipliers that stress the rule: most from the case's scales, some above 1 (positive
  /// shifts), some negative, some tiny (shift near -31).
  static func stress(_ m: [QuantizedMultiplier], _ rng: inout SeededRandom) -> [QuantizedMultiplier] {
    m.map { m in
      switch rng.int(0...9) {
      case 0: return QuantizedMultiplier(real: rng.double(1...8))
      case 1: return QuantizedMultiplier(multiplier: -m.multiplier, shift: m.shift)
      case 2: return QuantizedMultiplier(real: Double(sign: .plus, exponent: rng.int(-31 ... -20), significand: 1.5))
      default: return m
      }
    }
  }

  // MARK: - The rule itself

  @Test func requantizeMatchesC() {
    var rng = SeededRandom(seed: 100)
    let edges: [Int32] = [.min, .min + 1, -(1 << 30), -3, -1, 0, 1, 3, 1 << 30, .max - 1, .max]
    var cases: [(Int32, Int32, Int32)] = []
    for acc in edges {
      for m in edges {
        for shift: Int32 in [-31, -30, -1, 0, 1, 2, 31] { cases.append((acc, m, shift)) }
      }
    }
    for _ in 0..<50_000 {
      let acc = rng.bool() ? Int32(truncatingIfNeeded: rng.next()) : rng.int32(-100_000...100_000)
      cases.append((acc, Int32(truncatingIfNeeded: rng.next()), rng.int32(-31...31)))
    }
    var mismatches = 0
    for (acc, m, shift) in cases {
      let c = nnc_requantize(acc, m, shift)
      let swift = FixedPoint.requantize(acc, multiplier: m, shift: shift)
      if c != swift {
        mismatches += 1
        if mismatches <= 5 { Issue.record("requantize(\(acc), \(m), \(shift)): C \(c), Swift \(swift)") }
      }
      #expect(nnc_output_s8(c, 5, -3, 100) == FixedPoint.output(swift, offset: 5, min: -3, max: 100))
    }
    #expect(mismatches == 0)
  }

  @Test func quantizeAndDequantizeMatchC() {
    var rng = SeededRandom(seed: 101)
    for _ in 0..<40 {
      let q = Int8Cases.quant(&rng)
      // Ties (k + 0.5)·scale, both signs, saturation, infinities and NaN, and plain values.
      var xs: [Float] = [.nan, .infinity, -.infinity, 0, -0.0, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
      xs += (-140...140).map { (Float($0) + 0.5) * q.scale }
      // Just inside and outside each tie, and around 2^30 · scale, where the C kernel leaves its
      // integer rounding for the saturating branch.
      xs += (-140...140).flatMap { k -> [Float] in let t = (Float(k) + 0.5) * q.scale; return [t.nextDown, t.nextUp] }
      xs += [Float(1 << 30), -Float(1 << 30)].flatMap { v -> [Float] in let t = v * q.scale; return [t.nextDown, t, t.nextUp] }
      xs += (0..<500).map { _ in rng.float() * 300 * q.scale }
      var y = [Int8](repeating: 0, count: xs.count)
      nnc_quantize_s8(Int32(xs.count), q.scale, q.zeroPoint, xs, &y)
      Self.expectIdentical(y, Int8Kernels.quantize(xs, q), "quantize \(q)")

      let all = (Int8.min...Int8.max).map { $0 }
      var f = [Float](repeating: .nan, count: 256)
      nnc_dequantize_s8(256, q.scale, q.zeroPoint, all, &f)
      #expect(f.map(\.bitPattern) == Int8Kernels.dequantize(all, q).map(\.bitPattern), "dequantize \(q)")
    }
  }

  // MARK: - Layers with weights

  @Test func convolutionSweep() {
    var rng = SeededRandom(seed: 102)
    var depthwiseMultiplier2 = 0
    for trial in 0..<300 {
      var k = Int8Cases.conv(&rng)
      (k.params.actMin, k.params.actMax) = Int8Cases.activation(&rng, output: k.output)
      let m = Self.stress(k.multipliers, &rng)
      let (mult, shift) = (m.map(\.multiplier), m.map(\.shift))
      let swift = Int8Kernels.convolution(
        k.params, x: k.x, weight: k.weight, bias: k.bias, outputMultiplier: mult, outputShift: shift)
      var p = k.params.c
      var y = [Int8](repeating: 0x55, count: k.params.outputCount)
      Self.withOptional(k.bias) { b in nnc_conv_s8(&p, k.x, k.weight, b, mult, shift, &y) }
      Self.expectIdentical(y, swift, "#\(trial) \(k)")
      if k.params.group == k.params.inC && k.params.outC == 2 * k.params.inC { depthwiseMultiplier2 += 1 }
    }
    #expect(depthwiseMultiplier2 >= 10, "the sweep should include depthwise with multiplier 2")
  }

  @Test func affineSweep() {
    var rng = SeededRandom(seed: 103)
    var saturatedLow = false
    var saturatedHigh = false
    for trial in 0..<120 {
      var k = Int8Cases.affine(&rng)
      (k.params.actMin, k.params.actMax) = Int8Cases.activation(&rng, output: k.output)
      let m = Self.stress(k.multipliers, &rng)
      let (mult, shift) = (m.map(\.multiplier), m.map(\.shift))
      let swift = Int8Kernels.affine(
        k.params, x: k.x, weight: k.weight, bias: k.bias, outputMultiplier: mult, outputShift: shift)
      var p = k.params.c
      var y = [Int8](repeating: 0x55, count: swift.count)
      Self.withOptional(k.bias) { b in nnc_affine_s8(&p, k.x, k.weight, b, mult, shift, &y) }
      Self.expectIdentical(y, swift, "#\(trial) \(k)")
      saturatedLow = saturatedLow || swift.contains(-128)
      saturatedHigh = saturatedHigh || swift.contains(127)
    }
    #expect(saturatedLow && saturatedHigh, "the sweep should saturate at both ends")
  }

  // MARK: - Pooling

  @Test func poolingSweep() {
    var rng = SeededRandom(seed: 104)
    for trial in 0..<300 {
      let k = Int8Cases.pool(&rng)
      let label = "#\(trial) \(k)"
      var g = k.geometry.c
      var y = [Int8](repeating: 0x55, count: k.geometry.outputCount)
      nnc_maxpool_s8(&g, k.x, &y)
      Self.expectIdentical(y, Int8Kernels.maxPooling(k.geometry, x: k.x), "max " + label)

      let out = Int8Cases.quant(&rng)
      let m = Self.stress([QuantizedMultiplier(real: Double(k.input.scale) / Double(out.scale))], &rng)[0]
      let act = Int8Cases.activation(&rng, output: out)
      let q = PoolS8Params(
        geometry: k.geometry, inputOffset: k.input.inputOffset, outputOffset: out.outputOffset,
        multiplier: m.multiplier, shift: m.shift, actMin: act.min, actMax: act.max)
      var p = q.c
      nnc_avgpool_s8(&p, k.x, &y)
      Self.expectIdentical(y, Int8Kernels.averagePooling(q, x: k.x), "avg \(m) " + label)
      nnc_sumpool_s8(&p, k.x, &y)
      Self.expectIdentical(y, Int8Kernels.sumPooling(q, x: k.x), "sum \(m) " + label)
    }
  }

  @Test func globalAveragePoolingSweep() {
    var rng = SeededRandom(seed: 105)
    for trial in 0..<60 {
      let (inQ, out) = (Int8Cases.quant(&rng), Int8Cases.quant(&rng))
      let m = Self.stress([QuantizedMultiplier(real: Double(inQ.scale) / Double(out.scale))], &rng)[0]
      let p = GlobalPoolS8Params(
        outer: rng.int32(1...7), size: rng.pick([1, 2, 9, 25, 49, 100]), inputOffset: inQ.inputOffset,
        outputOffset: out.outputOffset, multiplier: m.multiplier, shift: m.shift)
      let x = rng.int8s(Int(p.outer * p.size), extremes: trial % 3 == 0 ? 1 : 8)  // some all at the ends
      var c = p.c
      var y = [Int8](repeating: 0x55, count: Int(p.outer))
      nnc_global_avgpool_s8(&c, x, &y)
      Self.expectIdentical(y, Int8Kernels.globalAveragePooling(p, x: x), "#\(trial) \(p)")
    }
  }

  // MARK: - Arithmetic

  @Test func addAndSubSweep() {
    var rng = SeededRandom(seed: 106)
    for trial in 0..<200 {
      let k = Int8Cases.binary(&rng)
      let (qa, qb, qy) = (Int8Cases.quant(&rng), Int8Cases.quant(&rng), Int8Cases.quant(&rng))
      let act = Int8Cases.activation(&rng, output: qy)
      // Add, Sub2 (b's multiplier negated) and TFLite's Sub (b' subtracted).
      let subtract = trial % 3 != 0
      let afterScaling = trial % 3 == 2
      var p = AddS8Params(
        shape: k.outShape.map { Int32($0) }, aStrides: k.aStrides, bStrides: k.bStrides, a: qa, b: qb, output: qy,
        subtract: subtract, subtractAfterScaling: afterScaling, actMin: act.min, actMax: act.max)
      if subtract && !afterScaling { #expect(p.bMultiplier < 0, "Sub2 negates b's multiplier") }
      if afterScaling { #expect(p.bMultiplier > 0 && p.subtract == 1, "TFLite's Sub subtracts b'") }
      if rng.oneIn(5) {  // an output multiplier above 1, so the positive-shift path saturates
        let big = QuantizedMultiplier(real: rng.double(1...4))
        (p.outMultiplier, p.outShift) = (big.multiplier, big.shift)
      }
      var c = p.c
      var y = [Int8](repeating: 0x55, count: k.outShape.reduce(1, *))
      nnc_add_s8(&c, k.a, k.b, &y)
      Self.expectIdentical(y, Int8Kernels.add(p, k.a, k.b), "#\(trial) \(subtract ? "sub" : "add") \(k) \(p)")
    }
  }

  @Test func mulSweep() {
    var rng = SeededRandom(seed: 107)
    for trial in 0..<200 {
      let k = Int8Cases.binary(&rng)
      let (qa, qb, qy) = (Int8Cases.quant(&rng), Int8Cases.quant(&rng), Int8Cases.quant(&rng))
      let act = Int8Cases.activation(&rng, output: qy)
      var p = MulS8Params(
        shape: k.outShape.map { Int32($0) }, aStrides: k.aStrides, bStrides: k.bStrides, a: qa, b: qb, output: qy,
        actMin: act.min, actMax: act.max)
      let m = Self.stress([QuantizedMultiplier(multiplier: p.outMultiplier, shift: p.outShift)], &rng)[0]
      (p.outMultiplier, p.outShift) = (m.multiplier, m.shift)
      var c = p.c
      var y = [Int8](repeating: 0x55, count: k.outShape.reduce(1, *))
      nnc_mul_s8(&c, k.a, k.b, &y)
      Self.expectIdentical(y, Int8Kernels.mul(p, k.a, k.b), "#\(trial) \(k) \(p)")
    }
  }

  // MARK: - Element-wise

  @Test(arguments: [Op.sigmoid, .tanh, .swish, .elu(alpha: 1), .leakyReLU(alpha: 0.1)])
  func lookupTableSweep(_ op: Op) throws {
    var rng = SeededRandom(seed: 108)
    for trial in 0..<20 {
      let (inQ, outQ) = (Int8Cases.quant(&rng), Int8Cases.quant(&rng))
      let table = try #require(Int8Kernels.activationTable(op, input: inQ, output: outQ))
      let x = rng.int8s(300, extremes: 4)
      let swift = Int8Kernels.lookup(table, x)
      var y = [Int8](repeating: 0x55, count: x.count)
      nnc_lut_s8(Int32(x.count), table, x, &y)
      Self.expectIdentical(y, swift, "#\(trial) \(op) in \(inQ) out \(outQ)")
      var inPlace = x
      inPlace.withUnsafeMutableBufferPointer { nnc_lut_s8(Int32($0.count), table, $0.baseAddress, $0.baseAddress) }
      Self.expectIdentical(inPlace, swift, "#\(trial) \(op) in place")
    }
  }

  @Test func clampSweep() {
    var rng = SeededRandom(seed: 109)
    for trial in 0..<50 {
      let lo = Int8(rng.int(-128...127))
      let hi = Int8(rng.int(Int(lo)...127))
      let x = rng.int8s(rng.int(0...200), extremes: 4)
      let swift = Int8Kernels.clamp(x, lo: lo, hi: hi)
      var y = [Int8](repeating: 0x55, count: x.count)
      nnc_clamp_s8(Int32(x.count), lo, hi, x, &y)
      Self.expectIdentical(y, swift, "#\(trial) clamp \(lo)...\(hi)")
      var inPlace = x
      inPlace.withUnsafeMutableBufferPointer { nnc_clamp_s8(Int32($0.count), lo, hi, $0.baseAddress, $0.baseAddress) }
      Self.expectIdentical(inPlace, swift, "#\(trial) clamp in place")
    }
  }

  @Test func softmaxSweep() {
    var rng = SeededRandom(seed: 110)
    for trial in 0..<60 {
      let p = SoftmaxParams(outer: rng.int32(1...3), axisSize: rng.pick([1, 2, 3, 10, 17]), inner: rng.int32(1...4))
      let inQ = Int8Cases.quant(&rng)
      let outQ = rng.bool() ? QuantParams(scale: 1.0 / 256, zeroPoint: -128) : Int8Cases.quant(&rng)
      let x = rng.int8s(p.count)
      let swift = Int8Kernels.softmax(p, input: inQ, output: outQ, x: x)
      var c = p.c
      var y = [Int8](repeating: 0x55, count: x.count)
      nnc_softmax_s8(&c, inQ.scale, inQ.zeroPoint, outQ.scale, outQ.zeroPoint, x, &y)
      Self.expectIdentical(y, swift, "#\(trial) softmax \(p) in \(inQ) out \(outQ)")
      var inPlace = x
      inPlace.withUnsafeMutableBufferPointer {
        nnc_softmax_s8(&c, inQ.scale, inQ.zeroPoint, outQ.scale, outQ.zeroPoint, $0.baseAddress, $0.baseAddress)
      }
      Self.expectIdentical(inPlace, swift, "#\(trial) softmax in place")
      // The FPU path is the float softmax on the dequantized input, quantized once.
      let float = FloatKernels.softmax(
        FloatTensor(shape: [Int(p.outer), Int(p.axisSize), Int(p.inner)], values: x.map(inQ.dequantize)), axis: 1)
      #expect(swift == float.values.map(outQ.quantize), "#\(trial) softmax vs float")
    }
  }

  /// TFLite's integer softmax: C and Swift on random rows, scales and betas (up to the 511-long
  /// axis the kernel takes, and ties, extremes and one-element rows).
  @Test func softmaxTFLiteSweep() throws {
    var rng = SeededRandom(seed: 111)
    for trial in 0..<60 {
      let geometry = SoftmaxParams(outer: rng.int32(1...3), axisSize: rng.pick([1, 2, 3, 10, 17, 511]), inner: rng.int32(1...3))
      let scale = Double(rng.pick([0.002, 0.02, 0.0467, 0.1, 0.5, 3.0])) * rng.pick([0.5, 1, 1.7])
      let p = try #require(SoftmaxTFLiteS8Params(geometry: geometry, betaTimesInputScale: scale))
      let x = rng.int8s(geometry.count, extremes: 4)
      let swift = Int8Kernels.softmaxTFLite(p, x: x)
      var c = geometry.c
      var y = [Int8](repeating: 0x55, count: x.count)
      nnc_softmax_tfl_s8(&c, p.expTable, x, &y)
      Self.expectIdentical(y, swift, "#\(trial) softmax_tfl \(geometry) scale \(scale)")
      var inPlace = x
      inPlace.withUnsafeMutableBufferPointer { nnc_softmax_tfl_s8(&c, p.expTable, $0.baseAddress, $0.baseAddress) }
      Self.expectIdentical(inPlace, swift, "#\(trial) softmax_tfl in place")
    }
  }

  // MARK: - Concatenate and data movement

  @Test func concatenateSweep() {
    var rng = SeededRandom(seed: 111)
    for trial in 0..<60 {
      let outer = rng.int(1...4)
      let inner = rng.int(1...5)
      let widths = (0..<rng.int(1...4)).map { _ in rng.int(1...4) * inner }
      let yInner = widths.reduce(0, +)
      let outQ = Int8Cases.quant(&rng)
      var c = [Int8](repeating: 0x55, count: outer * yInner)
      var swift = c
      var offset = 0
      for w in widths {
        let inQ = rng.oneIn(3) ? outQ : Int8Cases.quant(&rng)
        let x = rng.int8s(outer * w)
        let p = ConcatenateParams(outer: Int32(outer), xInner: Int32(w), yInner: Int32(yInner), yOffset: Int32(offset))
        let r = RescaleS8Params(from: inQ, to: outQ)
        var cp = p.c
        if var rc = r?.c {
          nnc_concatenate_s8(&cp, &rc, x, &c)
        } else {
          nnc_concatenate_s8(&cp, nil, x, &c)
        }
        Int8Kernels.concatenate(p, rescale: r, x: x, into: &swift)
        offset += w
      }
      Self.expectIdentical(c, swift, "#\(trial) concatenate widths \(widths) outer \(outer)")
    }
  }

  @Test func transposeSliceAndPadSweep() {
    var rng = SeededRandom(seed: 112)
    for trial in 0..<80 {
      let rank = rng.int(1...4)
      let shape = (0..<rank).map { _ in rng.int(1...5) }
      let x = rng.int8s(shape.reduce(1, *))
      let xStrides = rowMajorStrides(shape)
      let asFloat = FloatTensor(shape: shape, values: x.map { Float($0) })

      // Transpose: a random permutation; also checked against the float kernel on the same values.
      var axes = Array(0..<rank)
      for i in stride(from: rank - 1, to: 0, by: -1) { axes.swapAt(i, rng.int(0...i)) }
      let t = TransposeParams(yShape: axes.map { Int32(shape[$0]) }, xStrides: axes.map { Int32(xStrides[$0]) })
      var tc = t.c
      var y = [Int8](repeating: 0x55, count: x.count)
      nnc_transpose_s8(&tc, x, &y)
      let ts = Int8Kernels.transpose(t, x: x)
      Self.expectIdentical(y, ts, "#\(trial) transpose \(shape) \(axes)")
      #expect(ts.map { Float($0) } == FloatKernels.transpose(asFloat, axes: axes).values)

      // Slice with positive and negative steps.
      var start = [Int]()
      var stop = [Int]()
      var step = [Int]()
      for d in 0..<rank {
        let s = rng.pick([1, 1, 2, -1, -2])
        if s > 0 {
          start.append(rng.int(0...(shape[d] - 1)))
          stop.append(rng.int(start[d]...shape[d]))
        } else {
          start.append(rng.int(0...(shape[d] - 1)))
          stop.append(rng.int(-1...start[d]))
        }
        step.append(s)
      }
      let yShape = (0..<rank).map { FloatKernels.sliceCount(start: start[$0], stop: stop[$0], step: step[$0]) }
      let s = SliceParams(
        xShape: shape.map { Int32($0) }, start: start.map { Int32($0) }, step: step.map { Int32($0) },
        yShape: yShape.map { Int32($0) })
      var sc = s.c
      y = [Int8](repeating: 0x55, count: yShape.reduce(1, *))
      nnc_slice_s8(&sc, x, &y)
      let ss = Int8Kernels.slice(s, x: x)
      Self.expectIdentical(y, ss, "#\(trial) slice \(shape) \(start) \(stop) \(step)")
      #expect(
        ss.map { Float($0) }
          == FloatKernels.slice(asFloat, SliceAttributes(start: start, stop: stop, step: step)).values)

      // Pad in each mode (reflect needs pad < size per nnabla).
      let mode = rng.pick([PadAttributes.Mode.constant, .reflect, .repeating])
      let before = shape.map { n in Int32(rng.int(0...(mode == .reflect ? n - 1 : 3))) }
      let after = shape.map { n in Int32(rng.int(0...(mode == .reflect ? n - 1 : 3))) }
      let pp = PadParams(xShape: shape.map { Int32($0) }, padBefore: before, padAfter: after, mode: mode)
      let padValue = Int8(rng.int(-128...127))
      var pc = pp.c
      y = [Int8](repeating: 0x55, count: pp.yShape.reduce(1) { $0 * Int($1) })
      nnc_pad_s8(&pc, padValue, x, &y)
      let ps = Int8Kernels.pad(pp, padValue: padValue, x: x)
      Self.expectIdentical(y, ps, "#\(trial) pad \(shape) \(before) \(after) \(mode)")
      let pf = FloatKernels.pad(
        asFloat, before: before.map { Int($0) }, after: after.map { Int($0) }, mode: mode,
        constantValue: Float(padValue))
      #expect(ps.map { Float($0) } == pf.values, "#\(trial) pad vs float")
    }
  }
}
