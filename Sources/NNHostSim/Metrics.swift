import NNIR

/// How far one set of outputs is from a reference, over all samples of one output tensor.
///
/// - `maxAbs`: largest |actual − reference|.
/// - `maxRel`: `maxAbs` divided by the reference's range (max |reference|); this is the figure the
///   tolerance applies to, so it means the same for logits in the tens and probabilities in [0, 1].
/// - `rmse`: root mean square error over all elements.
/// - `cosine`: cosine similarity of the flattened outputs (1 = same direction).
/// - `top1Agreement`: fraction of samples whose arg-max over the output's elements agrees.
public struct ComparisonMetrics: Sendable, Equatable, Codable {
  public var maxAbs: Double
  public var maxRel: Double
  public var rmse: Double
  public var cosine: Double
  public var top1Agreement: Double
  public var samples: Int

  public init(actual: [FloatTensor], reference: [FloatTensor]) {
    precondition(actual.count == reference.count)
    var maxAbs = 0.0, sumSq = 0.0, range = 0.0, dot = 0.0, na = 0.0, nr = 0.0
    var count = 0, agree = 0
    for (a, r) in zip(actual, reference) {
      for (x, y) in zip(a.values, r.values) {
        let (dx, dy) = (Double(x), Double(y))
        let d = abs(dx - dy)
        maxAbs = d.isNaN ? .infinity : max(maxAbs, d)
        sumSq += d * d
        range = max(range, abs(dy))
        dot += dx * dy
        na += dx * dx
        nr += dy * dy
        count += 1
      }
      if Self.argmax(a.values) == Self.argmax(r.values) { agree += 1 }
    }
    self.maxAbs = maxAbs
    self.maxRel = range > 0 ? maxAbs / range : maxAbs
    self.rmse = count > 0 ? (sumSq / Double(count)).squareRoot() : 0
    self.cosine = na > 0 && nr > 0 ? dot / (na.squareRoot() * nr.squareRoot()) : (na == nr ? 1 : 0)
    self.top1Agreement = actual.isEmpty ? 1 : Double(agree) / Double(actual.count)
    self.samples = actual.count
  }

  public static func argmax(_ v: [Float]) -> Int {
    var best = 0
    for i in v.indices where v[i] > v[best] { best = i }
    return best
  }
}
