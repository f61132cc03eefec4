#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import NNIR

extension Int8Kernels {
  /// `nnc_softmax_s8`: Softmax on the FPU. Each value is dequantized with `input`, the float
  /// softmax runs exactly as `FloatKernels.softmax` / `nnc_softmax_f32` (same comparisons, `expf`,
  /// summation order, one division), and each result is quantized with `output`; so
  /// `y == output.quantize(FloatKernels.softmax(input.dequantize(x)))` element for element. Like
  /// the C kernel, `exp(x − max)` is computed again for the division instead of being stored.
  public static func softmax(_ p: SoftmaxParams, input: QuantParams, output: QuantParams, x: [Int8]) -> [Int8] {
    let (outer, size1, size2) = (Int(p.outer), Int(p.axisSize), Int(p.inner))
    precondition(x.count == p.count, "softmax_s8: x size mismatch")
    let total = x.count
    return [Int8](unsafeUninitializedCapacity: total) { y, initialized in
      x.withUnsafeBufferPointer { xp in
        for i0 in 0..<outer {
          for i2 in 0..<size2 {
            let j = i0 * size1 * size2 + i2
            var maxX = input.dequantize(xp[j])
            for i1 in 0..<size1 {
              let v = input.dequantize(xp[j + i1 * size2])
              maxX = maxX >= v ? maxX : v
            }
            var expSum: Float = 0
            for i1 in 0..<size1 {
              let v = input.dequantize(xp[j + i1 * size2])
              expSum += expf(v - maxX)
            }
            for i1 in 0..<size1 {
              let k = j + i1 * size2
              let e = expf(input.dequantize(xp[k]) - maxX)
              y[k] = output.quantize(e / expSum)
            }
          }
        }
      }
      initialized = total
    }
  }
}
