/// What calibration saw of one activation tensor over all samples.
///
/// The histogram counts `|x|` in `binCount` equal bins over `[0, absMax]` (as TensorRT's entropy
/// calibrator does): value `v` falls in bin `min(Int(|v| / binWidth), binCount - 1)`. Non-finite
/// values (NaN, ±inf) are left out of every field except `nonFiniteCount`.
public struct TensorStatistics: Sendable, Equatable {
  /// The tensor's name in the graph.
  public var name: String
  /// Smallest and largest finite value seen (0 and 0 when none was seen).
  public var min: Float
  public var max: Float
  /// Number of finite values seen.
  public var count: Int
  /// Number of NaN or infinite values seen (they are not in the ranges or histogram).
  public var nonFiniteCount: Int
  /// Counts of `|x|`; `histogram.reduce(0, +) == count`. Empty when only ranges were collected.
  public var histogram: [Int]

  public init(name: String, min: Float, max: Float, count: Int, nonFiniteCount: Int = 0, histogram: [Int]) {
    self.name = name
    self.min = min
    self.max = max
    self.count = count
    self.nonFiniteCount = nonFiniteCount
    self.histogram = histogram
  }

  /// `max(|min|, |max|)`: the upper edge of the histogram.
  public var absMax: Float { Swift.max(-min, max) }

  /// The width of one histogram bin (0 when every value was 0).
  public var binWidth: Double { histogram.isEmpty ? 0 : Double(absMax) / Double(histogram.count) }

  /// The histogram bin of `|value|` (for a finite `value`).
  public func bin(of value: Float) -> Int {
    let width = binWidth
    guard width > 0 else { return 0 }
    return Swift.min(Int(Double(value.magnitude) / width), histogram.count - 1)
  }
}
