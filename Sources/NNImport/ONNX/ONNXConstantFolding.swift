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
    case "Add", "Sub", "Mul", "Div":
      guard c.count == 2 else { return false }
      let f: (Double, Double) -> Double
      let integer = x.isInteger
      switch n.opType {
      case "Add": f = { $0 + $1 }
      case "Sub": f = { $0 - $1 }
      case "Mul": f = { $0 * $1 }
      default: f = { integer ? ($1 == 0 ? 0 : ($0 / $1).rounded(.towardZero)) : $0 / $1 }
      }
      result = try broadcastFold(c[0], c[1], out, f)
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

  func broadcastFold(_ a: ONNXTensor, _ b: ONNXTensor, _ out: String, _ f: (Double, Double) -> Double) throws -> ONNXTensor {
    let shape: [Int]
    do { shape = try ShapeInference.broadcast(a.dims, b.dims) } catch { throw fail(error.message) }
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
    let sa = strides(a.dims), sb = strides(b.dims)
    let total = try ShapeLimits.elementCount(shape)
    guard total <= ONNXModel.maxElements else { throw fail("constant of shape \(shape) is too large") }
    var values = [Double](repeating: 0, count: total)
    for flat in 0..<total {
      var rem = flat, ia = 0, ib = 0
      for i in stride(from: r - 1, through: 0, by: -1) {
        let k = rem % shape[i]
        rem /= shape[i]
        ia += k * sa[i]
        ib += k * sb[i]
      }
      values[flat] = f(a.values[ia], b.values[ib])
    }
    return ONNXTensor(name: out, dims: shape, dataType: a.dataType, values: values)
  }
}
