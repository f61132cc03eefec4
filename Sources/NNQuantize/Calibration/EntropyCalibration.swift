import Foundation

/// TensorRT's entropy (KL-divergence) threshold search over a histogram of `|x|`.
///
/// Algorithm (Migacz, "8-bit Inference with TensorRT", GTC 2017; the loop follows
/// pytorch-quantization's `_compute_amax_entropy`):
/// - Let `bins` be the 2048-bin histogram of `|x|`, with `bins[0]` replaced by `bins[1]`, so that
///   the spike of exact zeros (ReLU outputs) does not dominate the divergence — zero is represented
///   exactly by the asymmetric scheme anyway.
/// - For every candidate `i` from `startBin` (128) to the bin count, threshold = `i * binWidth`:
///   - P = `bins[0..<i]`, with all the mass beyond the threshold added to `P[i-1]` (clipping);
///   - Q = `bins[0..<i]` merged into `levels` equal groups (group of bin `j` is `j*levels/i`), each
///     group's total spread evenly over its non-empty bins (empty bins stay empty);
///   - divergence = KL(P‖Q) with P and Q normalized (infinite where P > 0 but Q = 0).
/// - Keep the candidate with the least divergence; on ties the largest threshold.
///
/// `levels` is how many int8 steps cover `[0, T]`: 128 for a signed tensor (half the codes on
/// each side of zero, as TensorRT's symmetric int8) and 255 for a tensor that is never negative
/// (asymmetric int8 spends all 256 codes on `[0, T]`).
///
/// Limits: the result is a histogram bin edge, so it is accurate to one bin (`max|x| / 2048`);
/// with fewer bins than `startBin` the only candidate is the whole histogram (no clipping).
public enum EntropyCalibration {
  public static let signedLevels = 128
  public static let unsignedLevels = 255
  public static let startBin = 128

  /// The threshold on `|x|` with the least divergence (0 for an empty or all-zero tensor).
  public static func threshold(_ s: TensorStatistics, levels: Int, startBin: Int = startBin) -> Double {
    precondition(!s.histogram.isEmpty || s.count == 0, "RangeMethod.entropy needs histograms")
    precondition(levels >= 1, "EntropyCalibration: levels must be positive")
    guard s.count > 0, s.binWidth > 0 else { return 0 }
    return Double(bestBin(s.histogram, levels: levels, startBin: startBin)) * s.binWidth
  }

  /// The candidate bin count `i` (threshold = `i` bins) with the least KL divergence.
  ///
  /// The normalizers need no pass of their own: P sums to the whole (modified) histogram, and Q to
  /// the mass of `bins[0..<i]` (merging and spreading keep each group's total). All counts are
  /// integers far below 2^53, so these sums are exact in Double.
  static func bestBin(_ histogram: [Int], levels: Int, startBin: Int) -> Int {
    var bins = histogram.map(Double.init)
    let n = bins.count
    if n > 1 { bins[0] = bins[1] }
    // tail[i] = mass of bins[i...]
    var tail = [Double](repeating: 0, count: n + 1)
    for i in stride(from: n - 1, through: 0, by: -1) { tail[i] = tail[i + 1] + bins[i] }
    let total = tail[0]
    guard n > 0, total > 0 else { return n }

    var best = n
    var bestDivergence = Double.infinity
    var groupSum = [Double](repeating: 0, count: levels)
    var groupNonEmpty = [Double](repeating: 0, count: levels)
    bins.withUnsafeBufferPointer { b in
      groupSum.withUnsafeMutableBufferPointer { sum in
        groupNonEmpty.withUnsafeMutableBufferPointer { nonEmpty in
          for i in min(startBin, n)...n {
            let clipped = tail[i]
            let kept = total - clipped
            // P[i-1] holds the clipped mass; Q[i-1] is 0 when bin i-1 is empty: infinite divergence.
            guard kept > 0, b[i - 1] != 0 || clipped == 0 else { continue }
            // Q: merge bins[0..<i] into `levels` groups (group of bin j: j*levels/i).
            sum.update(repeating: 0)
            nonEmpty.update(repeating: 0)
            for j in 0..<i where b[j] != 0 {
              let k = j * levels / i
              sum[k] += b[j]
              nonEmpty[k] += 1
            }
            // KL(P‖Q) over the bins where P > 0 (exactly the non-empty ones, where Q > 0 too).
            var divergence = 0.0
            for j in 0..<i where b[j] != 0 {
              let k = j * levels / i
              let pj = (j == i - 1 ? b[j] + clipped : b[j]) / total
              let qj = sum[k] / nonEmpty[k] / kept
              divergence += pj * log(pj / qj)
            }
            if divergence <= bestDivergence {
              bestDivergence = divergence
              best = i
            }
          }
        }
      }
    }
    return best
  }
}
