import NNIR

extension FloatKernels {
  /// Elements selected along one axis by `start`, `stop`, `step` (Python's range rule):
  /// `ceil((stop - start) / step)` for `step > 0`, `ceil((start - stop) / -step)` for `step < 0`,
  /// never negative.
  public static func sliceCount(start: Int, stop: Int, step: Int) -> Int {
    precondition(step != 0, "Slice step must not be 0")
    if step > 0 { return max(0, (stop - start + step - 1) / step) }
    return max(0, (start - stop - step - 1) / -step)
  }

  /// nnabla `Slice` with resolved `start` / `stop` / `step` per axis (one per axis of x):
  /// `y[j…] = x[start_i + j_i * step_i …]`. A negative step walks backwards from `start`; then
  /// `stop` may be -1 to include index 0.
  public static func slice(_ x: FloatTensor, _ a: SliceAttributes) -> FloatTensor {
    let rank = x.shape.count
    precondition(a.start.count == rank && a.stop.count == rank && a.step.count == rank,
                 "Slice attributes do not match rank \(rank)")
    let xStrides = rowMajorStrides(x.shape)
    var shape = [Int](repeating: 0, count: rank)
    var strides = [Int](repeating: 0, count: rank)
    var offset = 0
    for d in 0..<rank {
      shape[d] = sliceCount(start: a.start[d], stop: a.stop[d], step: a.step[d])
      strides[d] = a.step[d] * xStrides[d]
      offset += a.start[d] * xStrides[d]
    }
    return stridedGather(x, shape: shape, offset: offset, strides: strides)
  }
}
