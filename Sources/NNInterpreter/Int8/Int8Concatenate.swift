import NNIR

extension Int8Kernels {
  /// `nnc_concatenate_s8`: writes one input of a Concatenate into its place in `y` (called once per
  /// input, like the C kernel): for `o < outer`, `j < xInner`,
  /// `y[o·yInner + yOffset + j] = rescale == nil ? x[…] : clamp(requantize(x + inputOffset,
  /// multiplier, shift) + outputOffset, -128, 127)`.
  public static func concatenate(_ p: ConcatenateParams, rescale r: RescaleS8Params?, x: [Int8], into y: inout [Int8]) {
    let (outer, xInner, yInner, yOffset) = (Int(p.outer), Int(p.xInner), Int(p.yInner), Int(p.yOffset))
    precondition(x.count == outer * xInner && y.count >= outer * yInner, "concatenate_s8: size mismatch")
    for o in 0..<outer {
      for j in 0..<xInner {
        let v = x[o * xInner + j]
        y[o * yInner + yOffset + j] =
          r.map {
            FixedPoint.output(
              FixedPoint.requantize(Int32(v) &+ $0.inputOffset, multiplier: $0.multiplier, shift: $0.shift),
              offset: $0.outputOffset, min: -128, max: 127)
          } ?? v
      }
    }
  }

  /// `nnc_quantize_s8`: `QuantParams.quantize` on every element.
  public static func quantize(_ x: [Float], _ q: QuantParams) -> [Int8] { x.map(q.quantize) }

  /// `nnc_dequantize_s8`: `QuantParams.dequantize` on every element.
  public static func dequantize(_ x: [Int8], _ q: QuantParams) -> [Float] { x.map(q.dequantize) }
}
