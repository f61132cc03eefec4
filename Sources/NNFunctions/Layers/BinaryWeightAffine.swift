import NNIR

/// BinaryWeightAffine: Affine of `x` with sign(weight) · alpha,
/// alpha the mean |weight| of each output column, + bias (nnabla `binary_weight_affine.cpp`).
/// Expands into that core op with the weight computed at compile time (see `BinaryWeights`, `BinarizedLayer`).
public struct BinaryWeightAffine: BinarizedAffineLayer {
  public static let typeName = "BinaryWeightAffine"
  public static let paramName = "binary_weight_affine_param"
  public static let scalesByAlpha = true
  public var baseAxis: Int
  public var quantizeZeroTo: Float

  public init(baseAxis: Int, quantizeZeroTo: Float) {
    self.baseAxis = baseAxis
    self.quantizeZeroTo = quantizeZeroTo
  }
}
