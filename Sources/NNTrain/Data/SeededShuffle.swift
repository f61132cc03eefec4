/// The deterministic shuffling behind `Dataset.order(seed:epoch:)`, written out so another
/// implementation can reproduce it exactly.
///
/// - PRNG: SplitMix64 (Steele, Lea, Flood 2014): `state += 0x9E3779B97F4A7C15`, then
///   `z = state; z = (z ^ z>>30) * 0xBF58476D1CE4E5B9; z = (z ^ z>>27) * 0x94D049BB133111EB;
///   return z ^ z>>31` (all arithmetic mod 2^64).
/// - Seeding: the initial state of epoch `e` is `seed ^ (e * 0xD1B54A32D192ED03)`, so epochs
///   are independent streams.
/// - Permutation: Fisher–Yates from the top: for `i` from `count - 1` down to 1, draw `r`, take
///   `j = (r * (i + 1)) >> 64` (the high word of the 128-bit product, Lemire's unbiased-enough
///   range reduction without division) and swap elements `i` and `j`.
public enum SeededShuffle {
  public struct SplitMix64: Sendable {
    public var state: UInt64
    public init(state: UInt64) { self.state = state }
    public mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    /// Uniform in `0..<bound` (`bound > 0`).
    public mutating func below(_ bound: Int) -> Int {
      Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }
  }

  public static func permutation(count: Int, seed: UInt64, epoch: Int) -> [Int] {
    var rng = SplitMix64(state: seed ^ (UInt64(truncatingIfNeeded: epoch) &* 0xD1B5_4A32_D192_ED03))
    var order = Array(0..<count)
    var i = count - 1
    while i > 0 {
      order.swapAt(i, rng.below(i + 1))
      i -= 1
    }
    return order
  }
}
