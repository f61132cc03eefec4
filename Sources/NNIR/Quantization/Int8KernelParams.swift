// Swift twins of the int8 kernels' C parameter structs (runtime-c/include/nnc_int8.h): the same
// fields with the C names in camelCase. The code generator writes C initializers from these, and
// NNInterpreter's `Int8Kernels` runs on them, so both sides read the same numbers. Offsets are
// `-zeroPoint` for inputs and `+zeroPoint` for outputs; `actMin` / `actMax` are the fused
// activation in the int8 domain (see `QuantParams.activationRange`). The numbers are documented
// once, on `FixedPoint`.

/// `nnc_conv_s8_params`: `nnc_conv_params`' geometry plus the int8 offsets and clamp. The
/// per-output-channel multipliers and shifts are separate arrays (`out_multiplier`, `out_shift`).
public struct ConvS8Params: Sendable, Equatable, Hashable {
  public var batch: Int32
  public var inC: Int32, inH: Int32, inW: Int32
  public var outC: Int32, outH: Int32, outW: Int32
  public var kernelH: Int32, kernelW: Int32
  public var strideH: Int32, strideW: Int32
  public var padH: Int32, padW: Int32
  public var dilationH: Int32, dilationW: Int32
  public var group: Int32
  public var inputOffset: Int32
  public var outputOffset: Int32
  public var actMin: Int32, actMax: Int32

  public init(
    batch: Int32, inC: Int32, inH: Int32, inW: Int32, outC: Int32, outH: Int32, outW: Int32,
    kernelH: Int32, kernelW: Int32, strideH: Int32, strideW: Int32, padH: Int32, padW: Int32,
    dilationH: Int32, dilationW: Int32, group: Int32,
    inputOffset: Int32, outputOffset: Int32, actMin: Int32 = -128, actMax: Int32 = 127
  ) {
    self.batch = batch
    self.inC = inC
    self.inH = inH
    self.inW = inW
    self.outC = outC
    self.outH = outH
    self.outW = outW
    self.kernelH = kernelH
    self.kernelW = kernelW
    self.strideH = strideH
    self.strideW = strideW
    self.padH = padH
    self.padW = padW
    self.dilationH = dilationH
    self.dilationW = dilationW
    self.group = group
    self.inputOffset = inputOffset
    self.outputOffset = outputOffset
    self.actMin = actMin
    self.actMax = actMax
  }

  public var inputCount: Int { Int(batch) * Int(inC) * Int(inH) * Int(inW) }
  public var weightCount: Int { Int(outC) * Int(inC / group) * Int(kernelH) * Int(kernelW) }
  public var outputCount: Int { Int(batch) * Int(outC) * Int(outH) * Int(outW) }
}

/// `nnc_affine_s8_params`. The weight is `[outFeatures][inFeatures]` (nnabla's `[in, out]`
/// transposed at compile time).
public struct AffineS8Params: Sendable, Equatable, Hashable {
  public var outer: Int32
  public var inFeatures: Int32
  public var outFeatures: Int32
  public var inputOffset: Int32
  public var outputOffset: Int32
  public var actMin: Int32, actMax: Int32

  public init(
    outer: Int32, inFeatures: Int32, outFeatures: Int32, inputOffset: Int32, outputOffset: Int32,
    actMin: Int32 = -128, actMax: Int32 = 127
  ) {
    self.outer = outer
    self.inFeatures = inFeatures
    self.outFeatures = outFeatures
    self.inputOffset = inputOffset
    self.outputOffset = outputOffset
    self.actMin = actMin
    self.actMax = actMax
  }
}

/// `nnc_pool_s8_params` (average and sum pooling; max pooling takes the bare `PoolParams`).
public struct PoolS8Params: Sendable, Equatable, Hashable {
  public var geometry: PoolParams
  public var inputOffset: Int32
  public var outputOffset: Int32
  public var multiplier: Int32, shift: Int32
  public var actMin: Int32, actMax: Int32

  public init(
    geometry: PoolParams, inputOffset: Int32, outputOffset: Int32, multiplier: Int32, shift: Int32,
    actMin: Int32 = -128, actMax: Int32 = 127
  ) {
    self.geometry = geometry
    self.inputOffset = inputOffset
    self.outputOffset = outputOffset
    self.multiplier = multiplier
    self.shift = shift
    self.actMin = actMin
    self.actMax = actMax
  }
}

/// `nnc_global_pool_s8_params`.
public struct GlobalPoolS8Params: Sendable, Equatable, Hashable {
  public var outer: Int32
  public var size: Int32
  public var inputOffset: Int32
  public var outputOffset: Int32
  public var multiplier: Int32, shift: Int32

  public init(outer: Int32, size: Int32, inputOffset: Int32, outputOffset: Int32, multiplier: Int32, shift: Int32) {
    self.outer = outer
    self.size = size
    self.inputOffset = inputOffset
    self.outputOffset = outputOffset
    self.multiplier = multiplier
    self.shift = shift
  }
}

