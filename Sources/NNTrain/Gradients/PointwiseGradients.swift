import Foundation
import NNIR
import NNInterpreter

/// Backward rules of ops that need no multiply: activations, softmax, arithmetic, pooling and the
/// data-movement ops.
enum PointwiseGradients {
  /// dx for an element-wise activation, from x, y and dy.
  static func activation(_ op: Op, x: FloatTensor, y: FloatTensor, dy: FloatTensor) -> FloatTensor {
    if case .relu = op {
      // The common case in a loop of its own, without the switch, which the compiler vectorises.
      let dx = LayerKernels.uninitializedFloats(x.count) { out in
        x.values.withUnsafeBufferPointer { xp in
          dy.values.withUnsafeBufferPointer { gp in
            for i in 0..<x.count { out[i] = gp[i] * (xp[i] > 0 ? 1 : 0) }
          }
        }
      }
      return FloatTensor(shape: x.shape, values: dx)
    }
    var dx = [Float](repeating: 0, count: x.count)
    let xv = x.values, yv = y.values, g = dy.values
    for i in 0..<dx.count {
      let xi = xv[i], yi = yv[i]
      let d: Float
      switch op {
      case .relu: d = xi > 0 ? 1 : 0
      case .relu6: d = xi > 0 && xi < 6 ? 1 : 0
      case .leakyReLU(let alpha): d = xi > 0 ? 1 : alpha
      case .elu(let alpha): d = xi > 0 ? 1 : yi + alpha
      case .sigmoid: d = yi * (1 - yi)
      case .tanh: d = 1 - yi * yi
      case .swish:
        let s = 1 / (1 + Foundation.exp(-xi))
        d = s + xi * s * (1 - s)
      case .addScalar: d = 1
      case .mulScalar(let v): d = Float(v)
      default: preconditionFailure("\(op.typeName) is not element-wise")
      }
      dx[i] = g[i] * d
    }
    return FloatTensor(shape: x.shape, values: dx)
  }

  /// Softmax along `axis`: dx = y ⊙ (dy − Σ_axis dy⊙y).
  static func softmax(y: FloatTensor, dy: FloatTensor, axis: Int) -> FloatTensor {
    let outer = y.shape[..<axis].reduce(1, *)
    let size = y.shape[axis]
    let inner = y.shape[(axis + 1)...].reduce(1, *)
    var dx = [Float](repeating: 0, count: y.count)
    for o in 0..<outer {
      for i in 0..<inner {
        let base = o * size * inner + i
        var dot: Float = 0
        for k in 0..<size { dot += dy.values[base + k * inner] * y.values[base + k * inner] }
        for k in 0..<size {
          let j = base + k * inner
          dx[j] = y.values[j] * (dy.values[j] - dot)
        }
      }
    }
    return FloatTensor(shape: y.shape, values: dx)
  }

  /// Binary ops with numpy broadcasting: each input's gradient is summed over the axes it was
  /// broadcast along. Which input element feeds each output comes from running the forward kernel
  /// on index maps (exact while there are fewer than 2²⁴ elements).
  static func binary(_ op: Op, a: FloatTensor, b: FloatTensor, dy: FloatTensor) -> (FloatTensor, FloatTensor) {
    let ia = FloatKernels.add2(indexMap(a.shape), FloatTensor(zeros: b.shape)).values
    let ib = FloatKernels.add2(FloatTensor(zeros: a.shape), indexMap(b.shape)).values
    var da = [Float](repeating: 0, count: a.count)
    var db = [Float](repeating: 0, count: b.count)
    for o in 0..<dy.count {
      let i = Int(ia[o]), j = Int(ib[o])
      let g = dy.values[o], x = a.values[i], y = b.values[j]
      switch op {
      case .add2: da[i] += g; db[j] += g
      case .sub2: da[i] += g; db[j] -= g
      case .mul2: da[i] += g * y; db[j] += g * x
      case .div2: da[i] += g / y; db[j] -= g * x / (y * y)
      default: preconditionFailure("\(op.typeName) is not binary")
      }
    }
    return (FloatTensor(shape: a.shape, values: da), FloatTensor(shape: b.shape, values: db))
  }

  /// `[0, 1, 2, …]` in `shape`, as floats.
  static func indexMap(_ shape: [Int], offset: Int = 0) -> FloatTensor {
    let n = shape.reduce(1, *)
    precondition(n + offset < 1 << 24, "index maps are exact below 2^24 elements")
    return FloatTensor(shape: shape, values: (0..<n).map { Float($0 + offset) })
  }

