import NNIR

extension FloatKernels {
  /// nnabla `Deconvolution` (transposed convolution): x `[batch…, inC, spatial…]`,
  /// W `[inC, outC/group, k…]`, optional b `[outC]`; y `[batch…, outC, out…]` with
  /// `out = (in-1)*stride - 2*pad + dil*(k-1) + 1 + outputPadding`.
  ///
  /// Output position `o` receives `x[i]*w[k]` for every tap with `o = i*stride - pad + k*dil`.
  /// Summation order (kept by `nnc_deconv_f32`, which gathers per output element): the products
  /// over input channel (of the group), then kernel depth, row, column ascending are summed in
  /// blocks of `channelsPerSumBlock` input channels (each from 0, one float accumulator), the later
  /// block sums added to the first in order; the bias is added last. C and Swift agree bit for bit.
  public static func deconvolution(
    _ x: FloatTensor, weight: FloatTensor, bias: FloatTensor?, _ a: DeconvolutionAttributes
  ) -> FloatTensor {
    let baseAxis = a.baseAxis
    precondition(weight.shape.count >= 3, "Deconvolution weight must be [inC, outC/group, k…]")
    precondition(baseAxis >= 0 && baseAxis < x.shape.count, "Deconvolution base_axis out of range")
    let outer = x.shape[..<baseAxis].reduce(1, *)
    let inC = x.shape[baseAxis]
    let spatial = Array(x.shape[(baseAxis + 1)...])
    let kernel = Array(weight.shape[2...])
    precondition(spatial.count == kernel.count, "Deconvolution kernel rank does not match the input")
    precondition(weight.shape[0] == inC && a.group >= 1 && inC % a.group == 0, "Deconvolution weight/group mismatch")
    let group = a.group
    let inPerGroup = inC / group
    let outPerGroup = weight.shape[1]
    let outC = outPerGroup * group
    let outputPadding = a.outputPadding.isEmpty ? [Int](repeating: 0, count: kernel.count) : a.outputPadding
    let outSpatial = SpatialGeometry3.deconvolutionOutput(
      input: spatial, kernel: kernel, pad: a.pad, stride: a.stride, dilation: a.dilation, outputPadding: outputPadding)
    let geo = SpatialGeometry3(
      input: spatial, output: outSpatial, kernel: kernel, stride: a.stride, pad: a.pad, dilation: a.dilation)
    let kSize = geo.kernelCount
    if let bias { precondition(bias.count == outC, "Deconvolution bias size mismatch") }

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

    // Loop order: for each (input channel, kd, kh, kw) tap, scatter its products over the output
    // (the map input → output is one-to-one for a fixed tap, so each output element gets at most one
    // addition per tap). Each element therefore accumulates a channel block in (channel, kd, kh, kw)
    // order from 0 — exactly the float operations of the gather in `nnc_deconv_f32` — with the
    // inner loop along an input row.
    let y = [Float](unsafeUninitializedCapacity: total) { yBuf, initialized in
      yBuf.initialize(repeating: 0)
      // Each output map sums its input channels in blocks (`BlockSums`).
      let channelBlock = channelsPerSumBlock(kernelCount: kSize)
      let blocks = BlockSums(width: outMap, terms: inPerGroup, block: channelBlock)
      x.values.withUnsafeBufferPointer { xp in
        weight.values.withUnsafeBufferPointer { wp in
          for n in 0..<outer {
            for oc in 0..<outC {
              let g = oc / outPerGroup
              let ocl = oc - g * outPerGroup
              let yMap = yBuf.baseAddress! + (n * outC + oc) * outMap
              blocks.accumulate(into: yMap) { channels, sum in
                for icl in channels {
                  let ic = g * inPerGroup + icl
                  let xc = xp.baseAddress! + (n * inC + ic) * inMap
                  let wc = wp.baseAddress! + (ic * outPerGroup + ocl) * kSize
                  for kd in 0..<kD {
                    for kh in 0..<kH {
                      for kw in 0..<kW {
                        let wv = wc[(kd * kH + kh) * kW + kw]
                        // Input columns whose output column o = i*sW + offW lies in [0, outW).
                        let offW = kw * dW - pW
                        let iwLo = max(0, ceilDiv(-offW, sW))
                        let iwHi = min(inW, floorDiv(outW - 1 - offW, sW) + 1)
                        if iwLo >= iwHi { continue }
                        for id in 0..<inD {
                          let od = id * sD - pD + kd * dD
                          if od < 0 || od >= outD { continue }
                          for ih in 0..<inH {
                            let oh = ih * sH - pH + kh * dH
                            if oh < 0 || oh >= outH { continue }
                            let xRow = xc + (id * inH + ih) * inW
                            let yRow = sum + (od * outH + oh) * outW
                            for iw in iwLo..<iwHi { yRow[iw * sW + offW] += xRow[iw] * wv }
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
