import NNFormats
import NNIR

/// LSTM, GRU and RNN unrolled over the sequence at import, as Affine, Slice, Add2/Sub2/Mul2,
/// Sigmoid and Tanh nodes (all with int8 kernels), with ONNX's gate orders and weight layouts:
/// LSTM gates i, o, f, c; GRU z, r, h (`linear_before_reset` 0 or 1); RNN one Tanh.
///
/// The input projection of every step is one Affine over the whole sequence (bias Wb + Rb, or for
/// GRU's h gate with `linear_before_reset` just Wb); each step adds `h·Rᵀ`. A missing initial
/// state is zero, so the first step leaves out the terms that multiply it.
extension ONNXGraphBuilder {
  static let recurrentOperators: Set<String> = ["LSTM", "GRU", "RNN"]
  /// Each step is about 20 nodes; longer sequences would make a graph (and C) out of proportion.
  static let maxUnrolledSteps = 2048

  mutating func recurrent(_ n: ONNXNode) throws {
    let kind = n.opType
    let gates = kind == "LSTM" ? 4 : kind == "GRU" ? 3 : 1
    guard let base = ([n.name] + n.outputs).first(where: { !$0.isEmpty }) else { throw fail("has no output") }
    let direction = try string(n, "direction", "forward")
    guard ["forward", "reverse", "bidirectional"].contains(direction) else {
      throw fail("direction '\(direction)' is not forward, reverse or bidirectional")
    }
    let D = direction == "bidirectional" ? 2 : 1

    let refused = try recurrentRefusals(n)
    guard refused.isEmpty else { throw fail("\(refused.joined(separator: ", ")) \(refused.count == 1 ? "is" : "are") not supported") }

    guard let xn = input(n, 0), let wn = input(n, 1), let rn = input(n, 2) else { throw fail("needs inputs X, W and R") }
    guard let W = constants[wn], let R = constants[rn] else { throw fail("W ('\(wn)') and R ('\(rn)') must be constants") }
    let layout = try int(n, "layout", 0)
    guard layout == 0 || layout == 1 else { throw fail("layout \(layout) is not 0 or 1") }
    var xi = try runtime(xn)
    guard tensors[xi].shape.count == 3 else { throw fail("X \(tensors[xi].shape) must have rank 3") }
    if layout == 1 { xi = try emit(.transpose(axes: [1, 0, 2]), [xi], base + "/x_sequence_first", node: base + "/x_sequence_first") }
    let xs = tensors[xi].shape
    let (T, B, I) = (xs[0], xs[1], xs[2])
    guard T <= Self.maxUnrolledSteps else {
      throw fail("the sequence has \(T) steps; nncompile unrolls at most \(Self.maxUnrolledSteps)")
    }
    guard R.dims.count == 3, R.dims[0] == D, R.dims[2] >= 1, R.dims[1] == gates * R.dims[2] else {
      throw fail("R \(R.dims) must be [\(D), \(gates)·hidden, hidden]")
    }
    let H = R.dims[2], G = gates * H
    if let h = n.attributes["hidden_size"], case .int(let v) = h, v != H { throw fail("hidden_size \(v) does not match R \(R.dims)") }
    guard W.dims == [D, G, I] else { throw fail("W \(W.dims) must be [\(D), \(G), \(I)] for X \(xs)") }
    var bias = [Double](repeating: 0, count: D * 2 * G)
    if let bn = input(n, 3) {
      guard let b = constants[bn], b.dims == [D, 2 * G] else { throw fail("B ('\(bn)') must be a constant of shape [\(D), \(2 * G)]") }
      bias = b.values
    }
    if let sn = input(n, 4) {
      guard let s = constants[sn], intList(s).allSatisfy({ $0 == T }) else {
        throw fail("sequence_lens ('\(sn)') must be a constant equal to the sequence length \(T) for every batch entry")
      }
    }
    // Initial states [D, B, H] (layout 1: [B, D, H]), one [B, H] slice per direction.
    func initial(_ k: Int, _ what: String) throws -> [Int]? {
      guard let name = input(n, k) else { return nil }
      var t = try runtime(name)
      let want = layout == 0 ? [D, B, H] : [B, D, H]
      guard tensors[t].shape == want else { throw fail("\(what) \(tensors[t].shape) must be \(want)") }
      if layout == 1 { t = try emit(.transpose(axes: [1, 0, 2]), [t], "\(base)/\(what)/t", node: "\(base)/\(what)/t") }
      return try (0..<D).map { d in
        let s = try sliceAxis(t, 0, d..<(d + 1), "\(base)/\(what)/d\(d)/slice")
        return try emit(.reshape(shape: [B, H]), [s], "\(base)/\(what)/d\(d)", node: "\(base)/\(what)/d\(d)")
      }
    }
    let h0 = try initial(5, "initial_h")
    let c0 = kind == "LSTM" ? try initial(6, "initial_c") : nil
    let linearBeforeReset = try kind == "GRU" && int(n, "linear_before_reset", 0) != 0

    var ys: [[Int]] = []  // [direction][t] → h_t [B, H]
    var lastH: [Int] = [], lastC: [Int] = []
    for d in 0..<D {
      let p = "\(base)/d\(d)"
      // Input projection for all steps: X·Wᵀ + Wb (+ Rb where it is added outside the reset).
      var xb = (0..<G).map { bias[d * 2 * G + $0] + bias[d * 2 * G + G + $0] }
      if linearBeforeReset { for j in (2 * H)..<G { xb[j] = bias[d * 2 * G + j] } }
      let wx = parameter("\(wn)/d\(d)", shape: [I, G], values: transposedRows(W, d, 0..<G, I))
      let bx = parameter("\(p)/bias", shape: [G], values: xb.map { Float($0) })
      let xw = try emit(.affine(AffineAttributes(baseAxis: 2)), [xi, wx, bx], "\(p)/xw", node: "\(p)/xw")
      // Recurrent weights, Rᵀ per part.
      let rAll = kind == "GRU" ? 0..<(2 * H) : 0..<G
      let rw = parameter("\(rn)/d\(d)", shape: [H, rAll.count], values: transposedRows(R, d, rAll, H))
      let rh = kind == "GRU" ? parameter("\(rn)/d\(d)/h", shape: [H, H], values: transposedRows(R, d, (2 * H)..<G, H)) : -1
      let rbhValues = kind == "GRU" ? (2 * H..<G).map { Float(bias[d * 2 * G + G + $0]) } : []
      let rbh = linearBeforeReset ? parameter("\(p)/rbh", shape: [H], values: rbhValues) : -1

      var h = h0?[d], c = c0?[d]
      var outs = [Int](repeating: -1, count: T)
      let steps = direction == "reverse" || d == 1 ? Array((0..<T).reversed()) : Array(0..<T)
      for t in steps {
        let q = "\(p)/t\(t)"
        func nm(_ s: String) -> String { "\(q)/\(s)" }
        let row = try sliceAxis(xw, 0, t..<(t + 1), nm("x_slice"))
        let xt = try emit(.reshape(shape: [B, G]), [row], nm("x"), node: nm("x"))
        func recur(_ v: Int, _ w: Int, _ what: String, bias: Int? = nil) throws -> Int {
          try emit(.affine(AffineAttributes(baseAxis: 1)), [v, w] + (bias.map { [$0] } ?? []), nm(what), node: nm(what))
        }
        switch kind {
        case "LSTM":
          var g = xt
          if let h { g = try emit(.add2, [xt, try recur(h, rw, "hr")], nm("gates"), node: nm("gates")) }
          let i = try emit(.sigmoid, [try sliceAxis(g, 1, 0..<H, nm("i_pre"))], nm("i"), node: nm("i"))
          let o = try emit(.sigmoid, [try sliceAxis(g, 1, H..<(2 * H), nm("o_pre"))], nm("o"), node: nm("o"))
          let f = try emit(.sigmoid, [try sliceAxis(g, 1, (2 * H)..<(3 * H), nm("f_pre"))], nm("f"), node: nm("f"))
          let cc = try emit(.tanh, [try sliceAxis(g, 1, (3 * H)..<G, nm("c_pre"))], nm("c~"), node: nm("c~"))
          let ic = try emit(.mul2, [i, cc], nm("i*c~"), node: nm("i*c~"))
          if let cPrev = c {
            let fc = try emit(.mul2, [f, cPrev], nm("f*c"), node: nm("f*c"))
            c = try emit(.add2, [fc, ic], nm("c"), node: nm("c"))
          } else {
            c = ic
          }
          let tc = try emit(.tanh, [c!], nm("tanh_c"), node: nm("tanh_c"))
          h = try emit(.mul2, [o, tc], nm("h"), node: nm("h"))
        case "GRU":
          var zrPre = try sliceAxis(xt, 1, 0..<(2 * H), nm("zr_x"))
          if let h { zrPre = try emit(.add2, [zrPre, try recur(h, rw, "zr_h")], nm("zr_pre"), node: nm("zr_pre")) }
          let zr = try emit(.sigmoid, [zrPre], nm("zr"), node: nm("zr"))
          let z = try sliceAxis(zr, 1, 0..<H, nm("z"))
          let r = try sliceAxis(zr, 1, H..<(2 * H), nm("r"))
          var pre = try sliceAxis(xt, 1, (2 * H)..<G, nm("h_x"))
          if linearBeforeReset {
            var hh: Int?
            if let h {
              hh = try recur(h, rh, "h_h", bias: rbh)
            } else if rbhValues.contains(where: { $0 != 0 }) {
              hh = rbh
            }
            if let hh { pre = try emit(.add2, [pre, try emit(.mul2, [r, hh], nm("r*h_h"), node: nm("r*h_h"))], nm("h_pre"), node: nm("h_pre")) }
          } else if let h {
            let rhv = try emit(.mul2, [r, h], nm("r*h"), node: nm("r*h"))
            pre = try emit(.add2, [pre, try recur(rhv, rh, "h_h")], nm("h_pre"), node: nm("h_pre"))
          }
          let nt = try emit(.tanh, [pre], nm("h~"), node: nm("h~"))
          // h' = (1 − z)·h~ + z·h = h~ + z·(h − h~); with h = 0: h~ − z·h~.
          if let hPrev = h {
            let diff = try emit(.sub2, [hPrev, nt], nm("h-h~"), node: nm("h-h~"))
            h = try emit(.add2, [nt, try emit(.mul2, [z, diff], nm("z*(h-h~)"), node: nm("z*(h-h~)"))], nm("h"), node: nm("h"))
          } else {
            h = try emit(.sub2, [nt, try emit(.mul2, [z, nt], nm("z*h~"), node: nm("z*h~"))], nm("h"), node: nm("h"))
          }
        default:
          var pre = xt
          if let h { pre = try emit(.add2, [xt, try recur(h, rw, "hr")], nm("pre"), node: nm("pre")) }
          h = try emit(.tanh, [pre], nm("h"), node: nm("h"))
        }
        outs[t] = h!
      }
      ys.append(outs)
      lastH.append(h!)
      if let c { lastC.append(c) }
    }

    func used(_ k: Int) -> String? {
      guard k < n.outputs.count, !n.outputs[k].isEmpty, uses[n.outputs[k], default: 0] > 0 else { return nil }
      return n.outputs[k]
    }
    // Y [T, D, B, H] (layout 1: [B, T, D, H]).
    if let y = used(0) {
      var rows: [Int] = []
      for t in 0..<T {
        let parts = try (0..<D).map { d in
          try emit(.reshape(shape: [1, 1, B, H]), [ys[d][t]], "\(base)/Y/t\(t)/d\(d)", node: "\(base)/Y/t\(t)/d\(d)")
        }
        rows.append(try join(parts, axis: 1, "\(base)/Y/t\(t)"))
      }
      try finish(try join(rows, axis: 0, "\(base)/Y/tdbh"), layout == 1 ? [2, 0, 1, 3] : nil, y)
    }
    // Y_h, Y_c [D, B, H] (layout 1: [B, D, H]).
    for (k, last) in [(1, lastH), (2, lastC)] {
      guard let o = used(k) else { continue }
      guard last.count == D else { throw fail("output \(k) ('\(o)') is not computed by \(kind)") }
      let parts = try (0..<D).map { d in
        try emit(.reshape(shape: [1, B, H]), [last[d]], "\(base)/\(o)/d\(d)", node: "\(base)/\(o)/d\(d)")
      }
      try finish(try join(parts, axis: 0, "\(base)/\(o)/dbh"), layout == 1 ? [1, 0, 2] : nil, o)
    }
  }

