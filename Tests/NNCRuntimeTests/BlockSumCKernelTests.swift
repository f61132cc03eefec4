import NNCRuntime
import NNIR
import NNInterpreter
import Testing

/// Long reductions (more products than `FloatKernels.sumBlock`): the C kernels sum in the same
/// blocks as the Swift ones, bit for bit on x86-64, at and around the block boundaries; and the
/// blocks are really there (a sum one running total gets wrong by 31 units).
@Suite struct BlockSumCKernelTests {
  typealias S = SpatialCKernelTests

  /// 2^24 then 63 ones: one running total stays at 2^24 (each 1 is half a unit and rounds away);
  /// blocks of 32 keep 2^24 + 31 ones → 2^24 and 32 ones → 32, total 2^24 + 32. (Exact: 2^24 + 63.)
  static let bigThenOnes: [Float] = [16_777_216] + [Float](repeating: 1, count: 63)
  static let blockedSum: Float = 16_777_248

  @Test func affine_sumsInBlocksOf32() {
    #expect(FloatKernels.sumBlock == 32)
    let x = FloatTensor(shape: [1, 64], values: Self.bigThenOnes)
    let w = FloatTensor(shape: [64, 1], values: [Float](repeating: 1, count: 64))
    let swift = FloatKernels.affine(x, weight: w, bias: nil, AffineAttributes(baseAxis: 1))
    var p = nnc_affine_params(outer: 1, in_features: 64, out_features: 1)
    var y: [Float] = [.nan]
    nnc_affine_f32(&p, x.values, w.values, nil, &y)
    #expect(swift.values == [Self.blockedSum])
    #expect(y == [Self.blockedSum])
  }

  @Test func convolution_sumsInBlocksOfChannels() {
    // A 1x1 kernel: 32 channels a block, the same sum as the Affine above.
    let x = FloatTensor(shape: [1, 64, 1, 1], values: Self.bigThenOnes)
    let w = FloatTensor(shape: [1, 64, 1, 1], values: [Float](repeating: 1, count: 64))
    let attrs = ConvolutionAttributes(pad: [0, 0], stride: [1, 1], dilation: [1, 1], group: 1)
    let swift = FloatKernels.convolution(x, weight: w, bias: nil, attrs)
    let c = S.cConv(x: x, w: w.values, b: nil, outShape: swift.shape, kernel: [1, 1], pad: [0, 0], stride: [1, 1], dilation: [1, 1], group: 1)
    #expect(swift.values == [Self.blockedSum])
    #expect(c == [Self.blockedSum])
  }

  @Test func affineSweepAcrossBlockBoundaries() {
    var rng = S.Rng(state: 11)
    for inFeatures in [1, 31, 32, 33, 63, 64, 65, 96, 100, 257, 640] {
      for trial in 0..<3 {
        let outer = rng.int(1...2), outFeatures = rng.int(1...9)
        let x = rng.tensor([outer, inFeatures])
        let w = rng.tensor([inFeatures, outFeatures])
        let b: FloatTensor? = rng.bool() ? rng.tensor([outFeatures]) : nil
        let swift = FloatKernels.affine(x, weight: w, bias: b, AffineAttributes(baseAxis: 1))
        var p = nnc_affine_params(outer: S.i32(outer), in_features: S.i32(inFeatures), out_features: S.i32(outFeatures))
        var y = [Float](repeating: .nan, count: swift.count)
        S.withOptional(b?.values) { bp in nnc_affine_f32(&p, x.values, w.values, bp, &y) }
        S.expectSame(y, swift, "affine in \(inFeatures) #\(trial)")
      }
    }
  }

