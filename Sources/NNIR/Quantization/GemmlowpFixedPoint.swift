/// gemmlowp's fixed-point transcendental functions (`fixedpoint/fixedpoint.h`), on raw int32
/// values, as TFLite's int8 SOFTMAX, LOGISTIC and TANH reference kernels call them. A
/// `FixedPoint<int32_t, k>` is a raw int32 with `k` integer bits and `31 − k` fraction bits; its
/// `+` and `−` wrap (`&+`, `&-`), its `*` is `FixedPoint.saturatingRoundingDoublingHighMul`
/// (the integer bits add up), `Rescale<k'>` a saturating left shift or a rounding right shift.
/// The C twin of what runs at run time (`reciprocal`, `oneOverOnePlusX`) is in
/// `runtime-c/src/nnc_softmax_tfl_s8.c`; the rest runs only at compile time, to build tables.
public enum Gemmlowp {
  static func mul(_ a: Int32, _ b: Int32) -> Int32 { FixedPoint.saturatingRoundingDoublingHighMul(a, b) }

  /// `SaturatingRoundingMultiplyByPOT<e>`: `x · 2^e`, saturating for `e > 0`, rounding for `e < 0`.
  public static func multiplyByPOT(_ x: Int32, _ e: Int) -> Int32 {
    if e == 0 { return x }
    if e < 0 { return FixedPoint.roundingDivideByPOT(x, exponent: Int32(-e)) }
    let threshold = Int32((1 << (31 - e)) - 1)
    if x > threshold { return .max }
    if x < -threshold { return .min }
    return x << Int32(e)
  }

  /// `RoundingHalfSum`: `(a + b) / 2` rounded half away from zero, in 64 bits.
  static func roundingHalfSum(_ a: Int32, _ b: Int32) -> Int32 {
    let sum = Int64(a) + Int64(b)
    return Int32(truncatingIfNeeded: (sum + (sum >= 0 ? 1 : -1)) / 2)
  }

  /// `exp_on_interval_between_negative_one_quarter_and_0_excl` (Q0.31 in and out).
  static func expOnIntervalNegativeQuarterTo0(_ a: Int32) -> Int32 {
    let constantTerm: Int32 = 1_895_147_668  // exp(-1/8)
    let oneThird: Int32 = 715_827_883
    let x = a &+ (1 << 28)
    let x2 = mul(x, x), x3 = mul(x2, x), x4 = mul(x2, x2)
    let x4Over4 = multiplyByPOT(x4, -2)
    let poly = multiplyByPOT(mul(x4Over4 &+ x3, oneThird) &+ x2, -1)
    return constantTerm &+ mul(constantTerm, x &+ poly)
  }

  /// `exp_on_negative_values` of `a` with `integerBits` integer bits: `exp(a)` for `a ≤ 0`, Q0.31.
  public static func expOnNegativeValues(_ a: Int32, integerBits k: Int) -> Int32 {
    let fractionBits = 31 - k
    let oneQuarter = Int32(1) << Int32(fractionBits - 2)
    let aModQuarterMinusQuarter = (a & (oneQuarter - 1)) &- oneQuarter
    var result = expOnIntervalNegativeQuarterTo0(multiplyByPOT(aModQuarterMinusQuarter, k))
    let remainder = aModQuarterMinusQuarter &- a
    let barrel: [(Int, Int32)] = [
      (-2, 1_672_461_947), (-1, 1_302_514_674), (0, 790_015_084), (1, 290_630_308), (2, 39_332_535), (3, 720_401), (4, 242),
    ]
    for (e, multiplier) in barrel where k > e {
      if remainder & (Int32(1) << Int32(fractionBits + e)) != 0 { result = mul(result, multiplier) }
    }
    if k > 5, a < -(Int32(1) << Int32(36 - k)) { result = 0 }
    return a == 0 ? .max : result
  }

  /// Newton–Raphson on `half_denominator = (a + 1) / 2` (Q2.29), three steps.
  static func newtonReciprocal(_ a: Int32) -> Int32 {
    let halfDenominator = roundingHalfSum(a, .max)
    var x = 1_515_870_810 &+ mul(halfDenominator, -1_010_580_540)  // 48/17 − 32/17 · d
    for _ in 0..<3 {
      let oneMinus = (Int32(1) << 29) &- mul(halfDenominator, x)
      x = x &+ multiplyByPOT(mul(x, oneMinus), 2)
    }
    return x
  }

  /// `one_over_one_plus_x_for_x_in_0_1` (Q0.31 in and out).
  public static func oneOverOnePlusX(_ a: Int32) -> Int32 { multiplyByPOT(newtonReciprocal(a), 1) }

