extension FloatKernels {
  /// Long sums of products run in blocks, as BLAS kernels do: at most `sumBlock` products are
  /// summed from 0 in order, and the block sums are added to the first one in order. One running
  /// total over 640 products drifts like 640 roundings, blocks of 32 like about 32 + 640/32: on the
  /// float32 MLPerf Tiny autoencoder, 6.9e-3 → 1.8e-4 off a float64 evaluation (output range 58).
  /// `NNC_F32_SUM_BLOCK` in `nnc_spatial.h`; the C kernels give the same bits.
  public static let sumBlock = 32

  /// Input channels per block sum of a (de)convolution with `kernelCount` taps per channel: as
  /// many as fit in `sumBlock`, at least one (`NNC_F32_SUM_CHANNELS`).
  public static func channelsPerSumBlock(kernelCount: Int) -> Int {
    kernelCount >= sumBlock ? 1 : sumBlock / kernelCount
  }
}

/// The block sums of Affine, Convolution and Deconvolution: `terms` contributions to a row of
/// `width` floats, in blocks of `block` terms — the first block straight into the row, each later
/// one into a scratch row from 0, then added onto the row in order.
final class BlockSums {
  let width: Int
  let terms: Int
  let block: Int
  /// The scratch row; none when the terms fit in one block.
  private let part: UnsafeMutablePointer<Float>

  init(width: Int, terms: Int, block: Int) {
    (self.width, self.terms, self.block) = (width, terms, block)
    part = UnsafeMutablePointer<Float>.allocate(capacity: terms > block ? width : 0)
  }

  deinit { part.deallocate() }

  /// Adds every term into `row` (zero on entry); `add(range, sum)` adds the terms of `range` into `sum`.
  @inline(__always)
  func accumulate(into row: UnsafeMutablePointer<Float>, _ add: (Range<Int>, UnsafeMutablePointer<Float>) -> Void) {
    for t0 in stride(from: 0, to: terms, by: block) {
      let sum = t0 == 0 ? row : part
      if t0 > 0 { sum.update(repeating: 0, count: width) }
      add(t0..<min(t0 + block, terms), sum)
      if t0 > 0 { for i in 0..<width { row[i] = row[i] + sum[i] } }
    }
  }
}
