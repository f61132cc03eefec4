import NNFormats
import NNTrain

/// What the search loop needs from a mutator: `NetworkMutator` (`Mutation/`), or any other with
/// this shape (`SearchConfiguration.makeMutator`).
///
/// `mutate` returns a whole definition in which `network` is a valid variant of the one given
/// (parameters' shapes consistent, so nncompile trains it from fresh initial values) and a short
/// description of the change ("fc3: 50 → 32 outputs"). `summary` describes a network's structure
/// in one line for the results table.
public protocol SearchMutator {
  mutating func mutate(_ definition: ProtoTextMessage, network: String) throws -> (definition: ProtoTextMessage, description: String)
  static func summary(_ definition: ProtoTextMessage, network: String) throws -> String
}

/// A seeded generator (NNTrain's SplitMix64): the same seed gives the same sequence on every platform.
public struct SearchRandom: RandomNumberGenerator, Sendable {
  private var base: TrainingRandom
  public init(seed: UInt64) { base = TrainingRandom(seed: seed) }
  public mutating func next() -> UInt64 { base.next() }
  /// A generator for trial `k` of a search seeded `seed`: independent of the trials before it,
  /// so a resumed search draws what an uninterrupted one would have.
  public static func forTrial(_ k: Int, seed: UInt64, stream: UInt64) -> SearchRandom {
    var g = SearchRandom(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
    for _ in 0..<(k % 7 + 1) { _ = g.next() }
    return SearchRandom(seed: g.next() &+ UInt64(k) &* 0x9E37_79B9_7F4A_7C15)
  }
}

extension NetworkMutator: SearchMutator {}
