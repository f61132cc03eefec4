/// The integer requantization rule of the int8 path, written once for Swift; its C twin is the
/// `static inline` block at the top of `runtime-c/include/nnc_int8.h`, and the two agree on every
/// input.
///
/// An int32 accumulator `acc` is scaled by a real multiplier `m ≈ multiplier · 2^(shift − 31)`
/// (`multiplier` may be negative, as for Sub2; `shift` is in `-31...31`, positive = left):
///
///     left  = max(shift, 0), right = max(-shift, 0)
///     r     = RDBP(SRDHM(sat32(acc · 2^left), multiplier), right)
///     SRDHM(a, b) = Int32.max                                   if a == b == Int32.min
///                 = (a·b + (a·b ≥ 0 ? 2^30 : 1 − 2^30)) / 2^31  in 64 bits, `/` truncating
///     RDBP(x, e)  = (x >> e) + ((x & mask) > (mask >> 1) + (x < 0 ? 1 : 0)),  mask = 2^e − 1
///     y     = clamp(r + outputOffset, actMin, actMax)
///
/// | step                | rounds                              | example            |
/// |---------------------|-------------------------------------|--------------------|
/// | `SRDHM`             | to nearest, ties toward +∞          | −1.5 → −1, 2.5 → 3 |
/// | `RDBP`              | to nearest, ties away from zero     | −2.5 → −3, 2.5 → 3 |
/// | `sat32(acc·2^left)` | saturates to `Int32.min ... .max`   | (TFLite: undefined overflow) |
///
/// `SRDHM` and `RDBP` are gemmlowp's `SaturatingRoundingDoublingHighMul` and
/// `RoundingDivideByPOT`, composed as TFLite's `MultiplyByQuantizedMultiplier` does, so the int8
/// path is TFLite / CMSIS-NN compatible. Example: `requantize(100, multiplier: 1 << 30, shift: -2)`
/// is `RDBP(50, 2)` = 12.5 rounded away from zero = 13.
public enum FixedPoint {
  /// gemmlowp `SaturatingRoundingDoublingHighMul`: `a·b / 2^31` rounded to nearest, ties toward
  /// +∞; `Int32.min · Int32.min` (the only overflow) saturates to `Int32.max`.
  @inlinable
  public static func saturatingRoundingDoublingHighMul(_ a: Int32, _ b: Int32) -> Int32 {
    if a == .min && b == .min { return .max }
    let ab = Int64(a) * Int64(b)
    let nudge: Int64 = ab >= 0 ? 1 << 30 : 1 - (1 << 30)
    return Int32(truncatingIfNeeded: (ab + nudge) / (1 << 31))
  }

  /// gemmlowp `RoundingDivideByPOT`: `x / 2^exponent` rounded to nearest, ties away from zero;
  /// `exponent` in `0...31`. (`>>` on a signed integer is an arithmetic shift in Swift, as in the
  /// C compilers the runtime supports.)
  @inlinable
  public static func roundingDivideByPOT(_ x: Int32, exponent: Int32) -> Int32 {
    precondition(exponent >= 0 && exponent <= 31, "RoundingDivideByPOT exponent \(exponent) not in 0...31")
    let mask = Int32(truncatingIfNeeded: (Int64(1) << Int64(exponent)) - 1)
    let remainder = x & mask
    let threshold = (mask >> 1) + (x < 0 ? 1 : 0)
    return (x >> exponent) + (remainder > threshold ? 1 : 0)
  }

  /// `acc · 2^left` saturated to Int32 (`left` in `0...31`).
  @inlinable
  public static func saturatingMultiplyByPOT(_ acc: Int32, _ left: Int32) -> Int32 {
    precondition(left >= 0 && left <= 31, "left shift \(left) not in 0...31")
    if left == 0 { return acc }
    return Int32(clamping: Int64(acc) * (Int64(1) << Int64(left)))
  }

  /// The requantization of the table above: `acc · multiplier · 2^(shift − 31)`, rounded.
  @inlinable
  public static func requantize(_ acc: Int32, multiplier: Int32, shift: Int32) -> Int32 {
    let left = shift > 0 ? shift : 0
    let right = shift > 0 ? 0 : -shift
    return roundingDivideByPOT(
      saturatingRoundingDoublingHighMul(saturatingMultiplyByPOT(acc, left), multiplier), exponent: right)
  }

  /// `clamp(v + offset, lo, hi)` as Int8, for `-128 ≤ lo ≤ hi ≤ 127` and `|offset| ≤ 128`. The
  /// comparisons come before the addition (as in C, where `v + offset` could overflow when `v` is
  /// saturated).
  @inlinable
  public static func output(_ v: Int32, offset: Int32, min lo: Int32, max hi: Int32) -> Int8 {
    if v < lo - offset { return Int8(truncatingIfNeeded: lo) }
    if v > hi - offset { return Int8(truncatingIfNeeded: hi) }
    return Int8(truncatingIfNeeded: v + offset)
  }

  /// `acc / count` rounded to nearest, ties away from zero; 0 when `count ≤ 0` (the divisor of
  /// integer average pooling, `nnc_rounded_divide` in C).
  @inlinable
  public static func roundedDivide(_ acc: Int32, by count: Int32) -> Int32 {
    if count <= 0 { return 0 }
    let half = count / 2
    return acc >= 0 ? (acc + half) / count : (acc - half) / count
  }
}