  /// `one_minus_x_over_one_plus_x_for_x_in_0_1` (Q0.31 in and out).
  static func oneMinusXOverOnePlusX(_ a: Int32) -> Int32 { multiplyByPOT(newtonReciprocal(a) &- (1 << 29), 2) }

  /// `gemmlowp::logistic` of `a` with `integerBits` integer bits, Q0.31.
  public static func logistic(_ a: Int32, integerBits k: Int) -> Int32 {
    if a == 0 { return 1 << 30 }
    let positive = a > 0
    let abs = positive ? a : 0 &- a
    let resultIfPositive = oneOverOnePlusX(expOnNegativeValues(0 &- abs, integerBits: k))
    return positive ? resultIfPositive : Int32.max &- resultIfPositive
  }

  /// `gemmlowp::tanh` of `a` with `integerBits` integer bits, Q0.31.
  public static func tanh(_ a: Int32, integerBits k: Int) -> Int32 {
    if a == 0 { return 0 }
    let negative = a < 0
    let n = negative ? a : 0 &- a
    // ExactMulByPot<1>: the same raw value read with one more integer bit.
    let t = oneMinusXOverOnePlusX(expOnNegativeValues(n, integerBits: k + 1))
    return negative ? 0 &- t : t
  }

  /// TFLite's `GetReciprocal(x, integerDigits)`: `1 / x` as a Q0.31 `scale` in `[0.5, 1]` and
  /// `bitsOverUnit`, so that `1 / x = scale · 2^−bitsOverUnit`. `x > 0`.
  public static func reciprocal(_ x: Int32, integerDigits: Int) -> (scale: Int32, bitsOverUnit: Int) {
    let headroomPlusOne = UInt32(bitPattern: x).leadingZeroBitCount
    let shiftedSumMinusOne = Int32(bitPattern: (UInt32(bitPattern: x) << UInt32(headroomPlusOne)) &- (UInt32(1) << 31))
    return (oneOverOnePlusX(shiftedSumMinusOne), integerDigits - headroomPlusOne)
  }

  /// TFLite's `MultiplyByQuantizedMultiplier` (double rounding) on a small `x`.
  public static func multiplyByQuantizedMultiplier(_ x: Int32, _ multiplier: Int32, _ shift: Int) -> Int32 {
    FixedPoint.requantize(x, multiplier: multiplier, shift: Int32(shift))
  }

  /// TFLite's `CalculateInputRadius(integerBits, leftShift, 31)`.
  public static func inputRadius(integerBits: Int, leftShift: Int) -> Int32 {
    let v = Double((1 << integerBits) - 1) * Double(sign: .plus, exponent: 31 - integerBits, significand: 1)
      / Double(sign: .plus, exponent: leftShift, significand: 1)
    return Int32(clamping: Int64(v.rounded(.down)))
  }

  // MARK: int16 (HARD_SWISH)

  /// gemmlowp's int16 `SaturatingRoundingDoublingHighMul`.
  static func mul16(_ a: Int16, _ b: Int16) -> Int16 {
    if a == .min && b == .min { return .max }
    let ab = Int32(a) * Int32(b)
    return Int16(truncatingIfNeeded: (ab + (ab >= 0 ? 1 << 14 : 1 - (1 << 14))) / (1 << 15))
  }

  /// TFLite's `SaturatingDoublingHighMul` (hard_swish.h): truncating, no nudge.
  static func mulTruncating16(_ a: Int16, _ b: Int16) -> Int16 {
    if a == .min && b == .min { return .max }
    return Int16(truncatingIfNeeded: (Int32(a) * Int32(b)) / (1 << 15))
  }

  static func saturatingLeftShift16(_ v: Int16, _ amount: Int) -> Int16 { Int16(clamping: Int64(v) * (Int64(1) << Int64(amount))) }

  /// gemmlowp's `RoundingDivideByPOT` on int16, mask included: for `e > 15` the mask
  /// `2^e − 1` is truncated to int16 (−1), so 0 rounds to 1 and small negatives to −1, as TFLM's
  /// HARD_SWISH does when the output scale is far above the input's.
  static func roundingDivideByPOT16(_ x: Int16, _ e: Int) -> Int16 {
    let mask = Int16(truncatingIfNeeded: (Int64(1) << Int64(e)) - 1)
    let remainder = x & mask
    let threshold = (mask >> 1) &+ (x < 0 ? 1 : 0)
    return Int16(truncatingIfNeeded: (Int32(x) >> Int32(e)) + (remainder > threshold ? 1 : 0))
  }
}
