import NNIR

/// A run of arena bytes shared by one or more tensors whose lifetimes are disjoint or that alias
/// (a reshape's output is its input's bytes; an in-place ReLU overwrites its input).
public struct Buffer: Sendable, Equatable {
  public var tensors: [Int]
  public var bytes: Int
  /// First and last schedule step (node index) at which the buffer holds live data.
  public var firstStep: Int
  public var lastStep: Int

  public init(tensors: [Int], bytes: Int, firstStep: Int, lastStep: Int) {
    self.tensors = tensors
    self.bytes = bytes
    self.firstStep = firstStep
    self.lastStep = lastStep
  }

  public func overlapsInTime(_ other: Buffer) -> Bool {
    firstStep <= other.lastStep && other.firstStep <= lastStep
  }
}

/// Which tensors live in which buffer, from the schedule (the node order of the graph).
///
/// - Graph inputs stay in the caller's memory (`const`), so they take no arena bytes; ops that
///   alias an input (reshape) read it there too.
/// - Parameters are `const` arrays in flash and take no arena bytes.
/// - A data-preserving op (Reshape, Identity, Dropout) shares its input's buffer.
/// - An element-wise unary op reuses its input's buffer when this op is that buffer's last reader.
/// - Graph outputs live until the end of the run (they are copied out after the last node).
/// The memory facts of a program, whatever its element types: what each step reads and writes,
/// how many bytes each tensor takes, and which outputs may reuse their first input's bytes.
public struct Schedule: Sendable {
  public struct Step: Sendable {
    public var inputs: [Int]
    public var output: Int
    /// `.alias`: the output is the input's bytes (reshape). `.inPlace`: the kernel may overwrite
    /// its first input (element-wise), so the output takes the input's buffer when nothing reads
    /// the input later.
    public var reuse: StepReuse
    /// Working bytes the kernel needs during this step only (an optimized kernel's columns).
    public var scratchBytes: Int
    public init(inputs: [Int], output: Int, reuse: StepReuse, scratchBytes: Int = 0) {
      self.inputs = inputs
      self.output = output
      self.reuse = reuse
      self.scratchBytes = scratchBytes
    }
  }
  /// Bytes per tensor index (0 for constants in flash).
  public var tensorBytes: [Int]
  public var steps: [Step]
  public var inputs: [Int]
  public var outputs: [Int]
  /// Output tensor → the caller's output slot it is written to directly: it takes no arena bytes
  /// (the emitter has checked that its step can write there and that no step reads it).
  public var directOutputs: [Int: Int]
  public init(tensorBytes: [Int], steps: [Step], inputs: [Int], outputs: [Int], directOutputs: [Int: Int] = [:]) {
    self.tensorBytes = tensorBytes
    self.steps = steps
    self.inputs = inputs
    self.outputs = outputs
    self.directOutputs = directOutputs
  }
}

public struct BufferAssignment: Sendable {
  public var buffers: [Buffer]
  /// Tensor index → buffer index, for activations only.
  public var bufferOf: [Int: Int]
  /// Tensor index → graph input slot, for graph inputs and the aliases of them.
  public var inputAliasOf: [Int: Int]
  /// Step index → the buffer of its scratch bytes (a buffer with no tensor, live at that step only).
  public var scratchOf: [Int: Int] = [:]
  /// Tensor index → the caller's output slot its step writes it to (`Schedule.directOutputs`).
  public var outputAliasOf: [Int: Int] = [:]

  public init(graph: ModelGraph, bytesPerElement: Int = 4) {
    let steps = graph.nodes.map { node in
      Schedule.Step(
        inputs: node.inputs, output: node.outputs[0],
        reuse: node.op.isDataPreserving ? .alias : node.op.isElementwiseUnary ? .inPlace : .none)
    }
    self.init(schedule: Schedule(
      tensorBytes: graph.tensors.map { $0.isParameter ? 0 : $0.elementCount * bytesPerElement },
      steps: steps, inputs: graph.inputs, outputs: graph.outputs, directOutputs: Self.directOutputs(graph)))
  }

  /// Graph outputs the node that makes them can write straight into the caller's `outputs[k]`
  /// (float path): listed once, no input, read by no node, not an alias of another tensor's bytes,
  /// and made after the last node that reads the caller's inputs (directly or through an alias),
  /// so even an output buffer that overlaps an input one is written only once the inputs are done
  /// with, as with the copy at the end it replaces.
  static func directOutputs(_ graph: ModelGraph) -> [Int: Int] {
    var inputBytes = Set(graph.inputs)
    var lastInputRead = -1
    for (i, node) in graph.nodes.enumerated() where node.inputs.contains(where: inputBytes.contains) {
      lastInputRead = i
      if node.op.isDataPreserving { inputBytes.formUnion(node.outputs) }
    }
    let read = Set(graph.nodes.flatMap(\.inputs))
    var result: [Int: Int] = [:]
    for (k, t) in graph.outputs.enumerated() {
      guard graph.outputs.filter({ $0 == t }).count == 1, !graph.inputs.contains(t), !read.contains(t),
        let i = graph.nodes.firstIndex(where: { $0.outputs.contains(t) }), i > lastInputRead,
        graph.nodes[i].outputs == [t], !graph.nodes[i].op.isDataPreserving
      else { continue }
      result[t] = k
    }
    return result
  }

  public init(schedule: Schedule) {
    let end = schedule.steps.count
    var lastUse: [Int: Int] = [:]
    for (step, s) in schedule.steps.enumerated() { for i in s.inputs { lastUse[i] = step } }
    for o in schedule.outputs { lastUse[o] = end }

    buffers = []
    bufferOf = [:]
    inputAliasOf = [:]
    for (slot, t) in schedule.inputs.enumerated() { inputAliasOf[t] = slot }

    for (step, s) in schedule.steps.enumerated() {
      if s.scratchBytes > 0 {
        scratchOf[step] = buffers.count
        buffers.append(Buffer(tensors: [], bytes: s.scratchBytes, firstStep: step, lastStep: step))
      }
      let out = s.output
      if let slot = schedule.directOutputs[out] {
        outputAliasOf[out] = slot
        continue
      }
      let bytes = schedule.tensorBytes[out]
      let source = s.inputs.first
      if s.reuse == .alias, let source {
        if let slot = inputAliasOf[source], !schedule.outputs.contains(out) {
          inputAliasOf[out] = slot
          continue
        }
        if let b = bufferOf[source] {
          bufferOf[out] = b
          buffers[b].tensors.append(out)
          buffers[b].lastStep = max(buffers[b].lastStep, lastUse[out] ?? step)
          continue
        }
      }
      if s.reuse == .inPlace, let source, let b = bufferOf[source], buffers[b].lastStep == step,
        buffers[b].bytes >= bytes
      {
        bufferOf[out] = b
        buffers[b].tensors.append(out)
        buffers[b].lastStep = lastUse[out] ?? step
        continue
      }
      bufferOf[out] = buffers.count
      buffers.append(Buffer(tensors: [out], bytes: bytes, firstStep: step, lastStep: lastUse[out] ?? step))
    }
  }

  /// The largest total size of buffers live at one step: no planner can use less arena.
  public var lowerBound: Int { Self.lowerBound(of: buffers) }

  /// The largest total size of `buffers` live at one step.
  static func lowerBound(of buffers: [Buffer]) -> Int {
    guard let last = buffers.map(\.lastStep).max() else { return 0 }
    return (0...last).map { step in
      buffers.filter { $0.firstStep <= step && step <= $0.lastStep }.map(\.bytes).reduce(0, +)
    }.max() ?? 0
  }
}