  /// Kernel sizes on both sides of the block (1x1: 32 channels a block, 3x3: 3, 5x5: 1, 7x7: 1),
  /// channel counts around multiples of the block, groups, padding that drops taps.
  @Test func convolutionSweepAcrossBlockBoundaries() {
    var rng = S.Rng(state: 12)
    let cases: [(kernel: [Int], channels: [Int])] = [
      ([1, 1], [31, 32, 33, 64, 70]), ([3, 3], [2, 3, 4, 6, 7, 20]), ([1, 3], [10, 11, 12]), ([5], [1, 2, 3]),
      ([5, 5], [2, 3]), ([7, 7], [2]),
    ]
    for (kernel, channelCounts) in cases {
      for inPerGroup in channelCounts {
        let group = rng.pick([1, 1, 2])
        let input = kernel.map { k in rng.int(max(1, k - 2)...(k + 4)) }
        let pad = kernel.map { k in rng.int(0...(k / 2)) }
        guard (0..<kernel.count).allSatisfy({ input[$0] + 2 * pad[$0] >= kernel[$0] }) else { continue }
        let ones = kernel.map { _ in 1 }
        let outC = group * rng.int(1...3)
        let x = rng.tensor([rng.int(1...2), group * inPerGroup] + input)
        let w = rng.tensor([outC, inPerGroup] + kernel)
        let b: FloatTensor? = rng.bool() ? rng.tensor([outC]) : nil
        let attrs = ConvolutionAttributes(pad: pad, stride: ones, dilation: ones, group: group)
        let swift = FloatKernels.convolution(x, weight: w, bias: b, attrs)
        let c = S.cConv(
          x: x, w: w.values, b: b?.values, outShape: swift.shape, kernel: kernel, pad: pad, stride: ones, dilation: ones,
          group: group)
        S.expectSame(c, swift, "conv x\(x.shape) w\(w.shape) \(attrs)")
      }
    }
  }

  @Test func deconvolutionSweepAcrossBlockBoundaries() {
    var rng = S.Rng(state: 13)
    let cases: [(kernel: [Int], inPerGroup: Int)] = [([1, 1], 33), ([1, 1], 64), ([3, 3], 7), ([3, 3], 10), ([2, 2], 17), ([4], 9)]
    for (kernel, inPerGroup) in cases {
      let group = rng.pick([1, 2])
      let stride = kernel.map { _ in rng.pick([1, 2]) }
      let pad = kernel.map { k in rng.int(0...((k - 1) / 2)) }
      let input = kernel.map { _ in rng.int(2...5) }
      let outSp = (0..<kernel.count).map { (i: Int) -> Int in
        let span: Int = (input[i] - 1) * stride[i]
        return span - 2 * pad[i] + kernel[i]
      }
      let outPerGroup = rng.int(1...2)
      let x = rng.tensor([1, group * inPerGroup] + input)
      let w = rng.tensor([group * inPerGroup, outPerGroup] + kernel)
      let b: FloatTensor? = rng.bool() ? rng.tensor([outPerGroup * group]) : nil
      let ones = kernel.map { _ in 1 }
      let attrs = DeconvolutionAttributes(pad: pad, stride: stride, dilation: ones, group: group, outputPadding: kernel.map { _ in 0 })
      let swift = FloatKernels.deconvolution(x, weight: w, bias: b, attrs)
      let lift = { (v: [Int], fill: Int) in v.count == 1 ? [fill, v[0]] : v }
      let inL = lift(input, 1), outL = lift(outSp, 1), k = lift(kernel, 1), s = lift(stride, 1), pd = lift(pad, 0)
      var p = nnc_deconv_params()
      p.batch = 1
      p.in_c = S.i32(group * inPerGroup); p.in_h = S.i32(inL[0]); p.in_w = S.i32(inL[1])
      p.out_c = S.i32(outPerGroup * group); p.out_h = S.i32(outL[0]); p.out_w = S.i32(outL[1])
      p.kernel_h = S.i32(k[0]); p.kernel_w = S.i32(k[1])
      p.stride_h = S.i32(s[0]); p.stride_w = S.i32(s[1])
      p.pad_h = S.i32(pd[0]); p.pad_w = S.i32(pd[1])
      p.dilation_h = 1; p.dilation_w = 1
      p.group = S.i32(group)
      var y = [Float](repeating: .nan, count: swift.count)
      S.withOptional(b?.values) { bp in nnc_deconv_f32(&p, x.values, w.values, bp, &y) }
      S.expectSame(y, swift, "deconv x\(x.shape) w\(w.shape) \(attrs)")
    }
  }
}
