import NNIR

extension Int8Kernels {
  /// `nnc_affine_s8`: x `[outer, inFeatures]`, weight `[outFeatures][inFeatures]` (output-major:
  /// nnabla's `[in, out]` transposed at compile time), bias `[outFeatures]` or nil,
  /// `outputMultiplier` / `outputShift` `[outFeatures]`, y `[outer, outFeatures]`:
  /// `acc = bias[o] + Σ_i (x[r][i] + inputOffset) · w[o][i]`, then
  /// `y[r][o] = clamp(requantize(acc, outputMultiplier[o], outputShift[o]) + outputOffset, actMin, actMax)`.
  public static func affine(
    _ p: AffineS8Params, x: [Int8], weight: [Int8], bias: [Int32]?, outputMultiplier: [Int32],
    outputShift: [Int32]
  ) -> [Int8] {
    let (outer, nIn, nOut) = (Int(p.outer), Int(p.inFeatures), Int(p.outFeatures))
    precondition(x.count == outer * nIn && weight.count == nOut * nIn, "affine_s8: x or weight size mismatch")
    precondition(outputMultiplier.count == nOut && outputShift.count == nOut, "affine_s8: one multiplier per output")
    if let bias { precondition(bias.count == nOut, "affine_s8: bias size mismatch") }
    let inputOffset = p.inputOffset
    let total = outer * nOut

    return [Int8](unsafeUninitializedCapacity: total) { y, initialized in
      x.withUnsafeBufferPointer { xp in
        weight.withUnsafeBufferPointer { wp in
          for r in 0..<outer {
            let xr = r * nIn
            for o in 0..<nOut {
              let wo = o * nIn
              var acc = bias?[o] ?? 0
              for i in 0..<nIn {
                acc &+= (Int32(xp[xr + i]) &+ inputOffset) &* Int32(wp[wo + i])
              }
              y[r * nOut + o] = FixedPoint.output(
                FixedPoint.requantize(acc, multiplier: outputMultiplier[o], shift: outputShift[o]),
                offset: p.outputOffset, min: p.actMin, max: p.actMax)
            }
          }
        }
      }
      initialized = total
    }
  }
}
