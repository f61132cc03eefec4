import NNIR

extension FloatKernels {
  /// nnabla `Affine`: y = x·W + b. x `[batch…, in…]` is flattened from `baseAxis` on to
  /// `[outer, inFeatures]`; W is `[inFeatures, out…]` (note: input-major), optional b has `out…`
  /// elements; y is `x.shape[..<baseAxis] + W.shape[1...]`.
  ///
  /// Summation order (kept by `nnc_affine_f32`): per output element, the products `x[i]*W[i][o]`
  /// for `i` ascending are summed in blocks of `sumBlock` (each from 0, one float accumulator),
  /// the later block sums are added to the first in order, then the bias. (Here the loops run
  /// input-major so the inner loop is contiguous in W; each element still sees that order.)
  public static func affine(
    _ x: FloatTensor, weight: FloatTensor, bias: FloatTensor?, _ a: AffineAttributes
  ) -> FloatTensor {
    let baseAxis = a.baseAxis
    precondition(baseAxis >= 0 && baseAxis < x.shape.count, "Affine base_axis out of range")
    precondition(weight.shape.count >= 2, "Affine weight must be [in, out…]")
    let outer = x.shape[..<baseAxis].reduce(1, *)
    let inFeatures = x.shape[baseAxis...].reduce(1, *)
    precondition(weight.shape[0] == inFeatures, "Affine weight does not match the input")
    let outFeatures = weight.shape[1...].reduce(1, *)
    if let bias { precondition(bias.count == outFeatures, "Affine bias size mismatch") }
    let outShape = Array(x.shape[..<baseAxis]) + Array(weight.shape[1...])
    let total = outer * outFeatures

    let y = [Float](unsafeUninitializedCapacity: total) { yBuf, initialized in
      yBuf.initialize(repeating: 0)
      let blocks = BlockSums(width: outFeatures, terms: inFeatures, block: sumBlock)
      x.values.withUnsafeBufferPointer { xp in
        weight.values.withUnsafeBufferPointer { wp in
          for r in 0..<outer {
            let yRow = yBuf.baseAddress! + r * outFeatures
            let xRow = r * inFeatures
            blocks.accumulate(into: yRow) { inputs, sum in
              for i in inputs {
                let xi = xp[xRow + i]
                let wRow = wp.baseAddress! + i * outFeatures
                for o in 0..<outFeatures { sum[o] += xi * wRow[o] }
              }
            }
            if let bias {
              bias.values.withUnsafeBufferPointer { bp in
                for o in 0..<outFeatures { yRow[o] = yRow[o] + bp[o] }
              }
            }
          }
        }
      }
      initialized = total
    }
    return FloatTensor(shape: outShape, values: y)
  }
}
