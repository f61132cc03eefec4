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
  public static func permutation(count: Int, seed: UInt64, epoch: Int) -> [Int] {
    var rng = TrainingRandom(seed: seed ^ (UInt64(truncatingIfNeeded: epoch) &* 0xD1B5_4A32_D192_ED03))
    var order = Array(0..<count)
    var i = count - 1
    while i > 0 {
      order.swapAt(i, rng.below(i + 1))
      i -= 1
    }
    return order
  }
}
