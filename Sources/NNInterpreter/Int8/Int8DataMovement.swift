import NNIR

extension Int8Kernels {
  /// `nnc_transpose_s8`: the float transpose's gather on bytes (y keeps x's quantization).
  public static func transpose(_ p: TransposeParams, x: [Int8]) -> [Int8] {
    DataMovement.stridedGather(x, shape: p.yShape.map(Int.init), offset: 0, strides: p.xStrides.map(Int.init))
  }

  /// `nnc_slice_s8`: the float slice's gather on bytes.
  public static func slice(_ p: SliceParams, x: [Int8]) -> [Int8] {
    let (offset, strides) = DataMovement.sliceWalk(
      xShape: p.xShape.map(Int.init), start: p.start.map(Int.init), step: p.step.map(Int.init))
    return DataMovement.stridedGather(x, shape: p.yShape.map(Int.init), offset: offset, strides: strides)
  }

  /// `nnc_pad_s8`: the float pad's index rules (`FloatKernels.padSourceIndex`) on bytes; constant
  /// mode writes `padValue` (the quantized constant).
  public static func pad(_ p: PadParams, padValue: Int8, x: [Int8]) -> [Int8] {
    precondition(x.count == p.xShape.reduce(1) { $0 * Int($1) }, "pad_s8: x size mismatch")
    return DataMovement.pad(
      x, xShape: p.xShape.map(Int.init), before: p.padBefore.map(Int.init), after: p.padAfter.map(Int.init), mode: p.mode,
      fill: padValue)
  }
}
