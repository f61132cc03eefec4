import NNIR

extension Int8Kernels {
  /// `nnc_softmax_tfl_s8`: TFLite's int8 softmax (`SoftmaxTFLiteS8Params`), integer only. Per
  /// row along the axis: the largest code, `sum = Σ RDBP(expTable[max − x], 12)` in Q12.19, its
  /// reciprocal (`Gemmlowp.reciprocal`), then `y = RDBP(SRDHM(scale, expTable[max − x]),
  /// bitsOverUnit + 23) − 128`, clamped. Each `x` is read before the `y` at its position is
  /// written, so the C runs in place.
  public static func softmaxTFLite(_ p: SoftmaxTFLiteS8Params, x: [Int8]) -> [Int8] {
    let g = p.geometry
    let (outer, size, inner) = (Int(g.outer), Int(g.axisSize), Int(g.inner))
    precondition(x.count == g.count && p.expTable.count == 256, "softmax_tfl_s8: size mismatch")
    var y = [Int8](repeating: -128, count: x.count)
    for i0 in 0..<outer {
      for i2 in 0..<inner {
        let j = i0 * size * inner + i2
        var maxX = x[j]
        for i1 in 0..<size { maxX = max(maxX, x[j + i1 * inner]) }
        var sum: Int32 = 0
        for i1 in 0..<size {
          let e = p.expTable[Int(maxX) - Int(x[j + i1 * inner])]
          sum = sum &+ FixedPoint.roundingDivideByPOT(e, exponent: 12)
        }
        let (scale, bitsOverUnit) = Gemmlowp.reciprocal(sum, integerDigits: 12)
        let exponent = Int32(bitsOverUnit + 31 - 8)
        for i1 in 0..<size {
          let k = j + i1 * inner
          let e = p.expTable[Int(maxX) - Int(x[k])]
          let v = FixedPoint.roundingDivideByPOT(FixedPoint.saturatingRoundingDoublingHighMul(scale, e), exponent: exponent)
          y[k] = Int8(clamping: v - 128)
        }
      }
    }
    return y
  }
}
