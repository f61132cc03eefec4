import NNIR

extension FloatKernels {
  /// `y[j0…jr] = x[offset + Σ j_i * strides[i]]`, walking y in row-major order with an odometer
  /// over the outer axes (the loop of `nnc_transpose_f32` / `nnc_slice_f32`).
  static func stridedGather(_ x: FloatTensor, shape: [Int], offset: Int, strides: [Int]) -> FloatTensor {
    let rank = shape.count
    let total = shape.reduce(1, *)
    let y = [Float](unsafeUninitializedCapacity: total) { yp, initialized in
      initialized = total
      guard total > 0 else { return }
      x.values.withUnsafeBufferPointer { xp in
        guard rank > 0 else {
          yp[0] = xp[offset]
          return
        }
        let last = rank - 1
        let n = shape[last]
        let s = strides[last]
        var idx = [Int](repeating: 0, count: rank)
        var off = offset
        var yo = 0
        while true {
          for j in 0..<n { yp[yo + j] = xp[off + j * s] }
          yo += n
          var d = last - 1
          while d >= 0 {
            off += strides[d]
            idx[d] += 1
            if idx[d] < shape[d] { break }
            off -= strides[d] * shape[d]
            idx[d] = 0
            d -= 1
          }
          if d < 0 { return }
        }
      }
    }
    return FloatTensor(shape: shape, values: y)
  }

  /// nnabla `Transpose`: `y.shape[i] = x.shape[axes[i]]`, `y[j…] = x[…]` with input axis `axes[i]`
  /// indexed by `j_i`.
  public static func transpose(_ x: FloatTensor, axes: [Int]) -> FloatTensor {
    precondition(axes.count == x.shape.count, "Transpose axes \(axes) do not match rank \(x.shape.count)")
    let xStrides = rowMajorStrides(x.shape)
    return stridedGather(
      x, shape: axes.map { x.shape[$0] }, offset: 0, strides: axes.map { xStrides[$0] })
  }
}
