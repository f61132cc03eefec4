import NNIR

extension FloatKernels {
  /// nnabla `DepthwiseConvolution`: x `[batch…, C, spatial…]`, W `[C*multiplier, k…]`, optional
  /// b `[C*multiplier]`; output channel `c*multiplier + m` reads only input channel `c`.
  ///
  /// This is exactly a grouped convolution with `group = C` and W viewed as `[C*multiplier, 1, k…]`
  /// (the same memory), and it is computed that way — `nnc_conv_f32` with `group = in_c` is its C twin.
  public static func depthwiseConvolution(
    _ x: FloatTensor, weight: FloatTensor, bias: FloatTensor?, _ a: DepthwiseConvolutionAttributes
  ) -> FloatTensor {
    precondition(weight.shape.count >= 2, "DepthwiseConvolution weight must be [C*multiplier, k…]")
    precondition(a.baseAxis >= 0 && a.baseAxis < x.shape.count, "DepthwiseConvolution base_axis out of range")
    let channels = x.shape[a.baseAxis]
    precondition(weight.shape[0] == channels * a.multiplier, "DepthwiseConvolution weight does not match channels × multiplier")
    return groupedConvolution(
      x, weight: weight.values, outChannels: weight.shape[0], kernel: Array(weight.shape[1...]),
      bias: bias, baseAxis: a.baseAxis, pad: a.pad, stride: a.stride, dilation: a.dilation, group: channels)
  }
}
