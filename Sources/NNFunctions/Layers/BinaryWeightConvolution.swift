import NNIR

/// BinaryWeightConvolution: Convolution of `x` with sign(weight) · alpha,
/// alpha the mean |weight| of each output channel, + bias (nnabla `binary_weight_convolution.cpp`).
/// Expands into that core op with the weight computed at compile time (see `BinaryWeights`, `BinarizedLayer`).
public struct BinaryWeightConvolution: BinarizedConvolutionLayer {
  public static let typeName = "BinaryWeightConvolution"
  public static let paramName = "binary_weight_convolution_param"
  public static let scalesByAlpha = true
  public var convolution: ConvolutionAttributes
  public var quantizeZeroTo: Float

  public init(convolution: ConvolutionAttributes, quantizeZeroTo: Float) {
    self.convolution = convolution
    self.quantizeZeroTo = quantizeZeroTo
  }
}
