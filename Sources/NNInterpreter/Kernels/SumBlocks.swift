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
