import NNIR

extension FloatKernels {
  /// nnabla `Convolution`: x `[batch…, inC, spatial…]` (1 to 3 spatial axes, channel-first),
  /// W `[outC, inC/group, k…]`, optional b `[outC]`; y `[batch…, outC, out…]` with
  /// `out = (in + 2*pad - dil*(k-1) - 1) / stride + 1`.
  ///
  /// Summation order (kept by `nnc_conv_f32`): per output element, the products `x*w` for input
  /// channel (of the group), then kernel depth, row, column ascending, skipping taps that fall in
  /// the zero padding, are summed in blocks of `channelsPerSumBlock` input channels (each from 0,
  /// one float accumulator), the later block sums added to the first in order; the bias is added
  /// last. C and Swift agree bit for bit.
  public static func convolution(
    _ x: FloatTensor, weight: FloatTensor, bias: FloatTensor?, _ a: ConvolutionAttributes
  ) -> FloatTensor {
    precondition(weight.shape.count >= 3, "Convolution weight must be [outC, inC/group, k…]")
    return groupedConvolution(
      x, weight: weight.values, outChannels: weight.shape[0], kernel: Array(weight.shape[2...]),
      bias: bias, baseAxis: a.baseAxis, pad: a.pad, stride: a.stride, dilation: a.dilation, group: a.group)
  }

  /// Direct grouped convolution shared by `convolution` and `depthwiseConvolution`.
  /// `weight` holds `[outC, inC/group, k…]` row-major.
  static func groupedConvolution(
    _ x: FloatTensor, weight: [Float], outChannels outC: Int, kernel: [Int], bias: FloatTensor?,
    baseAxis: Int, pad: [Int], stride: [Int], dilation: [Int], group: Int
  ) -> FloatTensor {
    precondition(baseAxis >= 0 && baseAxis < x.shape.count, "convolution base_axis out of range")
    let outer = x.shape[..<baseAxis].reduce(1, *)
    let inC = x.shape[baseAxis]
    let spatial = Array(x.shape[(baseAxis + 1)...])
    precondition(spatial.count == kernel.count, "convolution kernel rank does not match the input")
    precondition(group >= 1 && inC % group == 0 && outC % group == 0, "convolution group does not divide the channels")
    let inPerGroup = inC / group
    let outPerGroup = outC / group
    let outSpatial = SpatialGeometry3.convolutionOutput(
      input: spatial, kernel: kernel, pad: pad, stride: stride, dilation: dilation)
    let geo = SpatialGeometry3(
      input: spatial, output: outSpatial, kernel: kernel, stride: stride, pad: pad, dilation: dilation)
    let kSize = geo.kernelCount
    precondition(weight.count == outC * inPerGroup * kSize, "convolution weight size mismatch")
    if let bias { precondition(bias.count == outC, "convolution bias size mismatch") }

    let (inD, inH, inW) = (geo.input[0], geo.input[1], geo.input[2])
    let (outD, outH, outW) = (geo.output[0], geo.output[1], geo.output[2])
    let (kD, kH, kW) = (geo.kernel[0], geo.kernel[1], geo.kernel[2])
    let (sD, sH, sW) = (geo.stride[0], geo.stride[1], geo.stride[2])
    let (pD, pH, pW) = (geo.pad[0], geo.pad[1], geo.pad[2])
    let (dD, dH, dW) = (geo.dilation[0], geo.dilation[1], geo.dilation[2])
    let inMap = geo.inputCount
    let outMap = geo.outputCount
    let outShape = Array(x.shape[..<baseAxis]) + [outC] + outSpatial
    let total = outer * outC * outMap

    // Loop order: for each (input channel, kd, kh, kw) tap of a channel block, add its product into
    // every output element it reaches (at most once each), so each element still accumulates the
    // block in (channel, kd, kh, kw) order from 0 — the same float operations, in the same order,
    // as the per-element accumulator of the C kernel — while the innermost loop runs along an
    // output row.
    let y = [Float](unsafeUninitializedCapacity: total) { yBuf, initialized in
      yBuf.initialize(repeating: 0)
      // Each output map sums its input channels in blocks (`BlockSums`).
      let channelBlock = channelsPerSumBlock(kernelCount: kSize)
      let blocks = BlockSums(width: outMap, terms: inPerGroup, block: channelBlock)
      x.values.withUnsafeBufferPointer { xp in
        weight.withUnsafeBufferPointer { wp in
          for n in 0..<outer {
            for oc in 0..<outC {
              let g = oc / outPerGroup
              let yMap = yBuf.baseAddress! + (n * outC + oc) * outMap
              blocks.accumulate(into: yMap) { channels, sum in
                for icl in channels {
                  let xc = xp.baseAddress! + (n * inC + g * inPerGroup + icl) * inMap
                  let wc = wp.baseAddress! + (oc * inPerGroup + icl) * kSize
                  for kd in 0..<kD {
                    for kh in 0..<kH {
                      for kw in 0..<kW {
                        let wv = wc[(kd * kH + kh) * kW + kw]
                        // Output columns whose tap lands inside the input row.
                        let offW = kw * dW - pW
                        let owLo = max(0, ceilDiv(-offW, sW))
                        let owHi = min(outW, floorDiv(inW - 1 - offW, sW) + 1)
                        if owLo >= owHi { continue }
                        for od in 0..<outD {
                          let id = od * sD - pD + kd * dD
                          if id < 0 || id >= inD { continue }
                          for oh in 0..<outH {
                            let ih = oh * sH - pH + kh * dH
                            if ih < 0 || ih >= inH { continue }
                            let xRow = xc + (id * inH + ih) * inW
                            let yRow = sum + (od * outH + oh) * outW
                            if sW == 1 {
                              for ow in owLo..<owHi { yRow[ow] += xRow[ow + offW] * wv }
                            } else {
                              for ow in owLo..<owHi { yRow[ow] += xRow[ow * sW + offW] * wv }
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
              if let bias {
                let b = bias.values[oc]
                for i in 0..<outMap { yMap[i] = yMap[i] + b }
              }
            }
          }
        }
      }
      initialized = total
    }
    return FloatTensor(shape: outShape, values: y)
  }
}

/// `ceil(a / b)` for `b > 0` and any sign of `a`.
@inline(__always) func ceilDiv(_ a: Int, _ b: Int) -> Int {
  a >= 0 ? (a + b - 1) / b : -((-a) / b)
}

/// `floor(a / b)` for `b > 0` and any sign of `a`.
@inline(__always) func floorDiv(_ a: Int, _ b: Int) -> Int {
  a >= 0 ? a / b : -((-a + b - 1) / b)
}
