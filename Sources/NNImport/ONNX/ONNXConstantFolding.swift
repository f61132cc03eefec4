import Foundation
import NNFormats
import NNIR

/// Import-time evaluation of nodes whose inputs are all constants.
extension ONNXGraphBuilder {
  // MARK: - Constant folding

  /// Evaluates `n` when everything it reads is known at import; true when it did.
  mutating func fold(_ n: ONNXNode, _ out: String) throws -> Bool {
    let ins = n.inputs.filter { !$0.isEmpty }
    if n.opType == "Shape", let x = ins.first, let s = try? shape(x) {
      var dims = s
      if opset >= 15 {
        let r = s.count
        var start = try int(n, "start", 0), end = try int(n, "end", r)
        start = min(max(start < 0 ? start + r : start, 0), r)
        end = min(max(end < 0 ? end + r : end, start), r)
        dims = Array(s[start..<end])
      }
      constants[out] = ONNXTensor(name: out, dims: [dims.count], dataType: ONNXTensor.int64, values: dims.map(Double.init))
      return true
    }
    if n.opType == "Size", let x = ins.first, let s = try? shape(x) {
      constants[out] = ONNXTensor(name: out, dims: [], dataType: ONNXTensor.int64, values: [Double(s.reduce(1, *))])
      return true
    }
    guard !ins.isEmpty, ins.allSatisfy({ constants[$0] != nil }) else { return false }
    let c = ins.map { constants[$0]! }
    let x = c[0]
    func make(_ dims: [Int], _ values: [Double], type: Int64? = nil) -> ONNXTensor {
      ONNXTensor(name: out, dims: dims, dataType: type ?? x.dataType, values: values)
    }
    var result: ONNXTensor?
    switch n.opType {
    case "Identity", "Dropout": result = make(x.dims, x.values)
    case "Cast":
      let to = Int64(try int(n, "to", 1))
      let v = [ONNXTensor.float, ONNXTensor.double, ONNXTensor.float16].contains(to) ? x.values : x.values.map { $0.rounded(.towardZero) }
      result = make(x.dims, v, type: to)
    case "Reshape":
      guard c.count == 2 else { return false }
      let target = try reshapeTarget(x.dims, intList(c[1]), allowZero: try int(n, "allowzero", 0) != 0)
      guard target.reduce(1, *) == x.elementCount else { throw fail("cannot reshape \(x.dims) to \(target)") }
      result = make(target, x.values)
    case "Flatten", "Squeeze", "Unsqueeze":
      result = make(try reshaped(n, x.dims), x.values)
    case "Concat":
      let r = x.dims.count
      guard r >= 1 else { return false }
      let a = try axis(int(n, "axis", 0), rank: r)
      guard c.allSatisfy({ $0.dims.count == r && $0.dims[..<a] == x.dims[..<a] && $0.dims[(a + 1)...] == x.dims[(a + 1)...] }) else {
        throw fail("cannot concatenate \(c.map(\.dims)) on axis \(a)")
      }
      let outer = x.dims[..<a].reduce(1, *)
      var values: [Double] = []
      for o in 0..<outer {
        for t in c {
          let block = t.dims[a...].reduce(1, *)
          values += t.values[(o * block)..<((o + 1) * block)]
        }
      }
      var dims = x.dims
      dims[a] = c.map { $0.dims[a] }.reduce(0, +)
      result = make(dims, values)
    case "Gather":
      guard c.count == 2, x.dims.count >= 1 else { return false }
      let a = try axis(int(n, "axis", 0), rank: x.dims.count)
      let d = x.dims[a]
      let idx = try intList(c[1]).map { i -> Int in
        let r = i < 0 ? i + d : i
        guard r >= 0, r < d else { throw fail("index \(i) is out of range for axis \(a) of \(x.dims)") }
        return r
      }
      let outer = x.dims[..<a].reduce(1, *), inner = x.dims[(a + 1)...].reduce(1, *)
      guard outer * inner <= ONNXModel.maxElements, idx.count <= ONNXModel.maxElements / max(outer * inner, 1) else { return false }
      var values: [Double] = []
      for o in 0..<outer { for i in idx { values += x.values[((o * d + i) * inner)..<((o * d + i + 1) * inner)] } }
      result = make(Array(x.dims[..<a]) + c[1].dims + Array(x.dims[(a + 1)...]), values)
    case "Add", "Sub", "Mul", "Div", "Max", "Min", "Pow", "Mod":
      guard c.count >= 2, n.opType == "Max" || n.opType == "Min" || c.count == 2 else { return false }
      let integer = x.isInteger
      let fmod = try int(n, "fmod", 0) != 0
      let f: ([Double]) -> Double
      switch n.opType {
      case "Add": f = { $0[0] + $0[1] }
      case "Sub": f = { $0[0] - $0[1] }
      case "Mul": f = { $0[0] * $0[1] }
      case "Max": f = { $0.max()! }
      case "Min": f = { $0.min()! }
      case "Pow": f = { Foundation.pow($0[0], $0[1]) }
      case "Mod":
        // Integer Mod takes the divisor's sign (Python's %); fmod=1 the dividend's (C's fmod).
        f = { v in
          guard v[1] != 0 else { return 0 }
          let r = Foundation.fmod(v[0], v[1])
          return fmod || r == 0 || (r < 0) == (v[1] < 0) ? r : r + v[1]
        }
      default: f = { integer ? ($0[1] == 0 ? 0 : ($0[0] / $0[1]).rounded(.towardZero)) : $0[0] / $0[1] }
      }
      result = try broadcastFold(c, out, type: x.dataType, f)
      if integer, n.opType == "Pow" { result!.values = result!.values.map { $0.rounded(.towardZero) } }
    case "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor":
      guard c.count == 2 else { return false }
      let f: ([Double]) -> Double
      switch n.opType {
      case "Equal": f = { $0[0] == $0[1] ? 1 : 0 }
      case "Less": f = { $0[0] < $0[1] ? 1 : 0 }
      case "Greater": f = { $0[0] > $0[1] ? 1 : 0 }
      case "LessOrEqual": f = { $0[0] <= $0[1] ? 1 : 0 }
      case "GreaterOrEqual": f = { $0[0] >= $0[1] ? 1 : 0 }
      case "And": f = { $0[0] != 0 && $0[1] != 0 ? 1 : 0 }
      case "Or": f = { $0[0] != 0 || $0[1] != 0 ? 1 : 0 }
      default: f = { ($0[0] != 0) != ($0[1] != 0) ? 1 : 0 }
      }
      result = try broadcastFold(c, out, type: ONNXTensor.bool, f)
    case "Not": result = make(x.dims, x.values.map { $0 == 0 ? 1 : 0 }, type: ONNXTensor.bool)
    case "Neg": result = make(x.dims, x.values.map { -$0 })
    case "Abs": result = make(x.dims, x.values.map { Swift.abs($0) })
    case "Floor": result = make(x.dims, x.values.map { $0.rounded(.down) })
    case "Ceil": result = make(x.dims, x.values.map { $0.rounded(.up) })
    case "Sqrt": result = make(x.dims, x.values.map { $0.squareRoot() })
    case "Where":
      guard c.count == 3 else { return false }
      result = try broadcastFold(c, out, type: c[1].dataType) { $0[0] != 0 ? $0[1] : $0[2] }
    case "Expand":
      guard c.count == 2 else { return false }
      let target = intList(c[1])
      guard target.count <= ONNXModel.maxRank, target.allSatisfy({ $0 >= 0 && $0 <= ONNXModel.maxElements }) else {
        throw fail("shape \(target) is not a valid Expand target")
      }
      let ones = ONNXTensor(name: out, dims: target, dataType: x.dataType, values: [])
      result = try broadcastFold([x, ones], out, type: x.dataType, ignoringValuesOf: 1) { $0[0] }
    case "ConstantOfShape":
      let dims = intList(x)
      guard dims.count <= ONNXModel.maxRank, dims.allSatisfy({ $0 >= 0 && $0 <= ONNXModel.maxElements }) else {
        throw fail("shape \(dims) is not a valid ConstantOfShape shape")
      }
      let total = try ShapeLimits.elementCount(dims)
      guard total <= ONNXModel.maxElements else { throw fail("constant of shape \(dims) is too large") }
      var value = 0.0, type = ONNXTensor.float
      if case .tensor(let v) = n.attributes["value"] {
        value = v.values.first ?? 0
        type = v.dataType
      }
      result = make(dims, [Double](repeating: value, count: total), type: type)
    case "Range":
      guard c.count == 3, c.allSatisfy({ $0.elementCount == 1 }) else { throw fail("start, limit and delta must be scalars") }
      let (start, limit, delta) = (c[0].values[0], c[1].values[0], c[2].values[0])
      guard delta != 0, delta.isFinite, start.isFinite, limit.isFinite else { throw fail("delta \(delta) must be a finite non-zero value") }
      let count = max(0, ((limit - start) / delta).rounded(.up))
      guard count <= Double(ONNXModel.maxElements) else { throw fail("Range of \(count) values is too large") }
      result = make([Int(count)], (0..<Int(count)).map { start + Double($0) * delta })
    case "Transpose":
      let r = x.dims.count
      let perm = try ints(n, "perm") ?? Array((0..<r).reversed())
      guard perm.count == r, Set(perm) == Set(0..<r) else { throw fail("perm \(perm) does not permute \(x.dims)") }
      let dims = perm.map { x.dims[$0] }
      var strides = Array(repeating: 1, count: r)
      for i in stride(from: r - 2, through: 0, by: -1) { strides[i] = strides[i + 1] * x.dims[i + 1] }
      var values = [Double](repeating: 0, count: x.values.count)
      for flat in values.indices {
        var rem = flat, off = 0
        for i in stride(from: r - 1, through: 0, by: -1) {
          off += (rem % dims[i]) * strides[perm[i]]
          rem /= dims[i]
        }
        values[flat] = x.values[off]
      }
      result = make(dims, values)
    case "ReduceProd", "ReduceSum", "ReduceMax", "ReduceMin":
      // Of a constant vector, all of it (the element count of a shape: PyTorch's flatten of the rest).
      guard x.dims.count <= 1, try int(n, "keepdims", 1) == 0, !x.values.isEmpty else { return false }
      let v: Double
      switch n.opType {
      case "ReduceProd": v = x.values.reduce(1, *)
      case "ReduceSum": v = x.values.reduce(0, +)
      case "ReduceMax": v = x.values.max()!
      default: v = x.values.min()!
      }
      result = make([], [v])
    case "Slice":
      let a = try sliceAttributes(n, x.dims)
      result = make(a.start.indices.map { i in max(0, (a.stop[i] - a.start[i] + a.step[i] - (a.step[i] > 0 ? 1 : -1)) / a.step[i]) }, [])
      var values: [Double] = []
      var strides = Array(repeating: 1, count: x.dims.count)
      for i in stride(from: x.dims.count - 2, through: 0, by: -1) { strides[i] = strides[i + 1] * x.dims[i + 1] }
      let outDims = result!.dims
      let total = outDims.reduce(1, *)
      for flat in 0..<total {
        var rem = flat, off = 0
        for i in stride(from: outDims.count - 1, through: 0, by: -1) {
          let k = rem % outDims[i]
          rem /= outDims[i]
          off += (a.start[i] + k * a.step[i]) * strides[i]
        }
        values.append(x.values[off])
      }
      result!.values = values
    default: return false
    }
    guard let result, result.elementCount == result.values.count, result.values.count <= ONNXModel.maxElements else { return false }
    constants[out] = result
    return true
  }