  /// What a recurrent node asks for beyond the default activations (listed before any mapping).
  func recurrentRefusals(_ n: ONNXNode) throws -> [String] {
    let kind = n.opType
    var refused: [String] = []
    let D = try string(n, "direction", "forward") == "bidirectional" ? 2 : 1
    let defaults = ["LSTM": ["sigmoid", "tanh", "tanh"], "GRU": ["sigmoid", "tanh"], "RNN": ["tanh"]][kind] ?? []
    if let a = n.attributes["activations"] {
      let wanted = Array(Array(repeating: defaults, count: D).joined())
      if case .strings(let s) = a, s.map({ $0.lowercased() }) == wanted {
      } else if case .strings(let s) = a {
        refused.append("activations \(s.joined(separator: ", ")) (only \(defaults.joined(separator: ", ")))")
      } else {
        refused.append("activations")
      }
    }
    if n.attributes["clip"] != nil { refused.append("clip") }
    if kind == "LSTM", try int(n, "input_forget", 0) != 0 { refused.append("input_forget") }
    if kind == "LSTM", input(n, 7) != nil { refused.append("peepholes (input P)") }
    return refused
  }

  /// Rows `rows` of matrix `d` of a `[D, rows, cols]` constant, transposed to `[cols, rows.count]`.
  func transposedRows(_ t: ONNXTensor, _ d: Int, _ rows: Range<Int>, _ cols: Int) -> [Float] {
    let total = t.dims[1]
    var w = [Float](repeating: 0, count: cols * rows.count)
    for (j, r) in rows.enumerated() {
      for i in 0..<cols { w[i * rows.count + j] = Float(t.values[(d * total + r) * cols + i]) }
    }
    return w
  }

  /// `x[…, range, …]` on `axis`.
  mutating func sliceAxis(_ x: Int, _ axis: Int, _ range: Range<Int>, _ name: String) throws -> Int {
    let s = tensors[x].shape
    var a = SliceAttributes(start: Array(repeating: 0, count: s.count), stop: s, step: Array(repeating: 1, count: s.count))
    a.start[axis] = range.lowerBound
    a.stop[axis] = range.upperBound
    return try emit(.slice(a), [x], name, node: name)
  }

  mutating func join(_ parts: [Int], axis: Int, _ name: String) throws -> Int {
    parts.count == 1 ? parts[0] : try emit(.concatenate(axis: axis), parts, name, node: name)
  }

  /// The graph tensor `out`: `x` transposed by `perm`, or `x` itself (an identity the clean-up removes).
  mutating func finish(_ x: Int, _ perm: [Int]?, _ out: String) throws {
    try emit(perm.map { .transpose(axes: $0) } ?? .identity, [x], out, node: out)
  }
}
