/// The real-valued range an activation tensor is quantized over.
///
/// Always `min ≤ 0 ≤ max`, so that asymmetric int8 (`real = scale * (q - zero_point)`) represents
/// zero exactly. A tensor that was constant zero on every sample gets `[0, 0]`; the quantizer must
/// pick a scale for it itself.
public struct CalibratedRange: Sendable, Equatable, CustomStringConvertible {
  public var min: Float
  public var max: Float

  /// The range `[min, max]` widened to include 0.
  public init(min: Float, max: Float) {
    precondition(!min.isNaN && !max.isNaN && min <= max, "CalibratedRange: bad range [\(min), \(max)]")
    self.min = Swift.min(min, 0)
    self.max = Swift.max(max, 0)
  }

  public var description: String { "[\(min), \(max)]" }
}