  /// `f` of the inputs' values, broadcast numpy-style; the values of input `ignoringValuesOf` are
  /// not read (only its shape counts, as for Expand).
  func broadcastFold(
    _ ts: [ONNXTensor], _ out: String, type: Int64, ignoringValuesOf ignored: Int = -1, _ f: ([Double]) -> Double
  ) throws -> ONNXTensor {
    var shape: [Int] = []
    do { for t in ts { shape = try ShapeInference.broadcast(shape, t.dims) } } catch { throw fail(error.message) }
    let r = shape.count
    func strides(_ d: [Int]) -> [Int] {
      let p = Array(repeating: 1, count: r - d.count) + d
      var s = Array(repeating: 0, count: r)
      var acc = 1
      for i in stride(from: r - 1, through: 0, by: -1) {
        s[i] = p[i] == 1 ? 0 : acc
        acc *= p[i]
      }
      return s
    }
    let st = ts.map { strides($0.dims) }
    let total = try ShapeLimits.elementCount(shape)
    guard total <= ONNXModel.maxElements else { throw fail("constant of shape \(shape) is too large") }
    var values = [Double](repeating: 0, count: total)
    var args = [Double](repeating: 0, count: ts.count)
    var at = [Int](repeating: 0, count: ts.count)
    for flat in 0..<total {
      var rem = flat
      for k in at.indices { at[k] = 0 }
      for i in stride(from: r - 1, through: 0, by: -1) {
        let k = rem % shape[i]
        rem /= shape[i]
        for j in at.indices { at[j] += k * st[j][i] }
      }
      for j in ts.indices where j != ignored { args[j] = ts[j].values[at[j]] }
      values[flat] = f(args)
    }
    return ONNXTensor(name: out, dims: shape, dataType: type, values: values)
  }
}
