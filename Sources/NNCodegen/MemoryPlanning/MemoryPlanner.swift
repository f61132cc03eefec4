/// Places buffers in one arena so that buffers live at the same time never overlap.
public protocol MemoryPlanner: Sendable {
  var name: String { get }
  /// Byte offsets, one per buffer, each a multiple of `alignment`.
  func offsets(for buffers: [Buffer], alignment: Int) -> [Int]
}

extension MemoryPlanner {
  /// The arena size the offsets need.
  public func arenaBytes(for buffers: [Buffer], offsets: [Int]) -> Int {
    zip(buffers, offsets).map { $0.bytes + $1 }.max() ?? 0
  }
}

func alignUp(_ value: Int, _ alignment: Int) -> Int {
  (value + alignment - 1) / alignment * alignment
}

/// The obviously correct baseline: every buffer gets its own bytes, one after another.
public struct LinearPlanner: MemoryPlanner {
  public init() {}
  public var name: String { "linear" }
  public func offsets(for buffers: [Buffer], alignment: Int) -> [Int] {
    var next = 0
    return buffers.map { b in
      defer { next = alignUp(next + b.bytes, alignment) }
      return next
    }
  }
}

/// Greedy by size (as TFLite Micro's `GreedyMemoryPlanner`):
/// - take buffers largest first (ties: earlier first step first);
/// - place each at the lowest aligned offset where it overlaps no already placed buffer that is
///   live at the same time, trying the gaps between those buffers in offset order.
/// Not optimal (the problem is NP-hard) but close to the lower bound on chain-like CNNs.
public struct GreedyPlanner: MemoryPlanner {
  public init() {}
  public var name: String { "greedy-by-size" }
  public func offsets(for buffers: [Buffer], alignment: Int) -> [Int] {
    let order = buffers.indices.sorted {
      (buffers[$0].bytes, -buffers[$0].firstStep) > (buffers[$1].bytes, -buffers[$1].firstStep)
    }
    var offsets = [Int](repeating: 0, count: buffers.count)
    var placed: [Int] = []
    for i in order {
      let conflicts = placed.filter { buffers[$0].overlapsInTime(buffers[i]) }
        .sorted { offsets[$0] < offsets[$1] }
      var candidate = 0
      for c in conflicts {
        if candidate + buffers[i].bytes <= offsets[c] { break }
        candidate = max(candidate, alignUp(offsets[c] + buffers[c].bytes, alignment))
      }
      offsets[i] = candidate
      placed.append(i)
    }
    return offsets
  }
}
