import NNIR

/// BinaryConnectAffine: Affine of `x` with sign(weight), + bias (nnabla `binary_connect_affine.cpp`).
/// Expands into that core op with the weight computed at compile time (see `BinaryWeights`, `BinarizedLayer`).
public struct BinaryConnectAffine: BinarizedAffineLayer {
  public static let typeName = "BinaryConnectAffine"
  public static let paramName = "binary_connect_affine_param"
  public static let scalesByAlpha = false
  public var baseAxis: Int
  public var quantizeZeroTo: Float

  public init(baseAxis: Int, quantizeZeroTo: Float) {
    self.baseAxis = baseAxis
    self.quantizeZeroTo = quantizeZeroTo
  }
}
