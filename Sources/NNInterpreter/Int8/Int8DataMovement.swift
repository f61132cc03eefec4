import NNIR

extension Int8Kernels {
  /// `nnc_transpose_s8`: `FloatKernels.transpose`'s gather on bytes (y keeps x's quantization).
  public static func transpose(_ p: TransposeParams, x: [Int8]) -> [Int8] {
    stridedGather(x, shape: p.yShape.map(Int.init), offset: 0, strides: p.xStrides.map(Int.init))
  }

  /// `nnc_slice_s8`: `FloatKernels.slice`'s gather on bytes.
  public static func slice(_ p: SliceParams, x: [Int8]) -> [Int8] {
    let xStrides = rowMajorStrides(p.xShape.map(Int.init))
    var offset = 0
    for d in xStrides.indices { offset += Int(p.start[d]) * xStrides[d] }
    return stridedGather(
      x, shape: p.yShape.map(Int.init), offset: offset, strides: xStrides.indices.map { Int(p.step[$0]) * xStrides[$0] }
    )
  }

  /// `nnc_pad_s8`: `FloatKernels.pad`'s index rules (`FloatKernels.padSourceIndex`) on bytes;
  /// constant mode writes `padValue` (the quantized constant).
  public static func pad(_ p: PadParams, padValue: Int8, x: [Int8]) -> [Int8] {
    let rank = p.xShape.count
    let xShape = p.xShape.map(Int.init)
    let before = p.padBefore.map(Int.init)
    let yShape = p.yShape.map(Int.init)
    let xStrides = rowMajorStrides(xShape)
    let total = yShape.reduce(1, *)
    precondition(x.count == xShape.reduce(1, *), "pad_s8: x size mismatch")
    let source = { (o: Int, d: Int) in
      FloatKernels.padSourceIndex(o, before: before[d], length: xShape[d], mode: p.mode)
    }
    return [Int8](unsafeUninitializedCapacity: total) { y, initialized in
      initialized = total
      guard total > 0 else { return }
      guard rank > 0 else {
        y[0] = x[0]
        return
      }
      let last = rank - 1
      var idx = [Int](repeating: 0, count: rank)
      var yo = 0
      while true {
        // Source row for the current outer index, or nil for a row of padValue.
        var off: Int? = 0
        for d in 0..<last {
          let s = source(idx[d], d)
          if s < 0 {
            off = nil
            break
          }
          off! += s * xStrides[d]
        }
        for j in 0..<yShape[last] {
          if let off {
            let s = source(j, last)
            y[yo + j] = s < 0 ? padValue : x[off + s]
          } else {
            y[yo + j] = padValue
          }
        }
        yo += yShape[last]
        var d = last - 1
        while d >= 0 {
          idx[d] += 1
          if idx[d] < yShape[d] { break }
          idx[d] = 0
          d -= 1
        }
        if d < 0 { return }
      }
    }
  }

  /// `y[j0…jr] = x[offset + Σ j_i · strides[i]]`, walking y in row-major order (the loop of
  /// `nnc_transpose_s8` / `nnc_slice_s8`).
  static func stridedGather(_ x: [Int8], shape: [Int], offset: Int, strides: [Int]) -> [Int8] {
    let rank = shape.count
    let total = shape.reduce(1, *)
    return [Int8](unsafeUninitializedCapacity: total) { y, initialized in
      initialized = total
      guard total > 0 else { return }
      x.withUnsafeBufferPointer { xp in
        guard rank > 0 else {
          y[0] = xp[offset]
          return
        }
        let last = rank - 1
        let (n, s) = (shape[last], strides[last])
        var idx = [Int](repeating: 0, count: rank)
        var off = offset
        var yo = 0
        while true {
          for j in 0..<n { y[yo + j] = xp[off + j * s] }
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
  }
}
