import NNIR

/// What an op emitter needs to know to write one call: tensor shapes and the C expression for
/// each tensor's data.
struct EmitContext {
  let graph: ModelGraph
  let plan: MemoryPlan
  let weights: WeightEmitter
  let prefix: String
  /// File-scope `static const` tables (kernel parameter structs) collected while emitting.
  var scalarTables: [String] = []

  init(graph: ModelGraph, plan: MemoryPlan, weights: WeightEmitter, prefix: String) {
    self.graph = graph
    self.plan = plan
    self.weights = weights
    self.prefix = prefix
  }

  func shape(_ t: Int) -> [Int] { graph.tensors[t].shape }

  /// The data of tensor `t` to read from.
  func input(_ t: Int) -> String {
    Self.pointerExpression(t, graph: graph, plan: plan, prefix: prefix, mutable: false, weights: weights)
  }

  /// The data of tensor `t` to write to.
  func output(_ t: Int) -> String {
    Self.pointerExpression(t, graph: graph, plan: plan, prefix: prefix, mutable: true, weights: weights)
  }

  /// True when the producer's output shares bytes with its first input (in place or an alias).
  func sharesBuffer(_ a: Int, _ b: Int) -> Bool {
    if let x = plan.assignment.bufferOf[a], let y = plan.assignment.bufferOf[b] { return x == y }
    if let x = plan.assignment.inputAliasOf[a], let y = plan.assignment.inputAliasOf[b] { return x == y }
    return false
  }

  /// Adds a file-scope `static const <type> <name> = { … };` and returns its name.
  mutating func table(_ type: String, _ stem: String, _ initializer: String) -> String {
    let name = "\(prefix)_\(stem)_\(scalarTables.count)"
    scalarTables.append("static const \(type) \(name) = \(initializer);")
    return name
  }

  static func pointerExpression(
    _ t: Int, graph: ModelGraph, plan: MemoryPlan, prefix: String, mutable: Bool, weights: WeightEmitter? = nil
  ) -> String {
    if let slot = plan.assignment.inputAliasOf[t] { return "inputs[\(slot)]" }
    if graph.tensors[t].isParameter {
      return WeightEmitter.symbol(for: graph.tensors[t].name, index: t, prefix: prefix)
    }
    let offset = plan.offset(ofTensor: t) ?? 0
    return mutable ? "(float *)(a + \(offset))" : "(const float *)(a + \(offset))"
  }
}

/// One node's C: the statements and the runtime sources they call into.
struct EmittedCall {
  var lines: [String]
  var runtimeFiles: [String]
}
