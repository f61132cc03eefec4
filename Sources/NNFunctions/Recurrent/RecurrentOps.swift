import NNIR
import NNInterpreter

/// The few operations nnabla's recurrent layers are written in (`lstm.cpp`, `gru.cpp`,
/// `rnn.cpp` build their graph from the same ones). The layer is written once against this;
/// `evaluate` runs it on tensors and `expand` on graph nodes, so the expansion is the reference
/// op for op, and the int8 path gets nnabla's cell from the core ops' kernels.
protocol RecurrentOps {
  associatedtype Value
  /// Step `t` of the sequence `x` `[T, B, I]`: `[B, I]`.
  mutating func step(_ x: Value, _ t: Int) throws -> Value
  /// The initial state of one layer and direction from `[L, D, B, H]`: `[B, H]`.
  mutating func state(_ s: Value, layer: Int, direction: Int) throws -> Value
  /// `x · W + b` with `W` the `columns` of weight `gates` (`LayerWeights.matrix`) and `b` the
  /// bias of `biasGates` (when the layer has a bias).
  mutating func affine(_ x: Value, _ w: LayerWeights, gates: Range<Int>, columns: Range<Int>, bias biasGates: Range<Int>) throws -> Value
  /// Columns `range` of a `[B, n]` value (one gate of a fused gate affine).
  mutating func columns(_ x: Value, _ range: Range<Int>) throws -> Value
  /// An element-wise op of one value (Sigmoid, Tanh, ReLU, MulScalar, AddScalar).
  mutating func unary(_ op: Op, _ x: Value) throws -> Value
  /// An element-wise op of two values (Add2, Mul2).
  mutating func binary(_ op: Op, _ a: Value, _ b: Value) throws -> Value
  /// `[B, a]`, `[B, b]` → `[B, a + b]`.
  mutating func concat(_ parts: [Value]) throws -> Value
  /// `parts` (each `[B, n]`) stacked on a new leading axis and shaped as output `index`.
  mutating func stack(_ parts: [Value], output index: Int) throws -> Value
}

/// `evaluate`: the ops on tensors, with the interpreter's kernels.
struct TensorRecurrentOps: RecurrentOps {
  let outputShapes: [[Int]]

  func step(_ x: FloatTensor, _ t: Int) -> FloatTensor {
    let (b, i) = (x.shape[1], x.shape[2])
    return FloatTensor(shape: [b, i], values: Array(x.values[(t * b * i)..<((t + 1) * b * i)]))
  }

  func state(_ s: FloatTensor, layer: Int, direction: Int) -> FloatTensor {
    let (d, b, h) = (s.shape[1], s.shape[2], s.shape[3])
    let start = (layer * d + direction) * b * h
    return FloatTensor(shape: [b, h], values: Array(s.values[start..<(start + b * h)]))
  }

  func affine(_ x: FloatTensor, _ w: LayerWeights, gates: Range<Int>, columns: Range<Int>, bias biasGates: Range<Int>) -> FloatTensor {
    FloatKernels.affine(x, weight: w.matrix(gates: gates, columns: columns), bias: w.bias(biasGates), AffineAttributes(baseAxis: 1))
  }

  func columns(_ x: FloatTensor, _ range: Range<Int>) -> FloatTensor {
    FloatKernels.slice(x, SliceAttributes(start: [0, range.lowerBound], stop: [x.shape[0], range.upperBound], step: [1, 1]))
  }

  func unary(_ op: Op, _ x: FloatTensor) -> FloatTensor { FloatInterpreter.evaluate(op, [x]) }
  func binary(_ op: Op, _ a: FloatTensor, _ b: FloatTensor) -> FloatTensor { FloatInterpreter.evaluate(op, [a, b]) }
  func concat(_ parts: [FloatTensor]) -> FloatTensor { FloatKernels.concatenate(parts, axis: 1) }

  func stack(_ parts: [FloatTensor], output index: Int) -> FloatTensor {
    FloatTensor(shape: outputShapes[index], values: parts.flatMap(\.values))
  }
}

/// `expand`: the ops as nodes of the graph, weights as constants cut at expansion time.
struct GraphRecurrentOps: RecurrentOps {
  var graph: SubgraphBuilder
  let node: Node
  private var count = 0
  /// Weight and bias constants by the slice they are, shared by every step (one copy in flash).
  private var constants: [String: Int] = [:]

  init(graph: SubgraphBuilder, node: Node) {
    self.graph = graph
    self.node = node
  }

  /// A fresh name under the expanded node's name.
  private mutating func name(_ what: String) -> String {
    count += 1
    return "\(node.name)/\(what)_\(count)"
  }

  mutating func step(_ x: Int, _ t: Int) throws -> Int {
    let s = graph.shape(x)
    let one = try graph.add1(name("x"), .slice(SliceAttributes(start: [t, 0, 0], stop: [t + 1, s[1], s[2]], step: [1, 1, 1])), [x])
    return try graph.add1(name("x"), .reshape(shape: [s[1], s[2]]), [one])
  }

  mutating func state(_ s: Int, layer: Int, direction: Int) throws -> Int {
    let sh = graph.shape(s)
    let one = try graph.add1(
      name("h0"), .slice(SliceAttributes(start: [layer, direction, 0, 0], stop: [layer + 1, direction + 1, sh[2], sh[3]], step: [1, 1, 1, 1])), [s])
    return try graph.add1(name("h0"), .reshape(shape: [sh[2], sh[3]]), [one])
  }

  mutating func affine(_ x: Int, _ w: LayerWeights, gates: Range<Int>, columns: Range<Int>, bias biasGates: Range<Int>) throws -> Int {
    let n = name("affine")
    let slice = "\(w.isFirstLayer ? "weight_l0" : "weight")@\(w.offset)[\(gates)][\(columns)]"
    var inputs = [x, constant(n + "/W", key: slice) { w.matrix(gates: gates, columns: columns) }]
    if w.bias != nil {
      inputs.append(constant(n + "/b", key: "bias@\(w.biasOffset)[\(biasGates)]") { w.bias(biasGates)! })
    }
    return try graph.add1(n, .affine(AffineAttributes(baseAxis: 1)), inputs)
  }

  private mutating func constant(_ name: String, key: String, _ value: () -> FloatTensor) -> Int {
    if let t = constants[key] { return t }
    let t = graph.constant(name, value())
    constants[key] = t
    return t
  }

  mutating func columns(_ x: Int, _ range: Range<Int>) throws -> Int {
    let b = graph.shape(x)[0]
    return try graph.add1(name("gate"), .slice(SliceAttributes(start: [0, range.lowerBound], stop: [b, range.upperBound], step: [1, 1])), [x])
  }

  mutating func unary(_ op: Op, _ x: Int) throws -> Int { try graph.add1(name(op.typeName), op, [x]) }
  mutating func binary(_ op: Op, _ a: Int, _ b: Int) throws -> Int { try graph.add1(name(op.typeName), op, [a, b]) }
  mutating func concat(_ parts: [Int]) throws -> Int { try graph.add1(name("concat"), .concatenate(axis: 1), parts) }

  mutating func stack(_ parts: [Int], output index: Int) throws -> Int {
    let out = node.outputs[index]
    let rows = try parts.map { p in try graph.add1(name("row"), .reshape(shape: [1] + graph.shape(p)), [p]) }
    let stacked = rows.count == 1 ? rows[0] : try graph.add1(name("stack"), .concatenate(axis: 0), rows)
    return try graph.add1(name("out"), .reshape(shape: graph.shape(out)), [stacked], into: out)
  }
}
