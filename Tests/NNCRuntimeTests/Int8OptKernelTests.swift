import NNCRuntime
import NNIR
import Testing
import _NNTestSupport

/// The optimized int8 kernels (`nnc_conv_s8_opt`, `nnc_affine_s8_opt`, through the portable
/// `nnc_dsp.h` on the host) against the reference C kernels, on the constants the code generator
/// makes (`PackedWeights`): the bytes must be identical. The convolution sweep is
/// `Int8Cases.conv` (channel counts 1/3/5/7/16, odd sizes, stride 2, padding, dilation, groups,
/// depthwise, 1-D, zero points, saturation) with and without a fused max pooling.
/// `bench/int8-kernels/sweep.c` is the same check as a C program for the Cortex-M4 (SMLAD) path.
@Suite struct Int8OptKernelTests {
  static func packed(_ k: Int8Cases.Conv) -> PackedWeights {
    PackedWeights(
      weights: k.weight, bias: k.bias, channels: Int(k.params.outC), groups: Int(k.params.group),
      inputOffset: k.params.inputOffset)
  }

  @Test func convolutionMatchesReference() {
    var rng = SeededRandom(seed: 202)
    var pooledCases = 0
    for trial in 0..<400 {
      var k = Int8Cases.conv(&rng)
      (k.params.actMin, k.params.actMax) = Int8Cases.activation(&rng, output: k.output)
      let p = k.params
      // Half the cases fuse a max pooling (windows 1–3 that fit the output); those need
      // multipliers >= 0, which the quantizer guarantees before fusing.
      let pool: PoolParams? =
        trial % 2 == 0
        ? nil
        : {
          let (ph, pw) = (min(Int32(rng.int(1...3)), p.outH), min(Int32(rng.int(1...3)), p.outW))
          return PoolParams(
            outer: p.batch * p.outC, inH: p.outH, inW: p.outW, outH: p.outH / ph, outW: p.outW / pw, kernelH: ph,
            kernelW: pw, strideH: ph, strideW: pw, padH: 0, padW: 0, includingPad: false)
        }()
      var m = Int8CKernelTests.stress(k.multipliers, &rng)
      if pool != nil { m = m.map { QuantizedMultiplier(multiplier: abs($0.multiplier), shift: $0.shift) } }
      let (mult, shift) = (m.map(\.multiplier), m.map(\.shift))

      var cp = p.c
      var full = [Int8](repeating: 0x55, count: p.outputCount)
      Int8CKernelTests.withOptional(k.bias) { b in nnc_conv_s8(&cp, k.x, k.weight, b, mult, shift, &full) }
      var reference = full
      if let pool {
        var pp = pool.c
        reference = [Int8](repeating: 0x55, count: pool.outputCount)
        nnc_maxpool_s8(&pp, full, &reference)
        pooledCases += 1
      }

      let packed = Self.packed(k)
      var q = nnc_conv_s8_opt_params(
        conv: cp, k_padded: packed.kPadded, pool_h: pool?.kernelH ?? 1, pool_w: pool?.kernelW ?? 1,
        out_h: pool?.outH ?? p.outH, out_w: pool?.outW ?? p.outW)
      let scratchBytes = PackedWeights.convolutionScratchBytes(p, kPadded: packed.kPadded, pool: pool)
      var scratch = [Int16](repeating: 0x5555, count: (scratchBytes + 1) / 2)
      var y = [Int8](repeating: 0x55, count: reference.count)
      nnc_conv_s8_opt(&q, k.x, packed.weights, packed.bias, mult, shift, &scratch, &y)
      Int8CKernelTests.expectIdentical(y, reference, "#\(trial) \(k) pool \(pool.map { "\($0.kernelH)x\($0.kernelW)" } ?? "none")")
    }
    #expect(pooledCases == 200)
  }

