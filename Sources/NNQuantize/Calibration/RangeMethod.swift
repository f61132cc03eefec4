/// How a tensor's calibration range is chosen from its statistics.
///
/// Every method keeps the tensor's sign structure and includes 0: a tensor that was never negative
/// gets `[0, hi]`, one never positive `[lo, 0]`. The clipping methods pick one threshold `T` on `|x|`
/// and clip both ends to it: `[max(min, -T), min(max, T)]`.
public enum RangeMethod: Sendable, Equatable, CustomStringConvertible {
  /// The observed `[min, max]`: the baseline, nothing clipped.
  case minMax
  /// `T` = the upper edge of the histogram bin where the cumulative count of `|x|` first reaches
  /// `p` percent (`0 < p ≤ 100`; e.g. 99.99), as pytorch-quantization's percentile calibrator.
  case percentile(Double)
  /// `T` = the threshold with the least KL divergence between the clipped `|x|` distribution and its
  /// int8-quantized version (TensorRT's entropy calibration; see `EntropyCalibration`).
  case entropy

  public var description: String {
    switch self {
    case .minMax: "min-max"
    case .percentile(let p): "percentile \(p)"
    case .entropy: "entropy"
    }
  }

  /// The range for one tensor. `percentile` and `entropy` need the histogram.
  public func range(for s: TensorStatistics) -> CalibratedRange {
    switch self {
    case .minMax:
      return CalibratedRange(min: s.min, max: s.max)
    case .percentile(let p):
      precondition(p > 0 && p <= 100, "RangeMethod.percentile: \(p) is not in (0, 100]")
      return clipped(s, threshold: Self.percentileThreshold(s, percent: p))
    case .entropy:
      let levels = s.min < 0 ? EntropyCalibration.signedLevels : EntropyCalibration.unsignedLevels
      return clipped(s, threshold: EntropyCalibration.threshold(s, levels: levels))
    }
  }

  /// The upper edge of the first bin at which the cumulative share of values reaches `percent`.
  static func percentileThreshold(_ s: TensorStatistics, percent: Double) -> Double {
    precondition(!s.histogram.isEmpty || s.count == 0, "RangeMethod.percentile needs histograms")
    guard s.count > 0, s.binWidth > 0 else { return 0 }
    let target = percent / 100 * Double(s.count)
    var cumulative = 0
    for (i, n) in s.histogram.enumerated() {
      cumulative += n
      if Double(cumulative) >= target { return Double(i + 1) * s.binWidth }
    }
    return Double(s.absMax)
  }

  private func clipped(_ s: TensorStatistics, threshold: Double) -> CalibratedRange {
    let t = Float(threshold)
    let lo = s.min < 0 ? Swift.max(s.min, -t) : 0
    let hi = s.max > 0 ? Swift.min(s.max, t) : 0
    return CalibratedRange(min: lo, max: hi)
  }
}
