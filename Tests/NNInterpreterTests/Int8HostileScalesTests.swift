import NNIR
import Testing

/// Scales from hostile parameters (3e38, denormals, a range of zeros) give well-defined int8
/// numbers instead of traps: multipliers saturate, activation scales stay normal floats.
@Suite struct Int8HostileScalesTests {
  @Test(arguments: [0x1p31.nextDown, 0x1p31, 2.2e36, 1e300, Double.infinity])
  func multiplierOf2To31OrMore_saturatesLikeTheRealFactor(_ real: Double) {
    let m = QuantizedMultiplier(real: real)
    #expect(m == QuantizedMultiplier(multiplier: Int32.max, shift: 31))
    #expect(QuantizedMultiplier(real: -real) == QuantizedMultiplier(multiplier: -Int32.max, shift: 31))
    // Any factor ≥ 2^31 takes every non-zero accumulator to the int8 limits; so does the
    // saturated multiplier, whatever the output offset.
    #expect(m.apply(0) == 0)
    for acc: Int32 in [1, 1000, .max] {
      #expect(FixedPoint.output(m.apply(acc), offset: -128, min: -128, max: 127) == 127)
      #expect(FixedPoint.output(m.apply(-acc), offset: 127, min: -128, max: 127) == -128)
    }
  }

  @Test func largestMultiplierThatFits_isNotSaturated() {
    let real = Double(Int32.max - 64) * 0x1p-31 * 0x1p31  // just below 2^31 - 1, representable
    #expect(QuantizedMultiplier(real: real) == QuantizedMultiplier(multiplier: Int32.max - 64, shift: 31))
  }

  /// Denormals by bit pattern (the floats 1e-44, -1e-45 and 1e-40 round to), so no literal underflows.
  @Test(arguments: [
    (0, Float(bitPattern: 7)), (-Float(bitPattern: 1), 0), (0, Float(bitPattern: 71362)),
    (-Float.leastNonzeroMagnitude, Float.leastNonzeroMagnitude),
  ] as [(Float, Float)])
  func denormalRange_getsTheSmallestNormalScale(_ lo: Float, _ hi: Float) {
    let q = QuantParams(covering: lo, hi)
    #expect(q.scale == .leastNormalMagnitude)
    #expect(q.zeroPoint >= -128 && q.zeroPoint <= 127)
    #expect(q.quantize(0) == Int8(q.zeroPoint))
    #expect(q.quantize(.infinity) == 127 && q.quantize(.nan) == Int8(q.zeroPoint))
  }

  @Test func hugeAndEmptyRanges_keepTheirScales() {
    #expect(QuantParams(covering: -3e38, 3e38).scale == Float(6e38 / 255))
    #expect(QuantParams(covering: 0, 0).scale == Float(1.0 / 255))
    // A normal range is untouched by the floor (the fixtures' bytes do not change).
    #expect(QuantParams(covering: -1, 3).scale == Float(4) / 255)
  }
}
