/// The Pareto front of points to minimise in every coordinate (error, cycles, flash, RAM).
///
/// A point is on the front when no other point is at least as good in every coordinate and
/// strictly better in one. Equal points are all kept (neither dominates the other). O(n²): a
/// search has tens to hundreds of candidates.
public enum ParetoFront {
  /// True when `a` dominates `b`.
  public static func dominates(_ a: [Double], _ b: [Double]) -> Bool {
    precondition(a.count == b.count, "points of different dimensions")
    return zip(a, b).allSatisfy { $0 <= $1 } && zip(a, b).contains { $0 < $1 }
  }

  /// The indices of `points` on the front, in increasing order.
  public static func indices(_ points: [[Double]]) -> [Int] {
    points.indices.filter { i in !points.indices.contains { j in j != i && dominates(points[j], points[i]) } }
  }
}
