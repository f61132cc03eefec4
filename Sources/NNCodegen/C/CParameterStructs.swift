import NNIR

/// C designated initializers (`{.field = value, …}`) for the kernels' parameter structs, written
/// from their Swift twins so the C reads exactly the numbers the Swift reference ran with.
/// Array fields are padded to `NNC_MAX_DIMS` so no initializer is partial.
enum CInitializer {
  static let maxRank = CLiteral.maxRank
  static func designated(_ fields: [(String, String)]) -> String { CLiteral.designated(fields) }
  static func dims<T: BinaryInteger>(_ values: [T]) -> String { CLiteral.dims(values) }
}

/// A Swift twin of a C parameter struct.
protocol CParameterStruct {
  var cFields: [(String, String)] { get }
}

extension CParameterStruct {
  var cInitializer: String { CInitializer.designated(cFields) }
}

extension ConvGeometry: CParameterStruct {
  var cFields: [(String, String)] {
    [
      ("batch", batch), ("in_c", inC), ("in_h", inH), ("in_w", inW), ("out_c", outC), ("out_h", outH), ("out_w", outW),
      ("kernel_h", kernelH), ("kernel_w", kernelW), ("stride_h", strideH), ("stride_w", strideW),
      ("pad_h", padH), ("pad_w", padW), ("dilation_h", dilationH), ("dilation_w", dilationW), ("group", group),
    ].map { ($0.0, "\($0.1)") }
  }
}

extension ConvS8Params: CParameterStruct {
  var cFields: [(String, String)] {
    [
      ("batch", batch), ("in_c", inC), ("in_h", inH), ("in_w", inW), ("out_c", outC), ("out_h", outH), ("out_w", outW),
      ("kernel_h", kernelH), ("kernel_w", kernelW), ("stride_h", strideH), ("stride_w", strideW),
      ("pad_h", padH), ("pad_w", padW), ("dilation_h", dilationH), ("dilation_w", dilationW), ("group", group),
      ("input_offset", inputOffset), ("output_offset", outputOffset), ("act_min", actMin), ("act_max", actMax),
    ].map { ($0.0, "\($0.1)") }
  }
}

/// `nnc_conv_s8_opt_params`: the reference parameters, the packed K, and the fused pooling.
struct ConvS8OptParams: CParameterStruct {
  var conv: ConvS8Params
  var kPadded: Int32
  var poolH: Int32, poolW: Int32
  var outH: Int32, outW: Int32
  var cFields: [(String, String)] {
    [("conv", conv.cInitializer)]
      + [("k_padded", kPadded), ("pool_h", poolH), ("pool_w", poolW), ("out_h", outH), ("out_w", outW)].map { ($0.0, "\($0.1)") }
  }
}

/// `nnc_affine_s8_opt_params`.
struct AffineS8OptParams: CParameterStruct {
  var affine: AffineS8Params
  var kPadded: Int32
  var cFields: [(String, String)] { [("affine", affine.cInitializer), ("k_padded", "\(kPadded)")] }
}

extension AffineS8Params: CParameterStruct {
  var cFields: [(String, String)] {
    [
      ("outer", outer), ("in_features", inFeatures), ("out_features", outFeatures), ("input_offset", inputOffset),
      ("output_offset", outputOffset), ("act_min", actMin), ("act_max", actMax),
    ].map { ($0.0, "\($0.1)") }
  }
}

extension PoolParams: CParameterStruct {
  var cFields: [(String, String)] {
    [
      ("outer", outer), ("in_h", inH), ("in_w", inW), ("out_h", outH), ("out_w", outW),
      ("kernel_h", kernelH), ("kernel_w", kernelW), ("stride_h", strideH), ("stride_w", strideW),
      ("pad_h", padH), ("pad_w", padW), ("including_pad", includingPad ? 1 : 0),
    ].map { ($0.0, "\($0.1)") }
  }
}

