import NNIR

extension Int8Kernels {
  /// `nnc_add_s8`: TFLite's int8 Add over `nnc_binary_params`' broadcast walk (Sub2 is the same
  /// kernel with `bMultiplier` negated, see `AddS8Params.init(…subtract:…)`, or TFLite's Sub,
  /// `a' − b'`, when `subtract` is 1):
  ///
  ///     a' = requantize((qa + aOffset) · 2^leftShift, aMultiplier, aShift)   // b' likewise
  ///     y  = clamp(requantize(a' ± b', outMultiplier, outShift) + outputOffset, actMin, actMax)
  public static func add(_ p: AddS8Params, _ a: [Int8], _ b: [Int8]) -> [Int8] {
    let scale: Int32 = 1 << p.leftShift
    return broadcast(shape: p.shape, aStrides: p.aStrides, bStrides: p.bStrides, a, b) { qa, qb in
      let va = FixedPoint.requantize((Int32(qa) &+ p.aOffset) &* scale, multiplier: p.aMultiplier, shift: p.aShift)
      let vb = FixedPoint.requantize((Int32(qb) &+ p.bOffset) &* scale, multiplier: p.bMultiplier, shift: p.bShift)
      return FixedPoint.output(
        FixedPoint.requantize(p.subtract != 0 ? va &- vb : va &+ vb, multiplier: p.outMultiplier, shift: p.outShift),
        offset: p.outputOffset, min: p.actMin, max: p.actMax)
    }
  }

  /// `nnc_mul_s8`: `y = clamp(requantize((qa + aOffset) · (qb + bOffset), outMultiplier, outShift)
  /// + outputOffset, actMin, actMax)` over the broadcast walk.
  public static func mul(_ p: MulS8Params, _ a: [Int8], _ b: [Int8]) -> [Int8] {
    broadcast(shape: p.shape, aStrides: p.aStrides, bStrides: p.bStrides, a, b) { qa, qb in
      let product = (Int32(qa) &+ p.aOffset) &* (Int32(qb) &+ p.bOffset)
      return FixedPoint.output(
        FixedPoint.requantize(product, multiplier: p.outMultiplier, shift: p.outShift),
        offset: p.outputOffset, min: p.actMin, max: p.actMax)
    }
  }

  /// `y[i] = op(a[ia], b[ib])` walking the output of `shape` in row-major order, with `a` and `b`
  /// addressed through their broadcast strides (0 where broadcast), as `nnc_arith_s8.c` walks it.
  @inline(__always)
  static func broadcast(
    shape: [Int32], aStrides: [Int32], bStrides: [Int32], _ a: [Int8], _ b: [Int8],
    _ op: (Int8, Int8) -> Int8
  ) -> [Int8] {
    let rank = shape.count
    let total = shape.reduce(1) { $0 * Int($1) }
    return [Int8](unsafeUninitializedCapacity: total) { y, initialized in
      initialized = total
      guard total > 0 else { return }
      a.withUnsafeBufferPointer { ap in
        b.withUnsafeBufferPointer { bp in
          guard rank > 0 else {
            y[0] = op(ap[0], bp[0])
            return
          }
          let last = rank - 1
          let n = Int(shape[last])
          let (sa, sb) = (Int(aStrides[last]), Int(bStrides[last]))
          var idx = [Int](repeating: 0, count: rank)
          var (ao, bo, yo) = (0, 0, 0)
          while true {
            for j in 0..<n { y[yo + j] = op(ap[ao + j * sa], bp[bo + j * sb]) }
            yo += n
            var d = last - 1
            while d >= 0 {
              ao += Int(aStrides[d])
              bo += Int(bStrides[d])
              idx[d] += 1
              if idx[d] < Int(shape[d]) { break }
              ao -= Int(aStrides[d]) * Int(shape[d])
              bo -= Int(bStrides[d]) * Int(shape[d])
              idx[d] = 0
              d -= 1
            }
            if d < 0 { return }
          }
        }
      }
    }
  }
}