  /// Gradient of an op that only moves (or repeats) elements: route dy back through the forward
  /// kernel applied to an index map. Positions mapped to a negative index (constant padding) drop.
  static func routed(_ forward: (FloatTensor) -> FloatTensor, xShape: [Int], dy: FloatTensor) -> FloatTensor {
    let map = forward(indexMap(xShape)).values
    var dx = [Float](repeating: 0, count: xShape.reduce(1, *))
    for o in 0..<dy.count where map[o] >= 0 { dx[Int(map[o])] += dy.values[o] }
    return FloatTensor(shape: xShape, values: dx)
  }

  /// Concatenate: split dy along `axis` back into the inputs.
  static func concatenate(inputs: [FloatTensor], axis: Int, dy: FloatTensor) -> [FloatTensor] {
    var offset = 0
    var maps: [FloatTensor] = []
    for x in inputs {
      maps.append(indexMap(x.shape, offset: offset))
      offset += x.count
    }
    let map = FloatKernels.concatenate(maps, axis: axis).values
    var flat = [Float](repeating: 0, count: offset)
    for o in 0..<dy.count { flat[Int(map[o])] += dy.values[o] }
    var start = 0
    return inputs.map { x in
      defer { start += x.count }
      return FloatTensor(shape: x.shape, values: Array(flat[start..<(start + x.count)]))
    }
  }

  /// Pooling: max routes to the first largest real element of each window; average and sum
  /// spread dy over the window with the forward divisor. Windows are those of `FloatKernels.pool`.
  static func pooling(_ op: Op, x: FloatTensor, dy: FloatTensor) -> FloatTensor {
    let a: PoolingAttributes
    switch op {
    case .maxPooling(let p), .averagePooling(let p), .sumPooling(let p): a = p
    default: preconditionFailure("not a pooling op")
    }
    func lift(_ v: [Int], _ fill: Int) -> [Int] { [Int](repeating: fill, count: 3 - v.count) + v }
    let n = a.kernel.count
    let lead = x.shape.count - n
    let outer = x.shape[..<lead].reduce(1, *)
    let inS = lift(Array(x.shape[lead...]), 1), outS = lift(Array(dy.shape[lead...]), 1)
    let k = lift(a.kernel, 1), s = lift(a.stride, 1), p = lift(a.pad, 0)
    let inMap = inS.reduce(1, *)
    var dx = [Float](repeating: 0, count: x.count)
    var yi = 0
    for r in 0..<outer {
      let xc = r * inMap
      for od in 0..<outS[0] {
        let d0 = od * s[0] - p[0], d1 = min(d0 + k[0], inS[0] + p[0])
        let ds = max(d0, 0), de = min(d1, inS[0])
        for oh in 0..<outS[1] {
          let h0 = oh * s[1] - p[1], h1 = min(h0 + k[1], inS[1] + p[1])
          let hs = max(h0, 0), he = min(h1, inS[1])
          for ow in 0..<outS[2] {
            let w0 = ow * s[2] - p[2], w1 = min(w0 + k[2], inS[2] + p[2])
            let ws = max(w0, 0), we = min(w1, inS[2])
            let g = dy.values[yi]
            yi += 1
            let count: Int
            switch op {
            case .maxPooling:
              var best = -1
              var m = -Float.infinity
              for id in stride(from: ds, to: de, by: 1) {
                for ih in stride(from: hs, to: he, by: 1) {
                  let row = xc + (id * inS[1] + ih) * inS[2]
                  for iw in stride(from: ws, to: we, by: 1) where x.values[row + iw] > m {
                    m = x.values[row + iw]
                    best = row + iw
                  }
                }
              }
              if best >= 0 { dx[best] += g }
              continue
            case .averagePooling:
              count = a.includingPad ? (d1 - d0) * (h1 - h0) * (w1 - w0) : max(de - ds, 0) * max(he - hs, 0) * max(we - ws, 0)
            default:
              count = 1
            }
            let share = count == 1 ? g : g / Float(count)
            for id in stride(from: ds, to: de, by: 1) {
              for ih in stride(from: hs, to: he, by: 1) {
                let row = xc + (id * inS[1] + ih) * inS[2]
                for iw in stride(from: ws, to: we, by: 1) { dx[row + iw] += share }
              }
            }
          }
        }
      }
    }
    return FloatTensor(shape: x.shape, values: dx)
  }

  /// GlobalAveragePooling: dy / size to every element of the map.
  static func globalAveragePooling(xShape: [Int], dy: FloatTensor) -> FloatTensor {
    let size = xShape[2...].reduce(1, *)
    var dx = [Float](repeating: 0, count: xShape.reduce(1, *))
    for r in 0..<(xShape[0] * xShape[1]) {
      let g = dy.values[r] / Float(size)
      for i in 0..<size { dx[r * size + i] = g }
    }
    return FloatTensor(shape: xShape, values: dx)
  }
}