extension PoolS8Params: CParameterStruct {
  var cFields: [(String, String)] {
    [("geometry", geometry.cInitializer)]
      + [
        ("input_offset", inputOffset), ("output_offset", outputOffset), ("multiplier", multiplier), ("shift", shift),
        ("act_min", actMin), ("act_max", actMax),
      ].map { ($0.0, "\($0.1)") }
  }
}

extension GlobalPoolS8Params: CParameterStruct {
  var cFields: [(String, String)] {
    [
      ("outer", outer), ("size", size), ("input_offset", inputOffset), ("output_offset", outputOffset),
      ("multiplier", multiplier), ("shift", shift),
    ].map { ($0.0, "\($0.1)") }
  }
}

extension AddS8Params: CParameterStruct {
  var cFields: [(String, String)] {
    [
      ("rank", "\(rank)"), ("shape", CInitializer.dims(shape)), ("a_strides", CInitializer.dims(aStrides)),
      ("b_strides", CInitializer.dims(bStrides)),
    ]
      + [
        ("a_offset", aOffset), ("b_offset", bOffset), ("left_shift", leftShift), ("a_multiplier", aMultiplier),
        ("a_shift", aShift), ("b_multiplier", bMultiplier), ("b_shift", bShift), ("out_multiplier", outMultiplier),
        ("out_shift", outShift), ("output_offset", outputOffset), ("act_min", actMin), ("act_max", actMax),
      ].map { ($0.0, "\($0.1)") }
      // TFLite's Sub only (designated initializers: 0 when left out, so other models' C is unchanged).
      + (subtract != 0 ? [("subtract", "\(subtract)")] : [])
  }
}

extension MulS8Params: CParameterStruct {
  var cFields: [(String, String)] {
    [
      ("rank", "\(rank)"), ("shape", CInitializer.dims(shape)), ("a_strides", CInitializer.dims(aStrides)),
      ("b_strides", CInitializer.dims(bStrides)),
    ]
      + [
        ("a_offset", aOffset), ("b_offset", bOffset), ("out_multiplier", outMultiplier), ("out_shift", outShift),
        ("output_offset", outputOffset), ("act_min", actMin), ("act_max", actMax),
      ].map { ($0.0, "\($0.1)") }
  }
}

extension RescaleS8Params: CParameterStruct {
  var cFields: [(String, String)] {
    [("input_offset", inputOffset), ("output_offset", outputOffset), ("multiplier", multiplier), ("shift", shift)]
      .map { ($0.0, "\($0.1)") }
  }
}

extension SoftmaxParams: CParameterStruct {
  var cFields: [(String, String)] {
    [("outer", outer), ("axis_size", axisSize), ("inner", inner)].map { ($0.0, "\($0.1)") }
  }
}

extension ConcatenateParams: CParameterStruct {
  var cFields: [(String, String)] {
    [("outer", outer), ("x_inner", xInner), ("y_inner", yInner), ("y_offset", yOffset)].map { ($0.0, "\($0.1)") }
  }
}

extension TransposeParams: CParameterStruct {
  var cFields: [(String, String)] {
    [("rank", "\(rank)"), ("y_shape", CInitializer.dims(yShape)), ("x_strides", CInitializer.dims(xStrides))]
  }
}

extension SliceParams: CParameterStruct {
  var cFields: [(String, String)] {
    [
      ("rank", "\(rank)"), ("x_shape", CInitializer.dims(xShape)), ("start", CInitializer.dims(start)),
      ("step", CInitializer.dims(step)), ("y_shape", CInitializer.dims(yShape)),
    ]
  }
}

extension PadParams: CParameterStruct {
  /// Without `constant_value`: the float emitter adds it, the int8 kernel takes the value apart.
  var cFields: [(String, String)] {
    let mode: String
    switch self.mode {
    case .constant: mode = "NNC_PAD_CONSTANT"
    case .reflect: mode = "NNC_PAD_REFLECT"
    case .repeating: mode = "NNC_PAD_REPEAT"
    }
    return [
      ("rank", "\(rank)"), ("x_shape", CInitializer.dims(xShape)), ("pad_before", CInitializer.dims(padBefore)),
      ("pad_after", CInitializer.dims(padAfter)), ("mode", mode),
    ]
  }
}
