import NNIR

/// Where every activation lives: buffers, their arena offsets, and how good the packing is.
public struct MemoryPlan: Sendable {
  public var assignment: BufferAssignment
  public var offsets: [Int]
  public var arenaBytes: Int
  /// The largest sum of simultaneously live buffers: the best any placement could do.
  public var lowerBound: Int
  public var plannerName: String

  /// Arena alignment: enough for float and int32 and for word-wise SIMD loads.
  public static let alignment = 16

  public init(graph: ModelGraph, planner: any MemoryPlanner = BestOfGreedyPlanner(), bytesPerElement: Int = 4) {
    self.init(assignment: BufferAssignment(graph: graph, bytesPerElement: bytesPerElement), planner: planner)
  }

  public init(schedule: Schedule, planner: any MemoryPlanner = BestOfGreedyPlanner()) {
    self.init(assignment: BufferAssignment(schedule: schedule), planner: planner)
  }

  init(assignment: BufferAssignment, planner: any MemoryPlanner) {
    self.assignment = assignment
    let plan = planner.plan(for: assignment.buffers, alignment: Self.alignment)
    offsets = plan.offsets
    arenaBytes = alignUp(planner.arenaBytes(for: assignment.buffers, offsets: offsets), Self.alignment)
    lowerBound = assignment.lowerBound
    plannerName = plan.name
  }

  /// The arena byte offset of an activation tensor, or nil for inputs (and their aliases) and parameters.
  public func offset(ofTensor t: Int) -> Int? {
    assignment.bufferOf[t].map { offsets[$0] }
  }

  /// The arena byte offset of step `step`'s scratch bytes, if it has any.
  public func offset(ofScratch step: Int) -> Int? {
    assignment.scratchOf[step].map { offsets[$0] }
  }
}