  /// `nnc_dwconv_s8` on the depthwise cases of `Int8Cases.conv` (1-D and 2-D, kernels 1–5,
  /// strides, padding, dilation, multipliers 1 and 2, stressed multipliers so both requantization
  /// paths run), with the constants `DepthwisePackedWeights` makes, against `nnc_conv_s8`.
  @Test func depthwiseConvolutionMatchesReference() {
    var rng = SeededRandom(seed: 204)
    var cases = 0, threeByThree = 0
    while cases < 300 {
      var k = Int8Cases.conv(&rng)
      guard DepthwisePackedWeights.isDepthwise(k.params) else { continue }
      (k.params.actMin, k.params.actMax) = Int8Cases.activation(&rng, output: k.output)
      let p = k.params
      let m = Int8CKernelTests.stress(k.multipliers, &rng)
      let (mult, shift) = (m.map(\.multiplier), m.map(\.shift))
      var cp = p.c
      var reference = [Int8](repeating: 0x55, count: p.outputCount)
      Int8CKernelTests.withOptional(k.bias) { b in nnc_conv_s8(&cp, k.x, k.weight, b, mult, shift, &reference) }

      let packed = DepthwisePackedWeights(weights: k.weight, bias: k.bias, channels: Int(p.outC), inputOffset: p.inputOffset)
      var scratch = [Int8](repeating: 0x55, count: DepthwisePackedWeights.scratchBytes(p))
      var y = [Int8](repeating: 0x55, count: reference.count)
      nnc_dwconv_s8(&cp, k.x, packed.weights, packed.bias, mult, shift, &scratch, &y)
      Int8CKernelTests.expectIdentical(y, reference, "#\(cases) \(k)")
      cases += 1
      if p.kernelH == 3 && p.kernelW == 3 && p.dilationH == 1 && p.dilationW == 1 { threeByThree += 1 }
    }
    #expect(threeByThree >= 20, "\(threeByThree) cases took the 3x3 paths")
  }

  /// Depthwise means one input channel per group; grouped and dense convolutions are not, nor is a
  /// single-channel input, which the general kernel handles better.
  @Test func depthwiseDetection() {
    func params(inC: Int32, outC: Int32, group: Int32) -> ConvS8Params {
      ConvS8Params(
        batch: 1, inC: inC, inH: 5, inW: 5, outC: outC, outH: 5, outW: 5, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1,
        padH: 1, padW: 1, dilationH: 1, dilationW: 1, group: group, inputOffset: 0, outputOffset: 0)
    }
    #expect(DepthwisePackedWeights.isDepthwise(params(inC: 8, outC: 8, group: 8)))
    #expect(DepthwisePackedWeights.isDepthwise(params(inC: 8, outC: 16, group: 8)))
    #expect(!DepthwisePackedWeights.isDepthwise(params(inC: 8, outC: 8, group: 4)))
    #expect(!DepthwisePackedWeights.isDepthwise(params(inC: 8, outC: 8, group: 1)))
    #expect(!DepthwisePackedWeights.isDepthwise(params(inC: 1, outC: 8, group: 1)))
    // The padded plane, (5 + 2) * (5 + 2) bytes, and 4 of slack; none without padding.
    #expect(DepthwisePackedWeights.scratchBytes(params(inC: 8, outC: 8, group: 8)) == 53)
    var unpadded = params(inC: 8, outC: 8, group: 8)
    (unpadded.padH, unpadded.padW, unpadded.outH, unpadded.outW) = (0, 0, 3, 3)
    #expect(DepthwisePackedWeights.scratchBytes(unpadded) == 0)
    // A folded Pad (0, 1) before a stride-2 convolution: no padding before, one row and one
    // column after (out 3 from in 6 needs 7), implied by the output size.
    var folded = unpadded
    (folded.inH, folded.inW, folded.strideH, folded.strideW) = (6, 6, 2, 2)
    #expect(DepthwisePackedWeights.scratchBytes(folded) == 7 * 7 + 4)
    // The input offset folded into the bias: 10 + 3 * (1 + 2 - 4).
    #expect(DepthwisePackedWeights(weights: [1, 2, -4], bias: [10], channels: 1, inputOffset: 3).bias == [7])
  }

