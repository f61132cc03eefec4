import NNIR

/// Random int8 kernel cases shared by the C-vs-Swift sweeps (`Int8CKernelTests`) and the
/// int8-vs-float checks (`Int8VsFloatTests`). Each case carries its integer parameters and the
/// float meaning of its numbers (scales, zero points, geometry as attribute lists), and prints
/// itself so a failing case can be read off the test log.
public enum Int8Cases {
  /// Activation quantization: scales from 0.004 to 0.25, zero points anywhere in int8 (the ends
  /// included).
  public static func quant(_ rng: inout SeededRandom) -> QuantParams {
    let scale = Float(Double(sign: .plus, exponent: rng.int(-8 ... -3), significand: rng.double(1...2)))
    let zp: Int32 = rng.oneIn(6) ? rng.pick([-128, 127, 0]) : rng.int32(-128...127)
    return QuantParams(scale: scale, zeroPoint: zp)
  }

  /// `ignoreBorder ? (in + 2p − k)/s + 1 : (in + p − 1)/s + 1` (nnabla pooling).
  public static func poolOutputSize(_ input: Int, kernel: Int, stride: Int, pad: Int, ignoreBorder: Bool) -> Int {
    ignoreBorder ? (input + 2 * pad - kernel) / stride + 1 : (input + pad - 1) / stride + 1
  }

  // MARK: - Convolution

  public struct Conv: CustomStringConvertible, Sendable {
    public var params: ConvS8Params
    public var x: [Int8]
    public var weight: [Int8]
    public var bias: [Int32]?
    public var input: QuantParams
    public var weightScales: [Float]
    public var output: QuantParams
    public var multipliers: [QuantizedMultiplier]
    /// Height, width (height 1 for a 1-D case).
    public var kernel: [Int], stride: [Int], pad: [Int], dilation: [Int]

    /// Sets the output quantization and the per-channel multipliers `s_in · s_w[c] / s_out`.
    public mutating func setOutput(_ q: QuantParams) {
      output = q
      params.outputOffset = q.outputOffset
      multipliers = QuantizedMultiplier.perChannel(
        inputScale: input.scale, weightScales: weightScales, outputScale: q.scale)
    }

    public var description: String {
      let p = params
      return "conv x[\(p.batch),\(p.inC),\(p.inH),\(p.inW)] w[\(p.outC),\(p.inC / p.group),\(p.kernelH),\(p.kernelW)] "
        + "group \(p.group) stride \(stride) pad \(pad) dil \(dilation) bias \(bias != nil) in \(input) out \(output) "
        + "act \(p.actMin)...\(p.actMax)"
    }
  }

