/// Places buffers in one arena so that buffers live at the same time never overlap.
public protocol MemoryPlanner: Sendable {
  var name: String { get }
  /// Byte offsets, one per buffer, each a multiple of `alignment`.
  func offsets(for buffers: [Buffer], alignment: Int) -> [Int]
  /// The name the report shows for the plan of `buffers` (a planner that picks among strategies
  /// names the one it picked).
  func name(for buffers: [Buffer], alignment: Int) -> String
  /// Offsets and name together (a planner that searches does it once).
  func plan(for buffers: [Buffer], alignment: Int) -> (offsets: [Int], name: String)
}

extension MemoryPlanner {
  public func name(for buffers: [Buffer], alignment: Int) -> String { name }

  public func plan(for buffers: [Buffer], alignment: Int) -> (offsets: [Int], name: String) {
    (offsets(for: buffers, alignment: alignment), name(for: buffers, alignment: alignment))
  }

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
    Self.offsets(for: buffers, order: placementOrder(buffers), alignment: alignment)
  }

  /// First-fit placement of `buffers` taken in `order` (a permutation of their indices).
  static func offsets(for buffers: [Buffer], order: [Int], alignment: Int) -> [Int] {
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

/// Greedy placement in each of its orders, keeping the smallest arena (ties: greedy by size);
/// then, if that arena is above the lower bound, a bounded local search over the placement order.
///
/// Greedy by size alone is beaten on simple chains — a large buffer placed first at offset 0 can
/// leave a gap no later buffer fits — and each order costs only one more greedy pass.
///
/// Why the local search: no fixed sort key suits every schedule. On MobileNet-like networks (the
/// int8 MLPerf Tiny vww) the four orders all leave the arena ~9 KB (14 %) above the bound: which
/// buffer should go first depends on its neighbours in the schedule, not on its own size or
/// lifetime. So the search starts from the best greedy order and moves one buffer to an earlier
/// place in it — first the buffers whose end is the arena's top, as they decide its size — and
/// keeps a move when the first-fit arena shrinks (or stays the same with fewer buffers at the
/// top, so it can cross plateaus). It stops at the lower bound rounded up to the alignment
/// (nothing can beat it), when no move helps, or after `searchBudget` greedy passes, so it is
/// deterministic and its cost bounded (a pass is O(n²) in the buffer count, ~0.25 ms for vww's 60
/// buffers in a debug build). vww reaches the bound in 2 passes (65,104 → 55,888 B), the float32
/// ic and ad plans in a few.
public struct BestOfGreedyPlanner: MemoryPlanner {
  /// Greedy passes the local search may spend at most.
  public var searchBudget: Int
  public init(searchBudget: Int = 1_000) { self.searchBudget = searchBudget }
  public var name: String { "best greedy order" }

  struct Result {
    var order: GreedyPlanner.Order
    var offsets: [Int]
    /// Whether the local search improved on the best greedy order.
    var searched: Bool
  }

  /// The arena of `offsets` and how many buffers end at its top.
  static func score(_ buffers: [Buffer], _ offsets: [Int]) -> (bytes: Int, atTop: Int) {
    var top = 0, count = 0
    for (b, o) in zip(buffers, offsets) {
      let end = o + b.bytes
      if end > top { (top, count) = (end, 1) } else if end == top { count += 1 }
    }
    return (top, count)
  }

  func best(_ buffers: [Buffer], alignment: Int) -> Result {
    var best: (order: GreedyPlanner.Order, placement: [Int], offsets: [Int], bytes: Int)?
    for order in GreedyPlanner.Order.allCases {
      let planner = GreedyPlanner(order: order)
      let placement = planner.placementOrder(buffers)
      let offsets = GreedyPlanner.offsets(for: buffers, order: placement, alignment: alignment)
      let bytes = planner.arenaBytes(for: buffers, offsets: offsets)
      if best == nil || bytes < best!.bytes { best = (order, placement, offsets, bytes) }
    }
    let start = best!
    // The arena is rounded up to `alignment`, so within that of the bound is as good as the bound.
    let bound = alignUp(BufferAssignment.lowerBound(of: buffers), alignment)
    guard alignUp(start.bytes, alignment) > bound, searchBudget > 0 else { return Result(order: start.order, offsets: start.offsets, searched: false) }

    var order = start.placement, offsets = start.offsets
    var score = Self.score(buffers, offsets)
    var budget = searchBudget
    search: while alignUp(score.bytes, alignment) > bound {
      // Buffers at the arena's top first (they decide its size), then the rest, both in placement order.
      let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
      let atTop = order.filter { offsets[$0] + buffers[$0].bytes == score.bytes }
      let movers = atTop + order.filter { offsets[$0] + buffers[$0].bytes != score.bytes }
      for b in movers {
        let from = position[b]!
        for to in 0..<from {
          if budget == 0 { break search }
          budget -= 1
          var candidate = order
          candidate.remove(at: from)
          candidate.insert(b, at: to)
          let candidateOffsets = GreedyPlanner.offsets(for: buffers, order: candidate, alignment: alignment)
          let s = Self.score(buffers, candidateOffsets)
          if s < score {
            (order, offsets, score) = (candidate, candidateOffsets, s)
            continue search
          }
        }
      }
      break  // no single move helps
    }
    if score.bytes < start.bytes { return Result(order: start.order, offsets: offsets, searched: true) }
    return Result(order: start.order, offsets: start.offsets, searched: false)
  }

  public func offsets(for buffers: [Buffer], alignment: Int) -> [Int] { best(buffers, alignment: alignment).offsets }

  public func name(for buffers: [Buffer], alignment: Int) -> String { plan(for: buffers, alignment: alignment).name }

  public func plan(for buffers: [Buffer], alignment: Int) -> (offsets: [Int], name: String) {
    let result = best(buffers, alignment: alignment)
    let base = "\(GreedyPlanner(order: result.order).name) (best of \(GreedyPlanner.Order.allCases.count) greedy orders"
    return (result.offsets, result.searched ? base + ", then local search)" : base + ")")
  }
}
