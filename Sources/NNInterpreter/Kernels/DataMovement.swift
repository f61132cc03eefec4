import NNIR

/// The loops of the data-movement kernels, for any element type: the float kernels
/// (`nnc_transpose_f32`, `nnc_slice_f32`, `nnc_pad_f32`) and their int8 twins move values the
/// same way, so one walk serves both.
enum DataMovement {
  /// `y[j0…jr] = x[offset + Σ j_i * strides[i]]`, walking y in row-major order with an odometer
  /// over the outer axes (the loop of `nnc_transpose_*` / `nnc_slice_*`).
  static func stridedGather<T>(_ x: [T], shape: [Int], offset: Int, strides: [Int]) -> [T] {
    let rank = shape.count
    let total = shape.reduce(1, *)
    return [T](unsafeUninitializedCapacity: total) { yp, initialized in
      initialized = total
      guard total > 0 else { return }
      x.withUnsafeBufferPointer { xp in
        guard rank > 0 else {
          (yp.baseAddress! + 0).initialize(to: xp[offset])
          return
        }
        let last = rank - 1
        let n = shape[last]
        let s = strides[last]
        var idx = [Int](repeating: 0, count: rank)
        var off = offset
        var yo = 0
        while true {
          for j in 0..<n { (yp.baseAddress! + yo + j).initialize(to: xp[off + j * s]) }
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

  /// The offset and strides that make `stridedGather` a slice of a row-major `xShape`.
  static func sliceWalk(xShape: [Int], start: [Int], step: [Int]) -> (offset: Int, strides: [Int]) {
    let xStrides = rowMajorStrides(xShape)
    var offset = 0
    for d in xStrides.indices { offset += start[d] * xStrides[d] }
    return (offset, xStrides.indices.map { step[$0] * xStrides[$0] })
  }

  /// Pad with explicit per-axis `before` / `after` (one value per axis of x), walked like
  /// `nnc_pad_*`: row by row, the middle of each row copied, the edges mapped by
  /// `FloatKernels.padSourceIndex`; positions outside the input in constant mode take `fill`.
  static func pad<T>(_ x: [T], xShape: [Int], before: [Int], after: [Int], mode: PadAttributes.Mode, fill c: T) -> [T] {
    let rank = xShape.count
    let yShape = (0..<rank).map { before[$0] + xShape[$0] + after[$0] }
    let xStrides = rowMajorStrides(xShape)
    let total = yShape.reduce(1, *)
    let source = FloatKernels.padSourceIndex
    var y = [T](repeating: c, count: total)
    guard total > 0 else { return y }
    guard rank > 0 else {
      y[0] = x[0]
      return y
    }
    x.withUnsafeBufferPointer { xp in
      y.withUnsafeMutableBufferPointer { yp in
        let last = rank - 1
        let b = before[last]
        let len = xShape[last]
        let n = yShape[last]
        var idx = [Int](repeating: 0, count: rank)
        var yo = 0
        while true {
          var off = 0
          var outside = false
          for d in 0..<last {
            let s = source(idx[d], before[d], xShape[d], mode)
            if s < 0 {
              outside = true
              break
            }
            off += s * xStrides[d]
          }
          if !outside {
            for j in 0..<b {
              let s = source(j, b, len, mode)
              if s >= 0 { yp[yo + j] = xp[off + s] }
            }
            for j in 0..<len { yp[yo + b + j] = xp[off + j] }
            for j in (b + len)..<n {
              let s = source(j, b, len, mode)
              if s >= 0 { yp[yo + j] = xp[off + s] }
            }
          }
          yo += n
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
    return y
  }
}
