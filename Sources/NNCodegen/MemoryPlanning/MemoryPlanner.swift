/// Places buffers in one arena so that buffers live at the same time never overlap.
public protocol MemoryPlanner: Sendable {
  var name: String { get }
  /// Byte offsets, one per buffer, each a multiple of `alignment`.
  func offsets(for buffers: [Buffer], alignment: Int) -> [Int]
  /// The name the report shows for the plan of `buffers` (a planner that picks among strategies
  /// names the one it picked).
  func name(for buffers: [Buffer], alignment: Int) -> String
}

extension MemoryPlanner {
  public func name(for buffers: [Buffer], alignment: Int) -> String { name }

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

/// Greedy placement (as TFLite Micro's `GreedyMemoryPlanner`):
/// - take buffers in `order` (by default largest first; ties: earlier first step first);
/// - place each at the lowest aligned offset where it overlaps no already placed buffer that is
///   live at the same time, trying the gaps between those buffers in offset order.
/// Not optimal (the problem is NP-hard) but close to the lower bound on chain-like CNNs.
public struct GreedyPlanner: MemoryPlanner {
  /// The order buffers are placed in; the first key decides, then earlier first step, then index.
  public enum Order: String, Sendable, CaseIterable {
    /// Largest first.
    case size
    /// Schedule order: the first step, then the largest.
    case firstStep = "first-step"
    /// Largest bytes × lifetime first.
    case area
    /// Longest-lived first.
    case lifetime
  }

  public var order: Order
  public init(order: Order = .size) { self.order = order }
  public var name: String { "greedy-by-\(order.rawValue)" }

  func placementOrder(_ buffers: [Buffer]) -> [Int] {
    func key(_ b: Buffer) -> Int {
      let lifetime = b.lastStep - b.firstStep + 1
      switch order {
      case .size: return b.bytes
      case .firstStep: return -b.firstStep
      case .area: return b.bytes * lifetime
      case .lifetime: return lifetime
      }
    }
    func tieBreak(_ b: Buffer) -> Int { order == .firstStep ? b.bytes : -b.firstStep }
    return buffers.indices.sorted {
      (key(buffers[$0]), tieBreak(buffers[$0]), -$0) > (key(buffers[$1]), tieBreak(buffers[$1]), -$1)
    }
  }

  public func offsets(for buffers: [Buffer], alignment: Int) -> [Int] {
    var offsets = [Int](repeating: 0, count: buffers.count)
    var placed: [Int] = []
    for i in placementOrder(buffers) {
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

/// Greedy placement in each of its orders, keeping the smallest arena (ties: greedy by size).
/// Greedy by size alone is beaten on simple chains — a large buffer placed first at offset 0 can
/// leave a gap no later buffer fits — and each order costs only one more greedy pass.
public struct BestOfGreedyPlanner: MemoryPlanner {
  public init() {}
  public var name: String { "best greedy order" }

  func best(_ buffers: [Buffer], alignment: Int) -> (planner: GreedyPlanner, offsets: [Int]) {
    var best: (planner: GreedyPlanner, offsets: [Int], bytes: Int)?
    for order in GreedyPlanner.Order.allCases {
      let planner = GreedyPlanner(order: order)
      let offsets = planner.offsets(for: buffers, alignment: alignment)
      let bytes = planner.arenaBytes(for: buffers, offsets: offsets)
      if best == nil || bytes < best!.bytes { best = (planner, offsets, bytes) }
    }
    return (best!.planner, best!.offsets)
  }

  public func offsets(for buffers: [Buffer], alignment: Int) -> [Int] { best(buffers, alignment: alignment).offsets }

  public func name(for buffers: [Buffer], alignment: Int) -> String {
    "\(best(buffers, alignment: alignment).planner.name) (best of \(GreedyPlanner.Order.allCases.count) greedy orders)"
  }
}