/// `nnc_add_s8_params`: TFLite's int8 Add (and Sub2: `bMultiplier` negated, or with `subtract`
/// set TFLite's own Sub, `a' − b'` after scaling b with its positive multiplier; they differ by one
/// unit of b' where b's product sits exactly half-way, which the output's rounding may show).
/// `shape` / `aStrides` / `bStrides` are `nnc_binary_params`' (stride 0 where broadcast).
public struct AddS8Params: Sendable, Equatable, Hashable {
  public var shape: [Int32]
  public var aStrides: [Int32]
  public var bStrides: [Int32]
  public var aOffset: Int32, bOffset: Int32
  public var leftShift: Int32
  public var aMultiplier: Int32, aShift: Int32
  public var bMultiplier: Int32, bShift: Int32
  public var outMultiplier: Int32, outShift: Int32
  public var outputOffset: Int32
  public var actMin: Int32, actMax: Int32
  /// 1: `y` from `a' − b'` (TFLite's Sub); 0: from `a' + b'`.
  public var subtract: Int32

  public init(
    shape: [Int32], aStrides: [Int32], bStrides: [Int32], aOffset: Int32, bOffset: Int32,
    leftShift: Int32, aMultiplier: Int32, aShift: Int32, bMultiplier: Int32, bShift: Int32,
    outMultiplier: Int32, outShift: Int32, outputOffset: Int32, actMin: Int32 = -128, actMax: Int32 = 127,
    subtract: Int32 = 0
  ) {
    precondition(
      aStrides.count == shape.count && bStrides.count == shape.count && shape.count <= 6,
      "add rank mismatch or above NNC_MAX_DIMS")
    self.shape = shape
    self.aStrides = aStrides
    self.bStrides = bStrides
    self.aOffset = aOffset
    self.bOffset = bOffset
    self.leftShift = leftShift
    self.aMultiplier = aMultiplier
    self.aShift = aShift
    self.bMultiplier = bMultiplier
    self.bShift = bShift
    self.outMultiplier = outMultiplier
    self.outShift = outShift
    self.outputOffset = outputOffset
    self.actMin = actMin
    self.actMax = actMax
    self.subtract = subtract
  }

  /// TFLite's parameters for `y = a + b` (or `a − b` when `subtract`): `leftShift` 20,
  /// `a: s_a / (2·max(s_a, s_b))`, `b: ±s_b / (2·max(s_a, s_b))`,
  /// `out: 2·max(s_a, s_b) / (2^20 · s_y)`, all in Double. `a − b` negates b's multiplier, or with
  /// `subtractAfterScaling` (TFLite's SUB kernel, for `.tflite` files) keeps it and subtracts b'.
  public init(
    shape: [Int32], aStrides: [Int32], bStrides: [Int32], a: QuantParams, b: QuantParams, output: QuantParams,
    subtract: Bool = false, subtractAfterScaling: Bool = false, actMin: Int32 = -128, actMax: Int32 = 127
  ) {
    let leftShift: Int32 = 20
    let twiceMax = 2 * max(Double(a.scale), Double(b.scale))
    let negate = subtract && !subtractAfterScaling
    let am = QuantizedMultiplier(real: Double(a.scale) / twiceMax)
    let bm = QuantizedMultiplier(real: (negate ? -1 : 1) * Double(b.scale) / twiceMax)
    let om = QuantizedMultiplier(real: twiceMax / (Double(1 << leftShift) * Double(output.scale)))
    self.init(
      shape: shape, aStrides: aStrides, bStrides: bStrides, aOffset: a.inputOffset, bOffset: b.inputOffset,
      leftShift: leftShift, aMultiplier: am.multiplier, aShift: am.shift, bMultiplier: bm.multiplier,
      bShift: bm.shift, outMultiplier: om.multiplier, outShift: om.shift, outputOffset: output.outputOffset,
      actMin: actMin, actMax: actMax, subtract: subtract && subtractAfterScaling ? 1 : 0)
  }

  public var rank: Int32 { Int32(shape.count) }
}

/// `nnc_mul_s8_params`: `y = requantize((qa + aOffset)·(qb + bOffset))`, multiplier
/// `s_a·s_b / s_y`.
public struct MulS8Params: Sendable, Equatable, Hashable {
  public var shape: [Int32]
  public var aStrides: [Int32]
  public var bStrides: [Int32]
  public var aOffset: Int32, bOffset: Int32
  public var outMultiplier: Int32, outShift: Int32
  public var outputOffset: Int32
  public var actMin: Int32, actMax: Int32

