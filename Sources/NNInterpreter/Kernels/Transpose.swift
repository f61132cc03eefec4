import NNIR

extension FloatKernels {
  /// nnabla `Transpose`: `y.shape[i] = x.shape[axes[i]]`, `y[j…] = x[…]` with input axis `axes[i]`
  /// indexed by `j_i`.
  public static func transpose(_ x: FloatTensor, axes: [Int]) -> FloatTensor {
    precondition(axes.count == x.shape.count, "Transpose axes \(axes) do not match rank \(x.shape.count)")
    let xStrides = rowMajorStrides(x.shape)
    let shape = axes.map { x.shape[$0] }
    return FloatTensor(shape: shape, values: DataMovement.stridedGather(x.values, shape: shape, offset: 0, strides: axes.map { xStrides[$0] }))
  }
}