  /// A random convolution: channel counts 1, 3, 5, 7 or 16, odd and even sizes, stride 1/2,
  /// padding 0/1/2, dilation 1/2; plain, grouped or depthwise (multiplier 1 or 2).
  public static func conv(_ rng: inout SeededRandom) -> Conv {
    let (inC, outC, group): (Int, Int, Int)
    switch rng.int(0...2) {
    case 0:
      (inC, outC, group) = (rng.pick([1, 3, 5, 7, 16]), rng.pick([1, 3, 5, 7, 16]), 1)
    case 1:
      let g = rng.pick([2, 3])
      (inC, outC, group) = (g * rng.pick([1, 2, 3]), g * rng.pick([1, 2, 3]), g)
    default:
      let c = rng.pick([1, 3, 5, 7, 16])
      (inC, outC, group) = (c, c * rng.pick([1, 2]), c)
    }
    let oneD = rng.oneIn(4)
    let small = inC * outC / group >= 48  // keep the big channel products quick in debug builds
    var input = [1, 1]
    var kernel = [1, 1]
    var stride = [1, 1]
    var pad = [0, 0]
    var dilation = [1, 1]
    var out = [1, 1]
    for axis in (oneD ? [1] : [0, 1]) {
      while true {
        input[axis] = rng.pick(small ? [1, 3, 4, 5] : [1, 3, 4, 5, 7, 9, 11])
        kernel[axis] = rng.pick([1, 2, 3, 3, 5])
        stride[axis] = rng.pick([1, 1, 2])
        pad[axis] = rng.pick([0, 1, 2])
        dilation[axis] = rng.pick([1, 1, 2])
        let span = dilation[axis] * (kernel[axis] - 1) + 1
        if input[axis] + 2 * pad[axis] >= span {
          out[axis] = (input[axis] + 2 * pad[axis] - span) / stride[axis] + 1
          break
        }
      }
    }
    let batch = rng.int(1...2)
    let inQ = quant(&rng)
    let weightScales = (0..<outC).map { _ in Float(rng.double(0.002...0.05)) }
    let weightCount = outC * (inC / group) * kernel[0] * kernel[1]
    let params = ConvS8Params(
      batch: Int32(batch), inC: Int32(inC), inH: Int32(input[0]), inW: Int32(input[1]), outC: Int32(outC),
      outH: Int32(out[0]), outW: Int32(out[1]), kernelH: Int32(kernel[0]), kernelW: Int32(kernel[1]),
      strideH: Int32(stride[0]), strideW: Int32(stride[1]), padH: Int32(pad[0]), padW: Int32(pad[1]),
      dilationH: Int32(dilation[0]), dilationW: Int32(dilation[1]), group: Int32(group),
      inputOffset: inQ.inputOffset, outputOffset: 0)
    var c = Conv(
      params: params, x: rng.int8s(params.inputCount), weight: rng.weights(weightCount),
      bias: rng.oneIn(4) ? nil : (0..<outC).map { _ in rng.int32(-30_000...30_000) }, input: inQ,
      weightScales: weightScales, output: inQ, multipliers: [], kernel: kernel, stride: stride, pad: pad,
      dilation: dilation)
    c.setOutput(quant(&rng))
    return c
  }

  // MARK: - Affine

  public struct Affine: CustomStringConvertible, Sendable {
    public var params: AffineS8Params
    public var x: [Int8]
    /// `[outFeatures][inFeatures]`, the C kernel's layout.
    public var weight: [Int8]
    public var bias: [Int32]?
    public var input: QuantParams
    public var weightScales: [Float]
    public var output: QuantParams
    public var multipliers: [QuantizedMultiplier]

    public mutating func setOutput(_ q: QuantParams) {
      output = q
      params.outputOffset = q.outputOffset
      multipliers = QuantizedMultiplier.perChannel(
        inputScale: input.scale, weightScales: weightScales, outputScale: q.scale)
    }

    public var description: String {
      "affine x[\(params.outer),\(params.inFeatures)] → \(params.outFeatures) bias \(bias != nil) in \(input) out \(output) "
        + "act \(params.actMin)...\(params.actMax)"
    }
  }

  public static func affine(_ rng: inout SeededRandom) -> Affine {
    let outer = rng.int(1...3)
    let nIn = rng.pick([1, 3, 5, 7, 16, 33, 100])
    let nOut = rng.pick([1, 3, 5, 7, 16, 10])
    let inQ = quant(&rng)
    var a = Affine(
      params: AffineS8Params(
        outer: Int32(outer), inFeatures: Int32(nIn), outFeatures: Int32(nOut), inputOffset: inQ.inputOffset,
        outputOffset: 0),
      x: rng.int8s(outer * nIn), weight: rng.weights(nOut * nIn),
      bias: rng.oneIn(4) ? nil : (0..<nOut).map { _ in rng.int32(-30_000...30_000) }, input: inQ,
      weightScales: (0..<nOut).map { _ in Float(rng.double(0.002...0.05)) }, output: inQ, multipliers: [])
    a.setOutput(quant(&rng))
    return a
  }

  // MARK: - Pooling

  public struct Pool: CustomStringConvertible, Sendable {
    public var geometry: PoolParams
    public var x: [Int8]
    public var input: QuantParams
    /// Height, width (height 1 for a 1-D case).
    public var kernel: [Int], stride: [Int], pad: [Int]
    public var ignoreBorder: Bool
    public var description: String {
      "pool x[\(geometry.outer),\(geometry.inH),\(geometry.inW)] k \(kernel) s \(stride) p \(pad) "
        + "ignoreBorder \(ignoreBorder) includingPad \(geometry.includingPad) in \(input)"
    }
  }

