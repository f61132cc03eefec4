/// SplitMix64: a tiny deterministic generator, so every run of a sweep sees the same cases and a
/// failure message (which prints the case) can be reproduced.
public struct SeededRandom: RandomNumberGenerator, Sendable {
  public var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  public mutating func int(_ range: ClosedRange<Int>) -> Int {
    range.lowerBound + Int(next() % UInt64(range.count))
  }

  public mutating func int32(_ range: ClosedRange<Int32>) -> Int32 {
    Int32(int(Int(range.lowerBound)...Int(range.upperBound)))
  }

  public mutating func bool() -> Bool { next() & 1 == 1 }

  /// True with probability 1 / `n`.
  public mutating func oneIn(_ n: Int) -> Bool { int(1...n) == 1 }

  /// Uniform in `[-1, 1)`.
  public mutating func float() -> Float { Float(next() >> 40) / Float(1 << 24) * 2 - 1 }

  /// Uniform in `range` (Double).
  public mutating func double(_ range: ClosedRange<Double>) -> Double {
    range.lowerBound + Double(next() >> 11) / Double(1 << 53) * (range.upperBound - range.lowerBound)
  }

  public mutating func pick<T>(_ xs: [T]) -> T { xs[int(0...(xs.count - 1))] }

  /// Random int8 values in which about one in `extremes` is -128 or 127, so saturation at both
  /// ends is always exercised.
  public mutating func int8s(_ count: Int, extremes: Int = 8) -> [Int8] {
    (0..<count).map { _ in
      oneIn(extremes) ? (bool() ? Int8.min : Int8.max) : Int8(truncatingIfNeeded: next())
    }
  }

  /// Symmetric int8 weights in `-127...127` (one in `extremes` at ±127).
  public mutating func weights(_ count: Int, extremes: Int = 8) -> [Int8] {
    (0..<count).map { _ in oneIn(extremes) ? (bool() ? -127 : 127) : Int8(int(-127...127)) }
  }
}
