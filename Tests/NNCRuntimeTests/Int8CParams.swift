import NNCRuntime
import NNIR

// The Swift parameter structs of NNIR/Quantization as the C structs of nnc_int8.h: what the code
// generator will write as C initializers, done here through the imported C types.

typealias CDims = (Int32, Int32, Int32, Int32, Int32, Int32)

/// A C `int32_t[NNC_MAX_DIMS]` from up to six values (the rest 0).
func cDims(_ values: [Int32]) -> CDims {
  precondition(values.count <= 6)
  var t: CDims = (0, 0, 0, 0, 0, 0)
  withUnsafeMutableBytes(of: &t) { raw in
    for (i, v) in values.enumerated() { raw.storeBytes(of: v, toByteOffset: i * 4, as: Int32.self) }
  }
  return t
}

extension ConvS8Params {
  var c: nnc_conv_s8_params {
    nnc_conv_s8_params(
      batch: batch, in_c: inC, in_h: inH, in_w: inW, out_c: outC, out_h: outH, out_w: outW,
      kernel_h: kernelH, kernel_w: kernelW, stride_h: strideH, stride_w: strideW, pad_h: padH, pad_w: padW,
      dilation_h: dilationH, dilation_w: dilationW, group: group, input_offset: inputOffset,
      output_offset: outputOffset, act_min: actMin, act_max: actMax)
  }
}

extension AffineS8Params {
  var c: nnc_affine_s8_params {
    nnc_affine_s8_params(
      outer: outer, in_features: inFeatures, out_features: outFeatures, input_offset: inputOffset,
      output_offset: outputOffset, act_min: actMin, act_max: actMax)
  }
}

extension PoolParams {
  var c: nnc_pool_params {
    nnc_pool_params(
      outer: outer, in_h: inH, in_w: inW, out_h: outH, out_w: outW, kernel_h: kernelH, kernel_w: kernelW,
      stride_h: strideH, stride_w: strideW, pad_h: padH, pad_w: padW, including_pad: includingPad ? 1 : 0)
  }
}

extension PoolS8Params {
  var c: nnc_pool_s8_params {
    nnc_pool_s8_params(
      geometry: geometry.c, input_offset: inputOffset, output_offset: outputOffset, multiplier: multiplier,
      shift: shift, act_min: actMin, act_max: actMax)
  }
}

extension GlobalPoolS8Params {
  var c: nnc_global_pool_s8_params {
    nnc_global_pool_s8_params(
      outer: outer, size: size, input_offset: inputOffset, output_offset: outputOffset, multiplier: multiplier,
      shift: shift)
  }
}

extension AddS8Params {
  var c: nnc_add_s8_params {
    nnc_add_s8_params(
      rank: rank, shape: cDims(shape), a_strides: cDims(aStrides), b_strides: cDims(bStrides),
      a_offset: aOffset, b_offset: bOffset, left_shift: leftShift, a_multiplier: aMultiplier, a_shift: aShift,
      b_multiplier: bMultiplier, b_shift: bShift, out_multiplier: outMultiplier, out_shift: outShift,
      output_offset: outputOffset, act_min: actMin, act_max: actMax, subtract: subtract)
  }
}

extension MulS8Params {
  var c: nnc_mul_s8_params {
    nnc_mul_s8_params(
      rank: rank, shape: cDims(shape), a_strides: cDims(aStrides), b_strides: cDims(bStrides),
      a_offset: aOffset, b_offset: bOffset, out_multiplier: outMultiplier, out_shift: outShift,
      output_offset: outputOffset, act_min: actMin, act_max: actMax)
  }
}

extension RescaleS8Params {
  var c: nnc_rescale_s8_params {
    nnc_rescale_s8_params(input_offset: inputOffset, output_offset: outputOffset, multiplier: multiplier, shift: shift)
  }
}

extension ConcatenateParams {
  var c: nnc_concatenate_params {
    nnc_concatenate_params(outer: outer, x_inner: xInner, y_inner: yInner, y_offset: yOffset)
  }
}

extension TransposeParams {
  var c: nnc_transpose_params {
    nnc_transpose_params(rank: rank, y_shape: cDims(yShape), x_strides: cDims(xStrides))
  }
}

extension SliceParams {
  var c: nnc_slice_params {
    nnc_slice_params(rank: rank, x_shape: cDims(xShape), start: cDims(start), step: cDims(step), y_shape: cDims(yShape))
  }
}

extension PadParams {
  /// `constant_value` is irrelevant to nnc_pad_s8 (it takes the int8 pad value): NaN makes any
  /// accidental use visible.
  var c: nnc_pad_params {
    nnc_pad_params(
      rank: rank, x_shape: cDims(xShape), pad_before: cDims(padBefore), pad_after: cDims(padAfter), mode: modeCode,
      constant_value: .nan)
  }
}

extension SoftmaxParams {
  var c: nnc_softmax_params { nnc_softmax_params(outer: outer, axis_size: axisSize, inner: inner) }
}