  /// Random pooling windows with `pad < kernel` (so every window holds a real element), both
  /// border modes and both divisors.
  public static func pool(_ rng: inout SeededRandom) -> Pool {
    let oneD = rng.oneIn(4)
    let ignoreBorder = rng.bool()
    var input = [1, 1]
    var kernel = [1, 1]
    var stride = [1, 1]
    var pad = [0, 0]
    var out = [1, 1]
    for axis in (oneD ? [1] : [0, 1]) {
      while true {
        input[axis] = rng.int(1...11)
        kernel[axis] = rng.int(1...4)
        stride[axis] = rng.int(1...3)
        pad[axis] = rng.int(0...(kernel[axis] - 1))
        if !ignoreBorder || input[axis] + 2 * pad[axis] >= kernel[axis] { break }
      }
      out[axis] = poolOutputSize(
        input[axis], kernel: kernel[axis], stride: stride[axis], pad: pad[axis], ignoreBorder: ignoreBorder)
    }
    let outer = rng.int(1...2) * rng.pick([1, 3, 5])
    let geometry = PoolParams(
      outer: Int32(outer), inH: Int32(input[0]), inW: Int32(input[1]), outH: Int32(out[0]), outW: Int32(out[1]),
      kernelH: Int32(kernel[0]), kernelW: Int32(kernel[1]), strideH: Int32(stride[0]), strideW: Int32(stride[1]),
      padH: Int32(pad[0]), padW: Int32(pad[1]), includingPad: rng.bool())
    return Pool(
      geometry: geometry, x: rng.int8s(geometry.inputCount), input: quant(&rng), kernel: kernel, stride: stride,
      pad: pad, ignoreBorder: ignoreBorder)
  }

  // MARK: - Broadcasting binary ops

  public struct Binary: CustomStringConvertible, Sendable {
    public var aShape: [Int], bShape: [Int], outShape: [Int]
    public var aStrides: [Int32], bStrides: [Int32]
    public var a: [Int8], b: [Int8]
    public var description: String { "a\(aShape) b\(bShape) → \(outShape)" }
  }

  /// Two random shapes that broadcast (size-1 and missing leading axes on either side), rank 0 to 4.
  public static func binary(_ rng: inout SeededRandom) -> Binary {
    let rank = rng.int(0...4)
    let outShape = (0..<rank).map { _ in rng.pick([1, 2, 3, 5]) }
    func side(_ rng: inout SeededRandom) -> [Int] {
      let drop = rng.oneIn(3) ? rng.int(0...rank) : 0
      return outShape[drop...].map { rng.oneIn(3) ? 1 : $0 }
    }
    let aShape = side(&rng)
    let bShape = side(&rng)
    let shape = (0..<rank).map { i in
      max(
        i < rank - aShape.count ? 1 : aShape[i - (rank - aShape.count)],
        i < rank - bShape.count ? 1 : bShape[i - (rank - bShape.count)])
    }
    return Binary(
      aShape: aShape, bShape: bShape, outShape: shape, aStrides: broadcastStrides(aShape, to: shape),
      bStrides: broadcastStrides(bShape, to: shape), a: rng.int8s(aShape.reduce(1, *)),
      b: rng.int8s(bShape.reduce(1, *)))
  }

  /// Row-major strides of `shape` along each axis of `outShape`, 0 where broadcast.
  public static func broadcastStrides(_ shape: [Int], to outShape: [Int]) -> [Int32] {
    var strides = [Int32](repeating: 0, count: outShape.count)
    var step = 1
    let lead = outShape.count - shape.count
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
      strides[lead + i] = (shape[i] == 1 && outShape[lead + i] != 1) ? 0 : Int32(step)
      step *= shape[i]
    }
    return strides
  }

  /// A random fused activation for `output`: none, ReLU or ReLU6 (as an int8 clamp), or a random
  /// narrower clamp.
  public static func activation(_ rng: inout SeededRandom, output: QuantParams) -> (min: Int32, max: Int32) {
    switch rng.int(0...3) {
    case 0: return output.activationRange(lower: 0, upper: .infinity)
    case 1: return output.activationRange(lower: 0, upper: 6)
    case 2:
      let lo = rng.int32(-128...100)
      return (lo, rng.int32(lo...127))
    default: return (-128, 127)
    }
  }
}
