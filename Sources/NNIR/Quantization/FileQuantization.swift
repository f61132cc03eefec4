/// The quantization a model file gives one tensor (an int8 `.tflite`, a QDQ ONNX model), kept on
/// the tensor so the int8 build uses the file's numbers instead of calibrating.
///
/// Activations carry one scale and zero point. Weights carry one scale per slice along `axis`
/// (per channel) or one for the whole tensor, and `codes`: the integers the file stores, in the
/// IR's layout (the same transposition as the tensor's float `data`, which holds
/// `scale · (code − zeroPoint)` for the float build). Biases carry their int32 codes.
public struct FileQuantization: Sendable, Equatable {
  public var scales: [Float]
  public var zeroPoints: [Int32]
  /// The IR axis the scales run along when there is more than one.
  public var axis: Int
  /// A constant's stored integers, in the IR layout; nil for activations.
  public var codes: [Int32]?

  public init(scales: [Float], zeroPoints: [Int32], axis: Int = 0, codes: [Int32]? = nil) {
    self.scales = scales
    self.zeroPoints = zeroPoints
    self.axis = axis
    self.codes = codes
  }

  /// Per-tensor int8 parameters, when the file gives exactly one usable scale and zero point.
  public var perTensor: QuantParams? {
    guard scales.count == 1, let s = scales.first, s > 0, s.isFinite else { return nil }
    let zp = zeroPoints.first ?? 0
    guard zp >= -128 && zp <= 127 else { return nil }
    return QuantParams(scale: s, zeroPoint: zp)
  }

  /// The scale of each of `count` slices (one scale repeated when per tensor).
  public func scales(count: Int) -> [Float] {
    scales.count == 1 ? Array(repeating: scales[0], count: count) : scales
  }
}

/// Whose integer arithmetic an int8 build follows where the frameworks differ (softmax, the
/// rounding of average pooling, activation tables): nncompile's own, or TFLite Micro's reference
/// kernels, so a quantized `.tflite` gives TFLM's bytes.
public enum Int8Rules: String, Sendable {
  case nncompile
  case tflite
}
