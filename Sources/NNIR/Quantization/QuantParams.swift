/// The quantization of one int8 tensor: `real = scale · (q − zeroPoint)`.
///
/// Activations are asymmetric (any `zeroPoint` in `-128...127`); weights are symmetric per output
/// channel (`zeroPoint` 0, values in `-127...127`); biases are int32 with scale `s_in · s_w[c]`.
/// `quantize` and `dequantize` do exactly the float operations of `nnc_quantize_one_s8` /
/// `nnc_dequantize_one_s8` in `runtime-c/include/nnc_int8.h`, so Swift and C agree bit for bit:
///
///     quantize(x)   = clamp((x / scale).rounded() + Float(zeroPoint), -128, 127)   // in Float;
///                     // one division, rounding half away from zero (C `roundf`); NaN → zeroPoint
///     dequantize(q) = scale · Float(Int32(q) − zeroPoint)
///
/// Example: with `QuantParams(scale: 0.5, zeroPoint: -3)`, `quantize(1.25)` is
/// `round(2.5) − 3 = 0` and `dequantize(0)` is `1.5`.
public struct QuantParams: Sendable, Equatable, Hashable, CustomStringConvertible {
  public var scale: Float
  public var zeroPoint: Int32

  public init(scale: Float, zeroPoint: Int32) {
    precondition(scale > 0 && scale.isFinite, "quantization scale \(scale) must be positive and finite")
    precondition(zeroPoint >= -128 && zeroPoint <= 127, "int8 zero point \(zeroPoint) out of range")
    self.scale = scale
    self.zeroPoint = zeroPoint
  }

  /// Asymmetric int8 parameters covering `[min(lo, 0), max(hi, 0)]` (0 is always representable
  /// exactly, so zero padding is exact): `scale = (hi − lo) / 255` (1/255 for an empty range),
  /// `zeroPoint = clamp(round(-128 − lo / scale))`, computed in Double.
  ///
  /// The scale is at least `Float.leastNormalMagnitude` (~1.2e-38): a range of denormals would
  /// otherwise give a scale of 0 or a denormal one, which an FPU flushing denormals (the M4's
  /// FZ mode) divides by as 0. Such a tensor quantizes to (nearly) all zero points, as it should.
  ///
  /// - Precondition: `lo` and `hi` are finite.
  public init(covering lo: Float, _ hi: Float) {
    precondition(lo.isFinite && hi.isFinite, "range [\(lo), \(hi)] is not finite")
    let lo = Double(min(lo, 0))
    let hi = Double(max(hi, 0))
    var scale = hi > lo ? (hi - lo) / 255 : 1.0 / 255
    if Float(scale) < .leastNormalMagnitude { scale = Double(Float.leastNormalMagnitude) }
    let zp = (-128 - lo / scale).rounded()
    self.init(scale: Float(scale), zeroPoint: Int32(min(max(zp, -128), 127)))
  }

  /// The int8 value nearest to `x` (saturating; NaN gives the zero point).
  @inlinable
  public func quantize(_ x: Float) -> Int8 {
    let v = (x / scale).rounded() + Float(zeroPoint)
    if v.isNaN { return Int8(truncatingIfNeeded: zeroPoint) }
    if v < -128 { return .min }
    if v > 127 { return .max }
    return Int8(v)
  }

  /// The real value `q` stands for.
  @inlinable
  public func dequantize(_ q: Int8) -> Float {
    scale * Float(Int32(q) - zeroPoint)
  }

  /// `-zeroPoint`: the `input_offset` / `a_offset` the kernels add to each input value.
  public var inputOffset: Int32 { -zeroPoint }
  /// `zeroPoint`: the `output_offset` the kernels add after requantization.
  public var outputOffset: Int32 { zeroPoint }

  /// The int8-domain clamp `(act_min, act_max)` of a fused activation that clamps the real value
  /// to `[lower, upper]` (ReLU: `0, .infinity`; ReLU6: `0, 6`; none: `-.infinity, .infinity`).
  public func activationRange(lower: Float, upper: Float) -> (min: Int32, max: Int32) {
    let lo = lower == -.infinity ? -128 : Int32(quantize(lower))
    let hi = upper == .infinity ? 127 : Int32(quantize(upper))
    return (lo, hi)
  }

  public var description: String { "(scale \(scale), zero point \(zeroPoint))" }
}
