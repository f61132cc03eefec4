import Foundation

/// SplitMix64 with uniform and normal draws: the one source of randomness in training
/// (initialisation, dropout masks), so a seed makes a run reproducible.
public struct TrainingRandom: Sendable {
  public var state: UInt64
  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in `0..<bound` (`bound > 0`): the high word of `next() * bound`.
  public mutating func below(_ bound: Int) -> Int {
    Int(next().multipliedFullWidth(by: UInt64(bound)).high)
  }

  /// Uniform in [0, 1).
  public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

  /// Uniform in [low, high).
  public mutating func uniform(_ low: Double, _ high: Double) -> Float { Float(low + (high - low) * unit()) }

  /// Normal(0, std) by Box–Muller.
  public mutating func normal(std: Double) -> Float {
    let u1 = max(unit(), 1e-300), u2 = unit()
    return Float(std * (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2))
  }
}
