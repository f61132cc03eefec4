import NNIR

/// BinaryConnectConvolution: Convolution of `x` with sign(weight), + bias (nnabla `binary_connect_convolution.cpp`).
/// Expands into that core op with the weight computed at compile time (see `BinaryWeights`, `BinarizedLayer`).
public struct BinaryConnectConvolution: BinarizedConvolutionLayer {
  public static let typeName = "BinaryConnectConvolution"
  public static let paramName = "binary_connect_convolution_param"
  public static let scalesByAlpha = false
  public var convolution: ConvolutionAttributes
  public var quantizeZeroTo: Float

  public init(convolution: ConvolutionAttributes, quantizeZeroTo: Float) {
    self.convolution = convolution
    self.quantizeZeroTo = quantizeZeroTo
  }
}