  @Test func affineMatchesReference() {
    var rng = SeededRandom(seed: 203)
    for trial in 0..<200 {
      var k = Int8Cases.affine(&rng)
      (k.params.actMin, k.params.actMax) = Int8Cases.activation(&rng, output: k.output)
      let m = Int8CKernelTests.stress(k.multipliers, &rng)
      let (mult, shift) = (m.map(\.multiplier), m.map(\.shift))
      var p = k.params.c
      var reference = [Int8](repeating: 0x55, count: Int(k.params.outer * k.params.outFeatures))
      Int8CKernelTests.withOptional(k.bias) { b in nnc_affine_s8(&p, k.x, k.weight, b, mult, shift, &reference) }

      let packed = PackedWeights.affine(
        weights: k.weight, bias: k.bias, outFeatures: Int(k.params.outFeatures), inputOffset: k.params.inputOffset)
      var q = nnc_affine_s8_opt_params(affine: p, k_padded: packed.kPadded)
      var scratch = [Int16](repeating: 0x5555, count: PackedWeights.affineScratchBytes(kPadded: packed.kPadded) / 2)
      var y = [Int8](repeating: 0x55, count: reference.count)
      nnc_affine_s8_opt(&q, k.x, packed.weights, packed.bias, mult, shift, &scratch, &y)
      Int8CKernelTests.expectIdentical(y, reference, "#\(trial) \(k)")
    }
  }

  /// The layout of nnc_int8.h on a small case: a block of four, a block of two and a single
  /// channel, each two channels' bytes paired per k pair (a.k0, b.k0, a.k1, b.k1) for SXTB16, K
  /// padded to even, the input offset folded into the bias.
  @Test func packingLayout() {
    // 7 channels, K = 3: channel c's weights are 10c + 1, 10c + 2, 10c + 3.
    let w = (0..<7).flatMap { c in (1...3).map { Int8(10 * c + $0) } }
    let p = PackedWeights(weights: w, bias: [100, 0, 0, 0, -7, 1, 2], channels: 7, groups: 1, inputOffset: 2)
    #expect(p.kPadded == 4)
    #expect(p.weights.count == 7 * 4)
    // Channels 0–3: k pair 0, then k pair 1 (tap 3 is the padding).
    #expect(Array(p.weights[0..<8]) == [1, 11, 2, 12, 21, 31, 22, 32])
    #expect(Array(p.weights[8..<16]) == [3, 13, 0, 0, 23, 33, 0, 0])
    // Channels 4 and 5, then channel 6 as a plain row.
    #expect(Array(p.weights[16..<24]) == [41, 51, 42, 52, 43, 53, 0, 0])
    #expect(Array(p.weights[24..<28]) == [61, 62, 63, 0])
    let expected: [Int32] = [112, 72, 132, 192, 245, 1 + 2 * 156, 2 + 2 * 186]  // bias + 2 * (sum of the channel's weights)
    #expect(p.bias == expected)
  }

  /// The affine packing: the same layout, with the even bytes of the blocks of four (channels 0
  /// and 2 of each block) XOR 0x80 for nnc_affine_s8_opt's one-SXTB16 loop; the tail unchanged.
  @Test func packingLayout_affine() {
    let w = (0..<7).flatMap { c in (1...3).map { Int8(10 * c + $0) } }
    let p = PackedWeights.affine(weights: w, bias: [100, 0, 0, 0, -7, 1, 2], outFeatures: 7, inputOffset: 2)
    // Even bytes XOR 0x80 is w - 128 for w in 0...127, and 0 (padding) becomes -128.
    let blockOfFour: [Int8] = [-127, 11, -126, 12, -107, 31, -106, 32, -125, 13, -128, 0, -105, 33, -128, 0]
    let tail: [Int8] = [41, 51, 42, 52, 43, 53, 0, 0, 61, 62, 63, 0]
    let bias: [Int32] = [112, 72, 132, 192, 245, 313, 374]
    #expect(Array(p.weights[0..<16]) == blockOfFour)
    #expect(Array(p.weights[16..<28]) == tail)
    #expect(p.bias == bias)
  }

  /// Groups pack one after the other, each with its own blocks: two groups of three channels
  /// are a block of two and a single channel each.
  @Test func packingLayout_perGroup() {
    let w = (0..<6).flatMap { c in (1...2).map { Int8(10 * c + $0) } }
    let p = PackedWeights(weights: w, bias: nil, channels: 6, groups: 2, inputOffset: 0)
    #expect(p.weights == [1, 11, 2, 12, 21, 22, 31, 41, 32, 42, 51, 52])
  }
}