  public init(
    shape: [Int32], aStrides: [Int32], bStrides: [Int32], aOffset: Int32, bOffset: Int32,
    outMultiplier: Int32, outShift: Int32, outputOffset: Int32, actMin: Int32 = -128, actMax: Int32 = 127
  ) {
    precondition(
      aStrides.count == shape.count && bStrides.count == shape.count && shape.count <= 6,
      "mul rank mismatch or above NNC_MAX_DIMS")
    self.shape = shape
    self.aStrides = aStrides
    self.bStrides = bStrides
    self.aOffset = aOffset
    self.bOffset = bOffset
    self.outMultiplier = outMultiplier
    self.outShift = outShift
    self.outputOffset = outputOffset
    self.actMin = actMin
    self.actMax = actMax
  }

  /// The parameters for `y = a · b` with the given quantizations.
  public init(
    shape: [Int32], aStrides: [Int32], bStrides: [Int32], a: QuantParams, b: QuantParams, output: QuantParams,
    actMin: Int32 = -128, actMax: Int32 = 127
  ) {
    let m = QuantizedMultiplier(real: Double(a.scale) * Double(b.scale) / Double(output.scale))
    self.init(
      shape: shape, aStrides: aStrides, bStrides: bStrides, aOffset: a.inputOffset, bOffset: b.inputOffset,
      outMultiplier: m.multiplier, outShift: m.shift, outputOffset: output.outputOffset, actMin: actMin,
      actMax: actMax)
  }

  public var rank: Int32 { Int32(shape.count) }
}

/// `nnc_rescale_s8_params`: moves one input of a Concatenate to the output's quantization,
/// `y = clamp(requantize(x + inputOffset, multiplier, shift) + outputOffset, -128, 127)`.
public struct RescaleS8Params: Sendable, Equatable, Hashable {
  public var inputOffset: Int32
  public var outputOffset: Int32
  public var multiplier: Int32, shift: Int32

  public init(inputOffset: Int32, outputOffset: Int32, multiplier: Int32, shift: Int32) {
    self.inputOffset = inputOffset
    self.outputOffset = outputOffset
    self.multiplier = multiplier
    self.shift = shift
  }

  /// From `input`'s quantization to `output`'s (multiplier `s_in / s_out`); `nil` when they are
  /// the same, i.e. when the C kernel should be called with `r == NULL` (a plain copy).
  public init?(from input: QuantParams, to output: QuantParams) {
    if input == output { return nil }
    let m = QuantizedMultiplier(real: Double(input.scale) / Double(output.scale))
    self.init(
      inputOffset: input.inputOffset, outputOffset: output.outputOffset, multiplier: m.multiplier, shift: m.shift)
  }
}

/// TFLite's int8 SOFTMAX (`nnc_softmax_tfl_s8`): TFLM's fixed-point algorithm
/// (`reference/softmax.h`, parameters from `softmax_common.cc`), for imported int8 `.tflite`
/// models. The input enters only through `d = max − x`, a code difference in `0...255`, so the
/// Q5.26 scaling by `beta · s_in` and gemmlowp's `exp_on_negative_values` run here at compile
/// time: `expTable[d]` is `exp(−d · beta · s_in)` in Q0.31, and 0 where TFLite skips `d` (below
/// `diff_min`; the output there is −128 either way). At run time, per row: `sum = Σ
/// RDBP(expTable[d], 12)` (Q12.19), its reciprocal (`GetReciprocal`: Newton–Raphson in
/// gemmlowp's fixed point) and `y = RDBP(SRDHM(reciprocal, expTable[d]), bitsOverUnit + 23) − 128`.
/// The output is always (1/256, −128).
public struct SoftmaxTFLiteS8Params: Sendable, Equatable, Hashable {
  public var geometry: SoftmaxParams
  public var expTable: [Int32]

  public init(geometry: SoftmaxParams, expTable: [Int32]) {
    self.geometry = geometry
    self.expTable = expTable
  }

  /// TFLM's `Prepare` for `beta · inputScale` (formed in Double, as `PreprocessSoftmaxScaling`);
  /// nil where TFLM's own checks would fail: a scaled multiplier below 1 (a negative left
  /// shift), or an axis longer than 511 (the sum of exps would need a right shift over 31).
  public init?(geometry: SoftmaxParams, betaTimesInputScale: Double) {
    guard geometry.axisSize >= 1, geometry.axisSize <= 511, betaTimesInputScale > 0, betaTimesInputScale.isFinite else { return nil }
    let real = min(betaTimesInputScale * Double(1 << 26), Double((1 << 31) - 1))
    let m = QuantizedMultiplier(real: real)
    guard m.shift >= 0 else { return nil }
    let diffMin = -Int(Gemmlowp.inputRadius(integerBits: 5, leftShift: Int(m.shift)))
    let table: [Int32] = (0..<256).map { d in
      guard -d >= diffMin else { return 0 }
      // MultiplyByQuantizedMultiplierGreaterThanOne: SRDHM(x · 2^shift, multiplier).
      let rescaled = FixedPoint.saturatingRoundingDoublingHighMul(Int32(-d) &* (Int32(1) << m.shift), m.multiplier)
      return Gemmlowp.expOnNegativeValues(rescaled, integerBits: 5)
    }
    self.init(geometry: geometry, expTable: table)
  }
}
