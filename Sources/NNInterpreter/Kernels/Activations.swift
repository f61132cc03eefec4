#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import NNIR

extension FloatKernels {
  /// Applies `f` to every element (the shape is kept).
  @inline(__always)
  static func elementwise(_ x: FloatTensor, _ f: (Float) -> Float) -> FloatTensor {
    let n = x.count
    let y = [Float](unsafeUninitializedCapacity: n) { yBuf, initialized in
      x.values.withUnsafeBufferPointer { xp in
        for i in 0..<n { yBuf[i] = f(xp[i]) }
      }
      initialized = n
    }
    return FloatTensor(shape: x.shape, values: y)
  }

  // Each formula is nnabla's, written with the same comparison and operation order as the C twin in
  // runtime-c/src/nnc_activation_f32.c. `expf` / `tanhf` are called directly so that Swift and C
  // use the same libm functions.

  /// nnabla `ReLU`: `std::max(0, x)`, i.e. `(0 < x) ? x : 0` (NaN gives 0).
  public static func relu(_ x: FloatTensor) -> FloatTensor {
    elementwise(x) { v in 0 < v ? v : 0 }
  }

  /// nnabla `ReLU6`: `std::min(std::max(x, 0), 6)`: `v = (x < 0) ? 0 : x; (6 < v) ? 6 : v`.
  public static func relu6(_ x: FloatTensor) -> FloatTensor {
    elementwise(x) { v in
      let r = v < 0 ? 0 : v
      return 6 < r ? 6 : r
    }
  }

  /// nnabla `LeakyReLU`: `x > 0 ? x : alpha * x`.
  public static func leakyReLU(_ x: FloatTensor, alpha: Float) -> FloatTensor {
    elementwise(x) { v in v > 0 ? v : alpha * v }
  }

  /// nnabla `ELU`: `x >= 0 ? x : alpha * (exp(x) - 1)`.
  public static func elu(_ x: FloatTensor, alpha: Float) -> FloatTensor {
    elementwise(x) { v in v >= 0 ? v : alpha * (expf(v) - 1) }
  }

  /// nnabla `Sigmoid`: `1 / (1 + exp(-x))`.
  public static func sigmoid(_ x: FloatTensor) -> FloatTensor {
    elementwise(x) { v in 1 / (1 + expf(-v)) }
  }

  /// nnabla `Tanh`: `tanh(x)`.
  public static func tanh(_ x: FloatTensor) -> FloatTensor {
    elementwise(x) { v in tanhf(v) }
  }

  /// nnabla `Swish`: `x / (1 + exp(-x))` (nnabla's formula; not `x * sigmoid(x)`, which rounds
  /// differently).
  public static func swish(_ x: FloatTensor) -> FloatTensor {
    elementwise(x) { v in v / (1 + expf(-v)) }
  }
}
