#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import NNIR

extension FloatKernels {
  /// nnabla `Softmax` along `axis` (negative counts from the end), with nnabla's algorithm
  /// (`softmax.cpp`), kept op for op by `nnc_softmax_f32`: viewing x as `[outer, axisSize, inner]`,
  /// for each `(o, i)`: `m = x[o][0][i]`, then `m = (m >= v) ? m : v` over the axis; `e = exp(v - m)`
  /// written to y and summed in float in axis order; then `y = y / sum`.
  public static func softmax(_ x: FloatTensor, axis: Int) -> FloatTensor {
    let rank = x.shape.count
    let axis = axis < 0 ? axis + rank : axis
    precondition(axis >= 0 && axis < rank, "Softmax axis \(axis) out of range for rank \(rank)")
    let outer = x.shape[..<axis].reduce(1, *)
    let size1 = x.shape[axis]
    let size2 = x.shape[(axis + 1)...].reduce(1, *)
    let total = x.count

    let y = [Float](unsafeUninitializedCapacity: total) { yp, initialized in
      x.values.withUnsafeBufferPointer { xp in
        for i0 in 0..<outer {
          for i2 in 0..<size2 {
            let j = i0 * size1 * size2 + i2
            var maxX = xp[j]
            for i1 in 0..<size1 {
              let v = xp[j + i1 * size2]
              maxX = maxX >= v ? maxX : v
            }
            var expSum: Float = 0
            for i1 in 0..<size1 {
              let k = j + i1 * size2
              let e = expf(xp[k] - maxX)
              yp[k] = e
              expSum += e
            }
            for i1 in 0..<size1 {
              let k = j + i1 * size2
              yp[k] = yp[k] / expSum
            }
          }
        }
      }
      initialized = total
    }
    return FloatTensor(shape: x.shape, values: y)
  }
}
