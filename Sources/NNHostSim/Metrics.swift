import NNIR

/// How far one set of outputs is from a reference, over all samples of one output tensor.
///
/// - `maxAbs`: largest |actual − reference|.
/// - `maxRel`: `maxAbs` divided by the reference's range (max |reference| over its finite
///   values); this is the figure the tolerance applies to, so it means the same for logits in the
///   tens and probabilities in [0, 1].
/// - `rmse`: root mean square error over all elements.
/// - `cosine`: cosine similarity of the flattened outputs (1 = same direction).
/// - `top1Agreement`: fraction of samples whose arg-max over the output's elements agrees.
/// - `nonFinite`: actual values that are NaN, or ±Inf where the reference does not hold the same
///   infinity; `firstNonFinite` says where the first one is.
///
/// A NaN anywhere makes every figure NaN (a sample with a NaN never agrees), so that no
/// `figure <= limit` test can pass on it: NaN compares false with everything, and a cosine
/// computed over NaN would otherwise read as 0 or 1 depending on how it was guarded. Equal
/// infinities count as equal values (difference 0); the cosine has no meaning with them and is NaN.
public struct ComparisonMetrics: Sendable, Equatable, Codable {
  public var maxAbs: Double
  public var maxRel: Double
  public var rmse: Double
  public var cosine: Double
  public var top1Agreement: Double
  public var samples: Int
  public var nonFinite: Int
  /// `sample 1, element 3 = nan` (samples counted from 1), or nil.
  public var firstNonFinite: String?

  public init(actual: [FloatTensor], reference: [FloatTensor]) {
    precondition(actual.count == reference.count)
    var maxAbs = 0.0, sumSq = 0.0, range = 0.0, dot = 0.0, na = 0.0, nr = 0.0
    var count = 0, agree = 0, nonFinite = 0
    var firstNonFinite: String?
    for (s, (a, r)) in zip(actual, reference).enumerated() {
      var sawNaN = false
      for (e, (x, y)) in zip(a.values, r.values).enumerated() {
        if !x.isFinite && !(x.isInfinite && x == y) {
          nonFinite += 1
          if firstNonFinite == nil { firstNonFinite = "sample \(s + 1), element \(e) = \(x)" }
        }
        sawNaN = sawNaN || x.isNaN || y.isNaN
        let (dx, dy) = (Double(x), Double(y))
        let d = x == y ? 0 : abs(dx - dy)  // equal infinities: no difference
        maxAbs = d.isNaN || maxAbs.isNaN ? .nan : max(maxAbs, d)
        sumSq += d * d
        if dy.isFinite { range = max(range, abs(dy)) }
        dot += dx * dy
        na += dx * dx
        nr += dy * dy
        count += 1
      }
      if !sawNaN && Self.argmax(a.values) == Self.argmax(r.values) { agree += 1 }
    }
    self.maxAbs = maxAbs
    self.maxRel = range > 0 ? maxAbs / range : maxAbs
    self.rmse = count > 0 ? (sumSq / Double(count)).squareRoot() : 0
    if !(dot.isFinite && na.isFinite && nr.isFinite) {
      cosine = .nan
    } else {
      cosine = na > 0 && nr > 0 ? dot / (na.squareRoot() * nr.squareRoot()) : (na == nr ? 1 : 0)
    }
    self.top1Agreement = actual.isEmpty ? 1 : Double(agree) / Double(actual.count)
    self.samples = actual.count
    self.nonFinite = nonFinite
    self.firstNonFinite = firstNonFinite
    if maxAbs.isNaN { (self.rmse, self.cosine, self.top1Agreement) = (.nan, .nan, .nan) }
  }

  /// The index of the largest value (the first, on a tie); NaN values are never picked.
  public static func argmax(_ v: [Float]) -> Int {
    var best = 0
    for i in v.indices where v[i] > v[best] || (v[best].isNaN && !v[i].isNaN) { best = i }
    return best
  }
}
