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
    let shape = (0..<rank).map { sliceCount(start: a.start[$0], stop: a.stop[$0], step: a.step[$0]) }
    let (offset, strides) = DataMovement.sliceWalk(xShape: x.shape, start: a.start, step: a.step)
    return FloatTensor(shape: shape, values: DataMovement.stridedGather(x.values, shape: shape, offset: offset, strides: strides))
  }
}
