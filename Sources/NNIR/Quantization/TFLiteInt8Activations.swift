/// TFLite Micro's int8 activation kernels, run at compile time on all 256 input codes: the
/// 256-entry tables (`Int8Kernel.lookupTable`, index `code + 128`) that give an imported int8
/// `.tflite` model TFLM's exact bytes (issue 13). Each follows the kernel's `Prepare` (the
/// parameters, computed in the same float / double steps) and its reference `Eval`:
///
/// | op         | Prepare                          | Eval                                        |
/// |------------|----------------------------------|---------------------------------------------|
/// | LOGISTIC   | `logistic_common.cc`             | `reference/integer_ops/logistic.h`          |
/// | TANH       | `tanh.cc`                        | `reference/integer_ops/tanh.h`              |
/// | HARD_SWISH | `hard_swish_common.cc`           | `reference/hard_swish.h` (int16 steps)      |
/// | LEAKY_RELU | `leaky_relu_common.cc`           | `reference/leaky_relu.h`                    |
///
/// LOGISTIC's output is always (1/256, −128) and TANH's (1/128, 0), whatever the file says.
public enum TFLiteInt8Activations {
  /// TFLM's `frexp` + `TfLiteRound` multiplier of LOGISTIC / TANH (no 2^31 correction).
  static func frexpMultiplier(_ real: Double) -> (multiplier: Int32, shift: Int) {
    if real == 0 { return (0, 0) }
    let q = real.significand / 2
    let shift = Int(real.exponent) + 1
    return (Int32(truncatingIfNeeded: Int64((q * 0x1p31).rounded())), shift)
  }

  static func table(_ f: (Int32) -> Int32) -> [Int8] {
    (-128...127).map { Int8(clamping: f(Int32($0))) }
  }

  /// LOGISTIC: Q4.27 input, `gemmlowp::logistic`, output `round(y · 2^8) − 128`.
  public static func logistic(input: QuantParams) -> [Int8] {
    q4Table(input: input) { FixedPoint.roundingDivideByPOT(Gemmlowp.logistic($0, integerBits: 4), exponent: 23) - 128 }
  }

  /// TANH: Q4.27 input, `gemmlowp::tanh`, output `round(y · 2^7)`.
  public static func tanh(input: QuantParams) -> [Int8] {
    q4Table(input: input) { FixedPoint.roundingDivideByPOT(Gemmlowp.tanh($0, integerBits: 4), exponent: 24) }
  }

  /// What LOGISTIC and TANH share: each code moved to Q4.27 by TFLM's frexp multiplier, codes at
  /// or beyond the input radius saturating to −128 / 127, the rest through `f`.
  static func q4Table(input: QuantParams, _ f: (Int32) -> Int32) -> [Int8] {
    let (multiplier, shift) = frexpMultiplier(Double(input.scale) * Double(1 << 27))
    let radius = Gemmlowp.inputRadius(integerBits: 4, leftShift: shift)
    return table { code in
      let x = code - input.zeroPoint
      if x <= -radius { return -128 }
      if x >= radius { return 127 }
      return f(Gemmlowp.multiplyByQuantizedMultiplier(x, multiplier, shift))
    }
  }

  /// TFLite's `DownScaleInt32ToInt16Multiplier`.
  static func int16Multiplier(_ m: Int32) -> Int16 {
    if m >= Int32.max - (1 << 15) { return .max }
    return Int16(truncatingIfNeeded: (m + (1 << 15)) >> 16)
  }

  /// HARD_SWISH: `x · relu6(x + 3) / 6` in TFLite's int16 fixed point; nil where TFLM's Prepare
  /// refuses the scales (`s_in / 128 / s_out` must round below 1).
  public static func hardSwish(input: QuantParams, output: QuantParams) -> [Int8]? {
    let hiresInputScale = (1.0 as Float / 128.0) * input.scale
    let reluishScale: Float = 3.0 / 32768.0
    let om = QuantizedMultiplier(real: Double(hiresInputScale / output.scale))
    let rm = QuantizedMultiplier(real: Double(hiresInputScale / reluishScale))
    let outputMultiplier = int16Multiplier(om.multiplier), outputExponent = Int(om.shift)
    let reluishMultiplier = int16Multiplier(rm.multiplier), reluishExponent = Int(rm.shift)
    guard outputExponent <= 0 else { return nil }
    return table { code in
      let inputValue = Int16(truncatingIfNeeded: code - input.zeroPoint)
      let hires = inputValue &* (1 << 7)
      let preshiftOutput = Gemmlowp.mul16(hires, outputMultiplier)
      var reluish = hires
      if reluishExponent > 0 { reluish = Gemmlowp.saturatingLeftShift16(reluish, reluishExponent - 1) }
      reluish = Gemmlowp.mul16(reluish, reluishMultiplier)
      if reluishExponent > 0 { reluish = Gemmlowp.saturatingLeftShift16(reluish, 1) }
      if reluishExponent < 0 { reluish = Gemmlowp.roundingDivideByPOT16(reluish, -reluishExponent) }
      reluish = Int16(truncatingIfNeeded: (Int32(reluish) + (1 << 15)) >> 1)
      let product = Gemmlowp.mulTruncating16(reluish, preshiftOutput)
      let out = Gemmlowp.roundingDivideByPOT16(product, -outputExponent)
      return Int32(out &+ Int16(truncatingIfNeeded: output.zeroPoint))
    }
  }

  /// LEAKY_RELU: one multiplier for `x ≥ 0` (`s_in / s_out`), one for `x < 0`
  /// (`s_in · alpha / s_out`), both formed in float as TFLM does.
  public static func leakyRelu(alpha: Float, input: QuantParams, output: QuantParams) -> [Int8] {
    let alphaM = QuantizedMultiplier(real: Double(input.scale * alpha / output.scale))
    let identityM = QuantizedMultiplier(real: Double(input.scale / output.scale))
    return table { code in
      let x = code - input.zeroPoint
      if x >= 0 { return output.zeroPoint + identityM.apply(x) }
      if alphaM.multiplier < 0 { return output.zeroPoint - FixedPoint.requantize(x, multiplier: -alphaM.multiplier, shift: alphaM.shift) }
      return output.zeroPoint + alphaM.apply(x)
    }
  }
}
