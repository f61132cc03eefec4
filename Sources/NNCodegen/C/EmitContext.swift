import NNIR

/// What an op emitter needs to know to write one call: tensor shapes and the C expression for
/// each tensor's data. Built from a float graph or from an int8 program.
struct EmitContext {
  let prefix: String
  let shapes: [[Int]]
  /// C expression for tensor `t`'s data; `mutable` for the one written.
  let pointer: (_ t: Int, _ mutable: Bool) -> String
  /// True when two tensors share bytes (in place or an alias).
  let shares: (_ a: Int, _ b: Int) -> Bool
  /// File-scope `static const` tables (kernel parameter structs) collected while emitting.
  var scalarTables: [String] = []
  /// The name of each `array` by its type and values: an equal one is written once. (Parameter
  /// structs are not shared: that saves 2 KB on an int8 LSTM but moves the MLPerf models' code
  /// and their cycles by up to 0.02%; commit 7bcf715 had it.)
  private var tableNamed: [String: String] = [:]

  init(prefix: String, shapes: [[Int]], pointer: @escaping (Int, Bool) -> String, shares: @escaping (Int, Int) -> Bool) {
    self.prefix = prefix
    self.shapes = shapes
    self.pointer = pointer
    self.shares = shares
  }

  /// The float path: tensors of `graph`, placed by `plan`, parameters as `ConstantArrays` symbols.
  init(graph: ModelGraph, plan: MemoryPlan, prefix: String) {
    self.init(
      prefix: prefix, shapes: graph.tensors.map(\.shape),
      pointer: { t, mutable in
        Self.pointerExpression(t, graph: graph, plan: plan, prefix: prefix, mutable: mutable)
      },
      shares: { a, b in Self.sameBytes(a, b, plan.assignment) })
  }

  func shape(_ t: Int) -> [Int] { shapes[t] }
  func count(_ t: Int) -> Int { shapes[t].reduce(1, *) }

  /// The data of tensor `t` to read from.
  func input(_ t: Int) -> String { pointer(t, false) }

  /// The data of tensor `t` to write to.
  func output(_ t: Int) -> String { pointer(t, true) }

  /// True when the producer's output shares bytes with its first input (in place or an alias).
  func sharesBuffer(_ a: Int, _ b: Int) -> Bool { shares(a, b) }

  static func sameBytes(_ a: Int, _ b: Int, _ assignment: BufferAssignment) -> Bool {
    if let x = assignment.bufferOf[a], let y = assignment.bufferOf[b] { return x == y }
    if let x = assignment.inputAliasOf[a], let y = assignment.inputAliasOf[b] { return x == y }
    return false
  }

  /// Adds a file-scope `static const <type> <name> = { … };` and returns its name.
  mutating func table(_ type: String, _ stem: String, _ initializer: String) -> String {
    let name = "\(prefix)_\(stem)_\(scalarTables.count)"
    scalarTables.append("static const \(type) \(name) = \(initializer);")
    return name
  }

  /// Adds a file-scope `static const <type> <name>[n] = { … };` and returns its name.
  mutating func array(_ type: String, _ stem: String, _ values: [String]) -> String {
    let key = "\(type)[] = {\(values.joined(separator: ","))}"
    if let name = tableNamed[key] { return name }
    let name = "\(prefix)_\(stem)_\(scalarTables.count)"
    tableNamed[key] = name
    scalarTables.append("static const \(type) \(name)[\(values.count)] = {\n" + CLiteral.arrayBody(values) + "};")
    return name
  }

  static func pointerExpression(
    _ t: Int, graph: ModelGraph, plan: MemoryPlan, prefix: String, mutable: Bool
  ) -> String {
    if let slot = plan.assignment.inputAliasOf[t] { return "inputs[\(slot)]" }
    if let slot = plan.assignment.outputAliasOf[t] { return "outputs[\(slot)]" }
    if graph.tensors[t].isParameter {
      return ConstantArrays.symbol(for: graph.tensors[t].name, index: t, prefix: prefix)
    }
    return arenaPointer(type: "float", offset: plan.offset(ofTensor: t) ?? 0, mutable: mutable)
  }

  /// `(float *)(void *)(a + 48)`: a typed pointer into the byte arena `a`. Through `void *`
  /// because the arena is float-aligned and every tensor sits at a multiple of its alignment,
  /// which `-Wcast-align` cannot see from the byte pointer.
  static func arenaPointer(type: String, offset: Int, mutable: Bool) -> String {
    mutable ? "(\(type) *)(void *)(a + \(offset))" : "(const \(type) *)(const void *)(a + \(offset))"
  }
}
