import NNIR

/// `gradients`: the layer run forward once more with every op recorded, then the records walked
/// backwards (backpropagation through time). The weight matrices the cells use are gathered from
/// `weight_l0`/`weight`/`bias`, so their gradients are scattered back into those layouts.
struct TapeRecurrentOps: RecurrentOps {
  enum Record {
    case step(x: Int, t: Int)
    case state(s: Int, layer: Int, direction: Int)
    case affine(x: Int, w: LayerWeights, gates: Range<Int>, columns: Range<Int>, bias: Range<Int>)
    case columns(x: Int, range: Range<Int>)
    case unary(Op, x: Int)
    case binary(Op, a: Int, b: Int)
    case concat([Int])
    case stack([Int])
  }

  var forward: TensorRecurrentOps
  /// Every value by id: the inputs first, then one per record.
  var values: [FloatTensor] = []
  /// What computed value `id` (nil for inputs).
  var records: [Record?] = []

  init(outputShapes: [[Int]]) { forward = TensorRecurrentOps(outputShapes: outputShapes) }

  mutating func input(_ t: FloatTensor) -> Int { push(t, nil) }

  private mutating func push(_ v: FloatTensor, _ r: Record?) -> Int {
    values.append(v)
    records.append(r)
    return values.count - 1
  }

  mutating func step(_ x: Int, _ t: Int) -> Int { push(forward.step(values[x], t), .step(x: x, t: t)) }
  mutating func state(_ s: Int, layer: Int, direction: Int) -> Int {
    push(forward.state(values[s], layer: layer, direction: direction), .state(s: s, layer: layer, direction: direction))
  }
  mutating func affine(_ x: Int, _ w: LayerWeights, gates: Range<Int>, columns: Range<Int>, bias: Range<Int>) -> Int {
    push(forward.affine(values[x], w, gates: gates, columns: columns, bias: bias), .affine(x: x, w: w, gates: gates, columns: columns, bias: bias))
  }
  mutating func columns(_ x: Int, _ range: Range<Int>) -> Int { push(forward.columns(values[x], range), .columns(x: x, range: range)) }
  mutating func unary(_ op: Op, _ x: Int) -> Int { push(forward.unary(op, values[x]), .unary(op, x: x)) }
  mutating func binary(_ op: Op, _ a: Int, _ b: Int) -> Int { push(forward.binary(op, values[a], values[b]), .binary(op, a: a, b: b)) }
  mutating func concat(_ parts: [Int]) -> Int { push(forward.concat(parts.map { values[$0] }), .concat(parts)) }
  mutating func stack(_ parts: [Int], output index: Int) -> Int {
    push(forward.stack(parts.map { values[$0] }, output: index), .stack(parts))
  }

