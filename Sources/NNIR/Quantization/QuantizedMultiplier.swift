/// A real scale factor as an int32 fixed-point `multiplier` and a power-of-two `shift`:
/// `real ≈ multiplier · 2^(shift − 31)` with `|multiplier|` in `[2^30, 2^31)` (or 0).
///
/// Built like TFLite's `QuantizeMultiplier`: `real = q · 2^shift` with `|q|` in `[0.5, 1)` (frexp),
/// `multiplier = round(q · 2^31)` (half away from zero); a `|multiplier|` that rounds up to 2^31 is
/// halved with `shift + 1`; a `shift < -31` (|real| < 2^-32) flushes to `(0, 0)`. Negative reals
/// (Sub2's `b` side) are accepted and give exactly the negated multiplier of `|real|`. A
/// `|real| ≥ 2^31` (a narrow output range after huge weights or inputs) saturates to
/// `(±Int32.max, 31)`: `FixedPoint.requantize` saturates every non-zero accumulator for either
/// factor, so the result is the same and no scale can trap.
///
///     QuantizedMultiplier(real: 0.75)   // (1_610_612_736, 0): 0.75 · 2^31, shift 0
///     QuantizedMultiplier(real: 3.0)    // (1_610_612_736, 2)
public struct QuantizedMultiplier: Sendable, Equatable, Hashable, CustomStringConvertible {
  public var multiplier: Int32
  /// Positive shifts left, negative right; in `-31...31`.
  public var shift: Int32

  public init(multiplier: Int32, shift: Int32) {
    self.multiplier = multiplier
    self.shift = shift
  }

  /// - Precondition: `real` is not NaN.
  public init(real: Double) {
    precondition(!real.isNaN, "requantization multiplier is NaN")
    let saturated = QuantizedMultiplier(multiplier: real < 0 ? -Int32.max : Int32.max, shift: 31)
    if real.magnitude >= 0x1p31 {  // ±inf included: its exponent is not a number to add to
      self = saturated
      return
    }
    if real == 0 {
      self.init(multiplier: 0, shift: 0)
      return
    }
    // frexp: |real| = q · 2^e with q in [0.5, 1). Swift's significand is in [1, 2), so halve it.
    let q = real.magnitude.significand / 2
    var e = Int(real.magnitude.exponent) + 1
    var fixed = Int64((q * 0x1p31).rounded())
    if fixed == 1 << 31 {
      fixed /= 2
      e += 1
    }
    if e < -31 {
      self.init(multiplier: 0, shift: 0)
      return
    }
    if e > 31 {  // just below 2^31 and rounded up to it
      self = saturated
      return
    }
    let signed = real < 0 ? -fixed : fixed
    self.init(multiplier: Int32(signed), shift: Int32(e))
  }

  /// `multiplier · 2^(shift − 31)` as a Double (exact).
  public var real: Double { Double(multiplier) * Double(sign: .plus, exponent: Int(shift) - 31, significand: 1) }

  /// `FixedPoint.requantize(acc, multiplier:, shift:)`.
  @inlinable
  public func apply(_ acc: Int32) -> Int32 {
    FixedPoint.requantize(acc, multiplier: multiplier, shift: shift)
  }

  public var description: String { "(\(multiplier), \(shift))" }

  /// Per-channel output multipliers of a layer with weights: `s_in · s_w[c] / s_out` (in Double,
  /// as TFLite computes them). Their `multiplier`s and `shift`s are the `out_multiplier` /
  /// `out_shift` arrays of `nnc_conv_s8` and `nnc_affine_s8`.
  public static func perChannel(inputScale: Float, weightScales: [Float], outputScale: Float) -> [QuantizedMultiplier] {
    weightScales.map { QuantizedMultiplier(real: Double(inputScale) * Double($0) / Double(outputScale)) }
  }
}

extension QuantizedMultiplier {
  /// TFLite's MEAN multiplier (`reference_ops::QuantizedMeanOrSum`): `real` (`s_in / s_out`)
  /// quantized, then the division by the `count` reduced elements folded into it:
  /// `k = min(⌊log2 count⌋, 32, 31 + shift)`, `multiplier · 2^k / count` (truncated), `shift − k`.
  public static func tfliteMean(_ real: Double, count: Int) -> QuantizedMultiplier {
    let m = QuantizedMultiplier(real: real)
    guard count > 0 else { return m }
    var k = Int32(63 - UInt64(count).leadingZeroBitCount)
    k = min(k, 32, 31 + m.shift)
    let scaled = (Int64(m.multiplier) << Int64(k)) / Int64(count)
    return QuantizedMultiplier(multiplier: Int32(truncatingIfNeeded: scaled), shift: m.shift - k)
  }
}
