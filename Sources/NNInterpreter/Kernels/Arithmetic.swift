import NNIR

extension FloatKernels {
  // MARK: - Broadcasting

  /// numpy's broadcast of two shapes: right-aligned, each axis equal or 1 on one side; a missing
  /// leading axis counts as 1. `nil` when the shapes are incompatible.
  public static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
    let rank = max(a.count, b.count)
    var out = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
      let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
      let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
      if da == db || db == 1 {
        out[i] = da
      } else if da == 1 {
        out[i] = db
      } else {
        return nil
      }
    }
    return out
  }

  /// `y = a OP b` over the broadcast shape, walked exactly like `NNC_BROADCAST_WALK` in
  /// `nnc_pointwise.h`: row by row (last axis innermost) with an odometer over the outer axes.
  @inline(__always)
  static func binary(_ a: FloatTensor, _ b: FloatTensor, _ op: (Float, Float) -> Float) -> FloatTensor {
    guard let outShape = broadcastShape(a.shape, b.shape) else {
      preconditionFailure("shapes \(a.shape) and \(b.shape) do not broadcast")
    }
    let total = outShape.reduce(1, *)
    if a.shape == b.shape {
      let y = [Float](unsafeUninitializedCapacity: total) { yp, initialized in
        a.values.withUnsafeBufferPointer { ap in
          b.values.withUnsafeBufferPointer { bp in
            for i in 0..<total { yp[i] = op(ap[i], bp[i]) }
          }
        }
        initialized = total
      }
      return FloatTensor(shape: outShape, values: y)
    }
    let rank = outShape.count
    let aStrides = broadcastStrides(a.shape, to: outShape)
    let bStrides = broadcastStrides(b.shape, to: outShape)
    let y = [Float](unsafeUninitializedCapacity: total) { yp, initialized in
      initialized = total
      guard total > 0 else { return }
      a.values.withUnsafeBufferPointer { ap in
        b.values.withUnsafeBufferPointer { bp in
          guard rank > 0 else {
            yp[0] = op(ap[0], bp[0])
            return
          }
          let last = rank - 1
          let n = outShape[last]
          let sa = aStrides[last]
          let sb = bStrides[last]
          var idx = [Int](repeating: 0, count: rank)
          var ao = 0
          var bo = 0
          var yo = 0
          while true {
            for j in 0..<n { yp[yo + j] = op(ap[ao + j * sa], bp[bo + j * sb]) }
            yo += n
            var d = last - 1
            while d >= 0 {
              ao += aStrides[d]
              bo += bStrides[d]
              idx[d] += 1
              if idx[d] < outShape[d] { break }
              ao -= aStrides[d] * outShape[d]
              bo -= bStrides[d] * outShape[d]
              idx[d] = 0
              d -= 1
            }
            if d < 0 { return }
          }
        }
      }
    }
    return FloatTensor(shape: outShape, values: y)
  }

  // MARK: - Binary ops

  /// nnabla `Add2`: `a + b` with numpy broadcasting.
  public static func add2(_ a: FloatTensor, _ b: FloatTensor) -> FloatTensor { binary(a, b) { $0 + $1 } }
  /// nnabla `Sub2`: `a - b` with numpy broadcasting.
  public static func sub2(_ a: FloatTensor, _ b: FloatTensor) -> FloatTensor { binary(a, b) { $0 - $1 } }
  /// nnabla `Mul2`: `a * b` with numpy broadcasting.
  public static func mul2(_ a: FloatTensor, _ b: FloatTensor) -> FloatTensor { binary(a, b) { $0 * $1 } }
  /// nnabla `Div2`: `a / b` with numpy broadcasting (a true division, not `a * (1/b)`).
  public static func div2(_ a: FloatTensor, _ b: FloatTensor) -> FloatTensor { binary(a, b) { $0 / $1 } }

  // MARK: - Scalar ops

  /// nnabla `AddScalar`: `x + (float)val`: nnabla casts the double attribute to float first, then
  /// adds in float (`x + (T)a0`).
  public static func addScalar(_ x: FloatTensor, value: Double) -> FloatTensor {
    let v = Float(value)
    return elementwise(x) { $0 + v }
  }

  /// nnabla `MulScalar`: `x * (float)val` (`x * (T)a0`).
  public static func mulScalar(_ x: FloatTensor, value: Double) -> FloatTensor {
    let v = Float(value)
    return elementwise(x) { $0 * v }
  }
}
