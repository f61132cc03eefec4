import NNIR

extension Int8Kernels {
  /// `nnc_conv_s8`: grouped convolution (also 1-D with `inH` 1, and depthwise with `group == inC`,
  /// `outC = inC · multiplier`). x `[batch, inC, inH, inW]`, weight `[outC, inC/group, kernelH,
  /// kernelW]`, bias `[outC]` or nil, `outputMultiplier` / `outputShift` `[outC]`. Per output
  /// element: `acc = bias[oc] + Σ (x + inputOffset) · w` over the taps inside the input (padding
  /// is the real value 0 and adds nothing), then
  /// `y = clamp(requantize(acc, outputMultiplier[oc], outputShift[oc]) + outputOffset, actMin, actMax)`.
  public static func convolution(
    _ p: ConvS8Params, x: [Int8], weight: [Int8], bias: [Int32]?, outputMultiplier: [Int32],
    outputShift: [Int32]
  ) -> [Int8] {
    let (batch, inC, inH, inW) = (Int(p.batch), Int(p.inC), Int(p.inH), Int(p.inW))
    let (outC, outH, outW) = (Int(p.outC), Int(p.outH), Int(p.outW))
    let (kH, kW) = (Int(p.kernelH), Int(p.kernelW))
    let (sH, sW, pH, pW) = (Int(p.strideH), Int(p.strideW), Int(p.padH), Int(p.padW))
    let (dH, dW, group) = (Int(p.dilationH), Int(p.dilationW), Int(p.group))
    precondition(group >= 1 && inC % group == 0 && outC % group == 0, "conv_s8: group does not divide the channels")
    precondition(x.count == p.inputCount && weight.count == p.weightCount, "conv_s8: x or weight size mismatch")
    precondition(
      outputMultiplier.count == outC && outputShift.count == outC, "conv_s8: one multiplier per output channel")
    if let bias { precondition(bias.count == outC, "conv_s8: bias size mismatch") }
    let inPerGroup = inC / group
    let outPerGroup = outC / group
    let inMap = inH * inW
    let kSize = kH * kW
    let outMap = outH * outW
    let inputOffset = p.inputOffset
    let total = p.outputCount

    return [Int8](unsafeUninitializedCapacity: total) { y, initialized in
      x.withUnsafeBufferPointer { xp in
        weight.withUnsafeBufferPointer { wp in
          for n in 0..<batch {
            for oc in 0..<outC {
              let g = oc / outPerGroup
              let xGroup = (n * inC + g * inPerGroup) * inMap
              let wFilter = oc * inPerGroup * kSize
              let (multiplier, shift) = (outputMultiplier[oc], outputShift[oc])
              let yMap = (n * outC + oc) * outMap
              let b = bias?[oc] ?? 0
              for oh in 0..<outH {
                let ih0 = oh * sH - pH
                for ow in 0..<outW {
                  let iw0 = ow * sW - pW
                  var acc = b
                  for icl in 0..<inPerGroup {
                    let xc = xGroup + icl * inMap
                    let wc = wFilter + icl * kSize
                    for kh in 0..<kH {
                      let ih = ih0 + kh * dH
                      if ih < 0 || ih >= inH { continue }
                      let xRow = xc + ih * inW
                      let wRow = wc + kh * kW
                      for kw in 0..<kW {
                        let iw = iw0 + kw * dW
                        if iw < 0 || iw >= inW { continue }
                        acc &+= (Int32(xp[xRow + iw]) &+ inputOffset) &* Int32(wp[wRow + kw])
                      }
                    }
                  }
                  y[yMap + oh * outW + ow] = FixedPoint.output(
                    FixedPoint.requantize(acc, multiplier: multiplier, shift: shift),
                    offset: p.outputOffset, min: p.actMin, max: p.actMax)
                }
              }
            }
          }
        }
      }
      initialized = total
    }
  }
}
