import NNCRuntime
import NNIR
import NNInterpreter
import Testing

/// The C spatial kernels (`runtime-c/include/nnc_spatial.h`) against the Swift reference kernels
/// (`FloatKernels`) on the same random inputs, over a deterministic sweep of shapes and attributes.
/// Both sides keep the same summation order, so on x86-64 (no implicit FMA) the results must be
/// bit-identical; elsewhere within 1e-5 of the output range.
@Suite struct SpatialCKernelTests {
  // MARK: - Helpers

  /// SplitMix64: a small deterministic generator so every run sees the same sweep.
  struct Rng {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int {
      range.lowerBound + Int(next() % UInt64(range.count))
    }
    mutating func bool() -> Bool { next() & 1 == 1 }
    mutating func float() -> Float { Float(next() >> 40) / Float(1 << 24) * 2 - 1 }
    mutating func tensor(_ shape: [Int]) -> FloatTensor {
      FloatTensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in float() })
    }
    mutating func pick<T>(_ xs: [T]) -> T { xs[int(0...(xs.count - 1))] }
  }

  static func withOptional<R>(_ a: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let a else { return body(nil) }
    return a.withUnsafeBufferPointer { body($0.baseAddress) }
  }

  /// Expects C and Swift outputs to agree (bit-identical on x86-64).
  static func expectSame(_ c: [Float], _ swift: FloatTensor, _ label: String) {
    #expect(c.count == swift.count, "\(label): C wrote \(c.count) values, Swift \(swift.count)")
    guard c.count == swift.count else { return }
    var worst: Float = 0
    var identical = true
    var scale: Float = 1e-6
    for i in 0..<c.count {
      let (a, b) = (c[i], swift.values[i])
      if a.bitPattern != b.bitPattern && !(a.isNaN && b.isNaN) { identical = false }
      if a.isFinite && b.isFinite {
        worst = max(worst, abs(a - b))
        scale = max(scale, abs(b))
      } else if !(a == b || (a.isNaN && b.isNaN)) {
        worst = .infinity
      }
    }
    #expect(worst <= 1e-5 * scale, "\(label): max |Δ| \(worst), scale \(scale)")
    #if arch(x86_64)
      #expect(identical, "\(label): C and Swift differ in the last bits (max |Δ| \(worst))")
    #endif
  }

  static func i32(_ v: Int) -> Int32 { Int32(v) }

  // MARK: - Affine

  @Test func affineSweep() {
    var rng = Rng(state: 1)
    for trial in 0..<60 {
      let baseAxis = rng.int(1...2)
      let lead = (0..<baseAxis).map { _ in rng.int(1...3) }
      let tail = (0..<rng.int(1...3)).map { _ in rng.int(1...6) }
      let outShape = (0..<rng.int(1...2)).map { _ in rng.int(1...9) }
      let inFeatures = tail.reduce(1, *)
      let x = rng.tensor(lead + tail)
      let w = rng.tensor([inFeatures] + outShape)
      let b: FloatTensor? = rng.bool() ? rng.tensor(outShape) : nil
      let swift = FloatKernels.affine(x, weight: w, bias: b, AffineAttributes(baseAxis: baseAxis))

      var p = nnc_affine_params()
      p.outer = Self.i32(lead.reduce(1, *))
      p.in_features = Self.i32(inFeatures)
      p.out_features = Self.i32(outShape.reduce(1, *))
      var y = [Float](repeating: .nan, count: swift.count)
      Self.withOptional(b?.values) { bp in nnc_affine_f32(&p, x.values, w.values, bp, &y) }
      Self.expectSame(y, swift, "affine #\(trial) x\(x.shape) w\(w.shape) bias \(b != nil)")
    }
  }

  // MARK: - Convolution and depthwise

  /// Runs `nnc_conv_f32` for a channel-first x with 1 or 2 spatial axes.
  static func cConv(
    x: FloatTensor, w: [Float], b: [Float]?, outShape: [Int], kernel: [Int], pad: [Int], stride: [Int],
    dilation: [Int], group: Int
  ) -> [Float] {
    var p = convParams(x: x, outShape: outShape, kernel: kernel, pad: pad, stride: stride, dilation: dilation, group: group)
    var y = [Float](repeating: .nan, count: outShape.reduce(1, *))
    withOptional(b) { bp in nnc_conv_f32(&p, x.values, w, bp, &y) }
    return y
  }

  /// nnc_conv_params for a channel-first x with 1 or 2 spatial axes.
  static func convParams(
    x: FloatTensor, outShape: [Int], kernel: [Int], pad: [Int], stride: [Int], dilation: [Int], group: Int
  ) -> nnc_conv_params {
    let lift = { (v: [Int], fill: Int) in v.count == 1 ? [fill, v[0]] : v }
    let inSp = lift(Array(x.shape[2...]), 1)
    let outSp = lift(Array(outShape[2...]), 1)
    let k = lift(kernel, 1), s = lift(stride, 1), pd = lift(pad, 0), d = lift(dilation, 1)
    var p = nnc_conv_params()
    p.batch = i32(x.shape[0])
    p.in_c = i32(x.shape[1]); p.in_h = i32(inSp[0]); p.in_w = i32(inSp[1])
    p.out_c = i32(outShape[1]); p.out_h = i32(outSp[0]); p.out_w = i32(outSp[1])
    p.kernel_h = i32(k[0]); p.kernel_w = i32(k[1])
    p.stride_h = i32(s[0]); p.stride_w = i32(s[1])
    p.pad_h = i32(pd[0]); p.pad_w = i32(pd[1])
    p.dilation_h = i32(d[0]); p.dilation_w = i32(d[1])
    p.group = i32(group)
    return p
  }

  /// Random spatial geometry whose convolution output is non-empty.
  static func geometry(_ rng: inout Rng, rank: Int) -> (input: [Int], kernel: [Int], pad: [Int], stride: [Int], dilation: [Int]) {
    while true {
      let input = (0..<rank).map { _ in rng.int(1...11) }
      let kernel = (0..<rank).map { _ in rng.pick([1, 1, 2, 3, 3, 5]) }
      let pad = (0..<rank).map { _ in rng.pick([0, 0, 1, 2]) }
      let stride = (0..<rank).map { _ in rng.pick([1, 1, 2, 3]) }
      let dilation = (0..<rank).map { _ in rng.pick([1, 1, 1, 2, 3]) }
      let ok = (0..<rank).allSatisfy { i in input[i] + 2 * pad[i] >= dilation[i] * (kernel[i] - 1) + 1 }
      if ok { return (input, kernel, pad, stride, dilation) }
    }
  }

  @Test func convolutionSweep() {
    var rng = Rng(state: 2)
    for trial in 0..<150 {
      let rank = rng.int(1...2)
      let g = Self.geometry(&rng, rank: rank)
      let group = rng.pick([1, 1, 1, 2, 3])
      let inC = group * rng.int(1...3)
      let outC = group * rng.int(1...3)
      let batch = rng.int(1...2)
      let x = rng.tensor([batch, inC] + g.input)
      let w = rng.tensor([outC, inC / group] + g.kernel)
      let b: FloatTensor? = rng.bool() ? rng.tensor([outC]) : nil
      let attrs = ConvolutionAttributes(pad: g.pad, stride: g.stride, dilation: g.dilation, group: group)
      let swift = FloatKernels.convolution(x, weight: w, bias: b, attrs)
      let c = Self.cConv(
        x: x, w: w.values, b: b?.values, outShape: swift.shape, kernel: g.kernel, pad: g.pad, stride: g.stride,
        dilation: g.dilation, group: group)
      Self.expectSame(c, swift, "conv #\(trial) x\(x.shape) w\(w.shape) \(attrs)")
    }
  }

  @Test func depthwiseSweepUsesGroupedConv() {
    var rng = Rng(state: 3)
    for trial in 0..<80 {
      let rank = rng.int(1...2)
      let g = Self.geometry(&rng, rank: rank)
      let channels = rng.int(1...7)
      let multiplier = rng.pick([1, 1, 2, 3])
      let x = rng.tensor([rng.int(1...2), channels] + g.input)
      let w = rng.tensor([channels * multiplier] + g.kernel)
      let b: FloatTensor? = rng.bool() ? rng.tensor([channels * multiplier]) : nil
      let attrs = DepthwiseConvolutionAttributes(
        pad: g.pad, stride: g.stride, dilation: g.dilation, multiplier: multiplier)
      let swift = FloatKernels.depthwiseConvolution(x, weight: w, bias: b, attrs)
      // Depthwise = nnc_conv_f32 with group = channels; W [C*m, k…] is the same memory as [C*m, 1, k…].
      let c = Self.cConv(
        x: x, w: w.values, b: b?.values, outShape: swift.shape, kernel: g.kernel, pad: g.pad, stride: g.stride,
        dilation: g.dilation, group: channels)
      Self.expectSame(c, swift, "depthwise #\(trial) x\(x.shape) w\(w.shape) \(attrs)")
    }
  }

  /// nnc_dwconv_f32 gives nnc_conv_f32's bits (same summation order) on depthwise geometries,
  /// half of them 3x3 with dilation 1 (its two-outputs-at-a-time path), and so FloatKernels' too.
  @Test func depthwiseKernelIsBitIdenticalToTheGroupedConvolution() {
    var rng = Rng(state: 4)
    for trial in 0..<120 {
      let rank = rng.int(1...2)
      var g = Self.geometry(&rng, rank: rank)
      if trial % 2 == 0 {
        g.kernel = g.kernel.map { _ in 3 }
        g.dilation = g.dilation.map { _ in 1 }
        g.input = g.input.map { max($0, 3) + rng.int(0...6) }
      }
      let channels = rng.int(1...5)
      let multiplier = rng.pick([1, 1, 2])
      let x = rng.tensor([rng.int(1...2), channels] + g.input)
      let w = rng.tensor([channels * multiplier] + g.kernel)
      let b: FloatTensor? = rng.bool() ? rng.tensor([channels * multiplier]) : nil
      let attrs = DepthwiseConvolutionAttributes(pad: g.pad, stride: g.stride, dilation: g.dilation, multiplier: multiplier)
      let swift = FloatKernels.depthwiseConvolution(x, weight: w, bias: b, attrs)
      let grouped = Self.cConv(
        x: x, w: w.values, b: b?.values, outShape: swift.shape, kernel: g.kernel, pad: g.pad, stride: g.stride,
        dilation: g.dilation, group: channels)
      var p = Self.convParams(x: x, outShape: swift.shape, kernel: g.kernel, pad: g.pad, stride: g.stride, dilation: g.dilation, group: channels)
      var y = [Float](repeating: .nan, count: swift.count)
      Self.withOptional(b?.values) { bp in nnc_dwconv_f32(&p, x.values, w.values, bp, &y) }
      #expect(y.map(\.bitPattern) == grouped.map(\.bitPattern), "depthwise #\(trial) x\(x.shape) w\(w.shape) \(attrs)")
      Self.expectSame(y, swift, "depthwise #\(trial) x\(x.shape) w\(w.shape) \(attrs)")
    }
  }

  // MARK: - Deconvolution

  @Test func deconvolutionSweep() {
    var rng = Rng(state: 4)
    var trial = 0
    while trial < 120 {
      let rank = rng.int(1...2)
      let input = (0..<rank).map { _ in rng.int(1...7) }
      let kernel = (0..<rank).map { _ in rng.pick([1, 2, 3, 3, 4]) }
      let stride = (0..<rank).map { _ in rng.pick([1, 1, 2, 3]) }
      let pad = (0..<rank).map { _ in rng.pick([0, 0, 1, 2]) }
      let dilation = (0..<rank).map { _ in rng.pick([1, 1, 2]) }
      let outputPadding = (0..<rank).map { i in rng.int(0...(stride[i] - 1)) }
      var outSp: [Int] = []
      for i in 0..<rank {
        let span: Int = dilation[i] * (kernel[i] - 1) + 1
        let size: Int = (input[i] - 1) * stride[i] - 2 * pad[i] + span + outputPadding[i]
        outSp.append(size)
      }
      guard outSp.allSatisfy({ $0 > 0 }) else { continue }
      let group = rng.pick([1, 1, 2, 3])
      let inC = group * rng.int(1...3)
      let outPerGroup = rng.int(1...3)
      let batch = rng.int(1...2)
      let x = rng.tensor([batch, inC] + input)
      let w = rng.tensor([inC, outPerGroup] + kernel)
      let b: FloatTensor? = rng.bool() ? rng.tensor([outPerGroup * group]) : nil
      let attrs = DeconvolutionAttributes(
        pad: pad, stride: stride, dilation: dilation, group: group, outputPadding: outputPadding)
      let swift = FloatKernels.deconvolution(x, weight: w, bias: b, attrs)
      #expect(swift.shape == [batch, outPerGroup * group] + outSp)

      let lift = { (v: [Int], fill: Int) in v.count == 1 ? [fill, v[0]] : v }
      let inL = lift(input, 1), outL = lift(outSp, 1), k = lift(kernel, 1)
      let s = lift(stride, 1), pd = lift(pad, 0), d = lift(dilation, 1)
      var p = nnc_deconv_params()
      p.batch = Self.i32(batch)
      p.in_c = Self.i32(inC); p.in_h = Self.i32(inL[0]); p.in_w = Self.i32(inL[1])
      p.out_c = Self.i32(outPerGroup * group); p.out_h = Self.i32(outL[0]); p.out_w = Self.i32(outL[1])
      p.kernel_h = Self.i32(k[0]); p.kernel_w = Self.i32(k[1])
      p.stride_h = Self.i32(s[0]); p.stride_w = Self.i32(s[1])
      p.pad_h = Self.i32(pd[0]); p.pad_w = Self.i32(pd[1])
      p.dilation_h = Self.i32(d[0]); p.dilation_w = Self.i32(d[1])
      p.group = Self.i32(group)
      var y = [Float](repeating: .nan, count: swift.count)
      Self.withOptional(b?.values) { bp in nnc_deconv_f32(&p, x.values, w.values, bp, &y) }
      Self.expectSame(y, swift, "deconv #\(trial) x\(x.shape) w\(w.shape) \(attrs)")
      trial += 1
    }
  }

  // MARK: - Pooling

  @Test func poolingSweep() {
    var rng = Rng(state: 5)
    var trial = 0
    while trial < 150 {
      let rank = rng.int(1...2)
      let input = (0..<rank).map { _ in rng.int(1...12) }
      let kernel = (0..<rank).map { _ in rng.int(1...4) }
      let stride = (0..<rank).map { _ in rng.int(1...3) }
      let pad = (0..<rank).map { i in rng.int(0...(kernel[i] - 1)) }
      let ignoreBorder = rng.bool()
      let includingPad = rng.bool()
      if ignoreBorder, (0..<rank).contains(where: { input[$0] + 2 * pad[$0] < kernel[$0] }) { continue }
      let lead = [rng.int(1...2), rng.int(1...4)]
      let x = rng.tensor(lead + input)
      let attrs = PoolingAttributes(
        kernel: kernel, stride: stride, ignoreBorder: ignoreBorder, pad: pad, includingPad: includingPad)
      let outSp = Array(FloatKernels.maxPooling(x, attrs).shape[2...])

      let lift = { (v: [Int], fill: Int) in v.count == 1 ? [fill, v[0]] : v }
      let inL = lift(input, 1), outL = lift(outSp, 1), k = lift(kernel, 1), s = lift(stride, 1), pd = lift(pad, 0)
      var p = nnc_pool_params()
      p.outer = Self.i32(lead.reduce(1, *))
      p.in_h = Self.i32(inL[0]); p.in_w = Self.i32(inL[1])
      p.out_h = Self.i32(outL[0]); p.out_w = Self.i32(outL[1])
      p.kernel_h = Self.i32(k[0]); p.kernel_w = Self.i32(k[1])
      p.stride_h = Self.i32(s[0]); p.stride_w = Self.i32(s[1])
      p.pad_h = Self.i32(pd[0]); p.pad_w = Self.i32(pd[1])
      p.including_pad = includingPad ? 1 : 0
      let count = lead.reduce(1, *) * outSp.reduce(1, *)
      let label = "pool #\(trial) x\(x.shape) \(attrs)"

      var y = [Float](repeating: .nan, count: count)
      nnc_maxpool_f32(&p, x.values, &y)
      Self.expectSame(y, FloatKernels.maxPooling(x, attrs), "max " + label)
      nnc_avgpool_f32(&p, x.values, &y)
      Self.expectSame(y, FloatKernels.averagePooling(x, attrs), "avg " + label)
      nnc_sumpool_f32(&p, x.values, &y)
      Self.expectSame(y, FloatKernels.sumPooling(x, attrs), "sum " + label)
      trial += 1
    }
  }

  @Test func globalAveragePoolingSweep() {
    var rng = Rng(state: 6)
    for trial in 0..<30 {
      let shape = [rng.int(1...2), rng.int(1...6)] + (0..<rng.int(1...2)).map { _ in rng.int(1...9) }
      let x = rng.tensor(shape)
      let swift = FloatKernels.globalAveragePooling(x)
      var p = nnc_global_pool_params()
      p.outer = Self.i32(shape[0] * shape[1])
      p.size = Self.i32(shape[2...].reduce(1, *))
      var y = [Float](repeating: .nan, count: shape[0] * shape[1])
      nnc_global_avgpool_f32(&p, x.values, &y)
      Self.expectSame(y, swift, "gap #\(trial) x\(shape)")
    }
  }

  // MARK: - BatchNormalization

  @Test func batchNormalizationSweep() {
    var rng = Rng(state: 7)
    for trial in 0..<40 {
      let rank = rng.int(2...4)
      let shape = (0..<rank).map { _ in rng.int(1...6) }
      let axis = rng.int(1...(rank - 1))
      let channels = shape[axis]
      var statShape = [Int](repeating: 1, count: rank)
      statShape[axis] = channels
      let x = rng.tensor(shape)
      let beta = rng.tensor(statShape), gamma = rng.tensor(statShape), mean = rng.tensor(statShape)
      let variance = FloatTensor(shape: statShape, values: (0..<channels).map { _ in abs(rng.float()) * 3 + 0.01 })
      let eps: Float = rng.pick([1e-5, 1e-3, 1e-2])
      let swift = FloatKernels.batchNormalization(
        x, beta: beta, gamma: gamma, mean: mean, variance: variance,
        BatchNormalizationAttributes(axes: [axis], eps: eps))
      var p = nnc_batchnorm_params()
      p.outer = Self.i32(shape[..<axis].reduce(1, *))
      p.channels = Self.i32(channels)
      p.inner = Self.i32(shape[(axis + 1)...].reduce(1, *))
      p.eps = eps
      var y = [Float](repeating: .nan, count: x.count)
      nnc_batchnorm_f32(&p, x.values, beta.values, gamma.values, mean.values, variance.values, &y)
      Self.expectSame(y, swift, "batchnorm #\(trial) x\(shape) axis \(axis)")

      // In place (y == x) is allowed by the C contract.
      var inPlace = x.values
      inPlace.withUnsafeMutableBufferPointer { buf in
        nnc_batchnorm_f32(&p, buf.baseAddress, beta.values, gamma.values, mean.values, variance.values, buf.baseAddress)
      }
      Self.expectSame(inPlace, swift, "batchnorm in place #\(trial)")
    }
  }
}
