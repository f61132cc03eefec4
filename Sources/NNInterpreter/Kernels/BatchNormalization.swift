import NNIR

extension FloatKernels {
  /// nnabla `BatchNormalization` in inference form (`batch_stat = false`): the stored statistics
  /// are used. beta, gamma, mean and variance each hold one value per channel of `a.axes[0]` (any
  /// shape with that many elements, typically `[1, C, 1, 1]`).
  ///
  /// Per element, in exactly this order (kept by `nnc_batchnorm_f32`):
  /// `y = (x - mean) / sqrt(variance + eps) * gamma + beta`, with `sqrt(variance + eps)` computed once
  /// per channel in float (IEEE sqrt, correctly rounded in both languages).
  public static func batchNormalization(
    _ x: FloatTensor, beta: FloatTensor, gamma: FloatTensor, mean: FloatTensor, variance: FloatTensor,
    _ a: BatchNormalizationAttributes
  ) -> FloatTensor {
    precondition(a.axes.count == 1, "BatchNormalization supports one channel axis")
    let axis = a.axes[0]
    precondition(axis >= 0 && axis < x.shape.count, "BatchNormalization axis out of range")
    let channels = x.shape[axis]
    let outer = x.shape[..<axis].reduce(1, *)
    let inner = x.shape[(axis + 1)...].reduce(1, *)
    for s in [beta, gamma, mean, variance] {
      precondition(s.count == channels, "BatchNormalization statistic size mismatch")
    }
    let eps = a.eps
    let total = x.count
    let y = [Float](unsafeUninitializedCapacity: total) { yBuf, initialized in
      x.values.withUnsafeBufferPointer { xp in
        for c in 0..<channels {
          let m = mean.values[c]
          let sd = (variance.values[c] + eps).squareRoot()
          let g = gamma.values[c]
          let b = beta.values[c]
          for o in 0..<outer {
            let base = (o * channels + c) * inner
            for i in base..<(base + inner) {
              yBuf[i] = (xp[i] - m) / sd * g + b
            }
          }
        }
      }
      initialized = total
    }
    return FloatTensor(shape: x.shape, values: y)
  }
}
