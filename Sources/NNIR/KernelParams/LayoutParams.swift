// Swift twins of the float kernels' C parameter structs (runtime-c/include/nnc_spatial.h and
// nnc_pointwise.h) that the int8 kernels reuse unchanged. Field names are the C names in
// camelCase; fixed-size C arrays (`shape[NNC_MAX_DIMS]`) are Swift arrays of `rank` entries, and
// the code generator pads them with zeros. The int8 reference kernels (NNInterpreter's
// `Int8Kernels`) take these, so the Swift oracle and the emitted C read the same numbers.

/// `nnc_pool_params`: one pooling window geometry over `[outer, inH, inW]` (1-D: `inH` 1).
public struct PoolParams: Sendable, Equatable, Hashable {
  public var outer: Int32
  public var inH: Int32, inW: Int32
  public var outH: Int32, outW: Int32
  public var kernelH: Int32, kernelW: Int32
  public var strideH: Int32, strideW: Int32
  public var padH: Int32, padW: Int32
  /// Average pooling only: divide by the window clipped to the padded input (true) or by the
  /// number of real elements (false).
  public var includingPad: Bool

  public init(
    outer: Int32, inH: Int32, inW: Int32, outH: Int32, outW: Int32, kernelH: Int32, kernelW: Int32,
    strideH: Int32, strideW: Int32, padH: Int32, padW: Int32, includingPad: Bool
  ) {
    self.outer = outer
    self.inH = inH
    self.inW = inW
    self.outH = outH
    self.outW = outW
    self.kernelH = kernelH
    self.kernelW = kernelW
    self.strideH = strideH
    self.strideW = strideW
    self.padH = padH
    self.padW = padW
    self.includingPad = includingPad
  }

  public var inputCount: Int { Int(outer) * Int(inH) * Int(inW) }
  public var outputCount: Int { Int(outer) * Int(outH) * Int(outW) }
}

/// `nnc_softmax_params`: softmax over the middle axis of `[outer, axisSize, inner]`.
public struct SoftmaxParams: Sendable, Equatable, Hashable {
  public var outer: Int32
  public var axisSize: Int32
  public var inner: Int32
  public init(outer: Int32, axisSize: Int32, inner: Int32) {
    self.outer = outer
    self.axisSize = axisSize
    self.inner = inner
  }
  public var count: Int { Int(outer) * Int(axisSize) * Int(inner) }
}

/// `nnc_concatenate_params`: where one input `[outer, xInner]` goes in `y [outer, yInner]`.
public struct ConcatenateParams: Sendable, Equatable, Hashable {
  public var outer: Int32
  public var xInner: Int32
  public var yInner: Int32
  public var yOffset: Int32
  public init(outer: Int32, xInner: Int32, yInner: Int32, yOffset: Int32) {
    self.outer = outer
    self.xInner = xInner
    self.yInner = yInner
    self.yOffset = yOffset
  }
}

/// `nnc_transpose_params`: `y[j…] = x[Σ j_i · xStrides[i]]`.
public struct TransposeParams: Sendable, Equatable, Hashable {
  public var yShape: [Int32]
  public var xStrides: [Int32]
  public init(yShape: [Int32], xStrides: [Int32]) {
    precondition(yShape.count == xStrides.count && yShape.count <= 6, "transpose rank mismatch or above NNC_MAX_DIMS")
    self.yShape = yShape
    self.xStrides = xStrides
  }
  public var rank: Int32 { Int32(yShape.count) }
}

/// `nnc_slice_params`: `y[j…] = x[start_i + j_i · step_i …]`.
public struct SliceParams: Sendable, Equatable, Hashable {
  public var xShape: [Int32]
  public var start: [Int32]
  public var step: [Int32]
  public var yShape: [Int32]
  public init(xShape: [Int32], start: [Int32], step: [Int32], yShape: [Int32]) {
    precondition(
      [start.count, step.count, yShape.count].allSatisfy { $0 == xShape.count } && xShape.count <= 6,
      "slice rank mismatch or above NNC_MAX_DIMS")
    self.xShape = xShape
    self.start = start
    self.step = step
    self.yShape = yShape
  }
  public var rank: Int32 { Int32(xShape.count) }
}

/// `nnc_pad_params` (without `constant_value`: the int8 kernel takes the quantized pad value as
/// an argument; the float emitter adds it). `mode` maps to `NNC_PAD_CONSTANT` / `_REFLECT` /
/// `_REPEAT` through `modeCode`.
public struct PadParams: Sendable, Equatable, Hashable {
  public var xShape: [Int32]
  public var padBefore: [Int32]
  public var padAfter: [Int32]
  public var mode: PadAttributes.Mode
  public init(xShape: [Int32], padBefore: [Int32], padAfter: [Int32], mode: PadAttributes.Mode) {
    precondition(
      padBefore.count == xShape.count && padAfter.count == xShape.count && xShape.count <= 6,
      "pad rank mismatch or above NNC_MAX_DIMS")
    self.xShape = xShape
    self.padBefore = padBefore
    self.padAfter = padAfter
    self.mode = mode
  }
  public var rank: Int32 { Int32(xShape.count) }
  public var yShape: [Int32] { xShape.indices.map { padBefore[$0] + xShape[$0] + padAfter[$0] } }
  /// The value of `nnc_pad_params.mode`.
  public var modeCode: Int32 {
    switch mode {
    case .constant: return 0
    case .reflect: return 1
    case .repeating: return 2
    }
  }
}