  /// The gradient of every value and of the layer's weights, from the gradients of `seeds`.
  func backward(seeds: [(id: Int, gradient: FloatTensor)], weightL0: [Int], weight: [Int]?, bias: [Int]?)
    -> (values: [[Float]?], weightL0: [Float], weight: [Float]?, bias: [Float]?)
  {
    var g: [[Float]?] = Array(repeating: nil, count: values.count)
    var dW0 = [Float](repeating: 0, count: weightL0.reduce(1, *))
    var dW = weight.map { [Float](repeating: 0, count: $0.reduce(1, *)) }
    var dB = bias.map { [Float](repeating: 0, count: $0.reduce(1, *)) }
    func add(_ id: Int, _ values: [Float], at offset: Int = 0) {
      if g[id] == nil { g[id] = [Float](repeating: 0, count: self.values[id].count) }
      for (k, v) in values.enumerated() { g[id]![offset + k] += v }
    }
    for (id, d) in seeds { add(id, d.values) }
    for id in values.indices.reversed() {
      guard let record = records[id], let dy = g[id] else { continue }
      let y = values[id].values
      switch record {
      case .step(let x, let t):
        add(x, dy, at: t * dy.count)
      case .state(let s, let layer, let direction):
        add(s, dy, at: (layer * values[s].shape[1] + direction) * dy.count)
      case .affine(let x, let w, let gates, let columns, let biasGates):
        let xv = values[x].values
        let (rows, n, m) = (values[x].shape[0], columns.count, gates.count * w.hidden)
        let matrix = w.matrix(gates: gates, columns: columns).values
        var dx = [Float](repeating: 0, count: rows * n)
        for r in 0..<rows {
          for k in 0..<n {
            var sum: Float = 0
            for o in 0..<m { sum += dy[r * m + o] * matrix[k * m + o] }
            dx[r * n + k] = sum
          }
        }
        add(x, dx)
        // W[k][o] with o = (g − g₀)·H + j came from weight[offset + (g·H + j)·width + k].
        for (kk, k) in columns.enumerated() {
          for (gg, gate) in gates.enumerated() {
            for j in 0..<w.hidden {
              var sum: Float = 0
              for r in 0..<rows { sum += xv[r * n + kk] * dy[r * m + gg * w.hidden + j] }
              let at = w.offset + (gate * w.hidden + j) * w.width + k
              if w.isFirstLayer { dW0[at] += sum } else { dW![at] += sum }
            }
          }
        }
        if dB != nil {
          for o in 0..<(biasGates.count * w.hidden) {
            var sum: Float = 0
            for r in 0..<rows { sum += dy[r * m + o] }
            dB![w.biasOffset + biasGates.lowerBound * w.hidden + o] += sum
          }
        }
      case .columns(let x, let range):
        let width = values[x].shape[1]
        var dx = [Float](repeating: 0, count: values[x].count)
        for r in 0..<values[x].shape[0] {
          for (c, col) in range.enumerated() { dx[r * width + col] = dy[r * range.count + c] }
        }
        add(x, dx)
      case .unary(let op, let x):
        let xv = values[x].values
        add(x, dy.indices.map { k in
          switch op {
          case .sigmoid: return dy[k] * y[k] * (1 - y[k])
          case .tanh: return dy[k] * (1 - y[k] * y[k])
          case .relu: return xv[k] > 0 ? dy[k] : 0
          case .mulScalar(let v): return dy[k] * Float(v)
          default: return dy[k]  // addScalar
          }
        })
      case .binary(let op, let a, let b):
        if case .mul2 = op {
          add(a, dy.indices.map { dy[$0] * values[b].values[$0] })
          add(b, dy.indices.map { dy[$0] * values[a].values[$0] })
        } else {
          add(a, dy)
          add(b, dy)
        }
      case .concat(let parts):
        let rows = values[id].shape[0]
        let width = values[id].shape[1]
        var start = 0
        for p in parts {
          let w = values[p].shape[1]
          add(p, (0..<rows).flatMap { r in dy[(r * width + start)..<(r * width + start + w)] })
          start += w
        }
      case .stack(let parts):
        var start = 0
        for p in parts {
          add(p, Array(dy[start..<(start + values[p].count)]))
          start += values[p].count
        }
      }
    }
    return (g, dW0, dW, dB)
  }
}

extension RecurrentLayer {
  /// Gradients of x, the initial states, weight_l0, weight and bias (in input order).
  func gradients<C: RecurrentCell>(_ cell: C, inputs: [FloatTensor], outputGradients: [FloatTensor]) -> [FloatTensor?] {
    let p = parameterIndices(C.self, inputCount: inputs.count)
    var tape = TapeRecurrentOps(outputShapes: try! outputShapes(C.self, inputs.map(\.shape)))
    let x = tape.input(inputs[0])
    let states = (1...C.stateCount).map { tape.input(inputs[$0]) }
    let outs = try! run(
      cell, &tape, x: x, states: states, xShape: inputs[0].shape, hidden: inputs[1].shape[3],
      weightL0: inputs[p.w0], weight: p.weight.map { inputs[$0] }, bias: p.bias.map { inputs[$0] })
    let (g, dW0, dW, dB) = tape.backward(
      seeds: Array(zip(outs, outputGradients).map { ($0, $1) }), weightL0: inputs[p.w0].shape,
      weight: p.weight.map { inputs[$0].shape }, bias: p.bias.map { inputs[$0].shape })
    var result: [FloatTensor?] = ([x] + states).map { id in
      FloatTensor(shape: inputs[id].shape, values: g[id] ?? [Float](repeating: 0, count: inputs[id].count))
    }
    result.append(FloatTensor(shape: inputs[p.w0].shape, values: dW0))
    if let wi = p.weight { result.append(FloatTensor(shape: inputs[wi].shape, values: dW!)) }
    if let bi = p.bias { result.append(FloatTensor(shape: inputs[bi].shape, values: dB!)) }
    return result
  }
}
