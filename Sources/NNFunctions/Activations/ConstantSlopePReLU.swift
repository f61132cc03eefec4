import NNIR

/// PReLU with its slope known at compile time (what `PReLU` expands into when the slope is a
/// parameter): one input, the slopes inside, so the int8 kernel can fold each channel's slope
/// into the multiplier of the negative side. Not read from files (no registry line).
public struct ConstantSlopePReLU: NNFunction {
  public static let typeName = "PReLU"
  public static let paramName = "prelu_param"
  public static let inputArity: ClosedRange<Int> = 1...1
  public var slopes: [Float]
  var geometry: ChannelGeometry

  init(slopes: [Float], geometry: ChannelGeometry) {
    self.slopes = slopes
    self.geometry = geometry
  }

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    throw FunctionAttributeError("PReLU with a constant slope is made by expanding PReLU, not read")
  }

  public func outputShapes(_ inputs: [[Int]]) throws(ShapeError) -> [[Int]] {
    guard inputs[0].reduce(1, *) == geometry.outer * geometry.channels * geometry.inner else {
      throw ShapeError("PReLU: input \(inputs[0]) does not match its slope geometry")
    }
    return [inputs[0]]
  }

  public func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor] {
    let x = inputs[0]
    return [FloatTensor(shape: x.shape, values: x.values.indices.map { i in
      let v = x.values[i]
      return v >= 0 ? v : v * slopes[geometry.channel(i)]
    })]
  }

  public func emitC(_ call: inout any CFunctionCall) throws -> [String]? {
    let slope = call.constantFloat("prelu_slope", slopes)
    let g = geometry
    return ["nnc_prelu_f32(\(g.outer), \(g.channels), \(g.inner), \(call.input(0)), \(slope), \(call.output(0)));"]
  }

  public var int8: Int8Lowering { .custom }

  public func int8Kernel(inputs: [QuantParams], output: QuantParams, shapes: [[Int]]) throws -> any Int8FunctionKernel {
    let sx = Double(inputs[0].scale), sy = Double(output.scale)
    return PReLUInt8Kernel(
      geometry: geometry, inputOffset: inputs[0].inputOffset, outputOffset: output.outputOffset,
      positive: QuantizedMultiplier(real: sx / sy),
      negative: slopes.map { QuantizedMultiplier(real: sx * Double($0) / sy) })
  }
}

/// int8 PReLU (as TFLite's, with the slope folded in per channel): `acc = x − z_x`, requantized by
/// `s_x / s_y` when `acc ≥ 0` and by `s_x · slope[c] / s_y` otherwise; `nnc_prelu_s8`.
struct PReLUInt8Kernel: Int8FunctionKernel {
  var geometry: ChannelGeometry
  var inputOffset: Int32
  var outputOffset: Int32
  var positive: QuantizedMultiplier
  var negative: [QuantizedMultiplier]

  func run(_ inputs: [[Int8]]) -> [Int8] {
    inputs[0].indices.map { i in
      let acc = Int32(inputs[0][i]) + inputOffset
      let m = acc >= 0 ? positive : negative[geometry.channel(i)]
      return FixedPoint.output(m.apply(acc), offset: outputOffset, min: -128, max: 127)
    }
  }

  func emitC(_ call: inout any CFunctionCall) throws -> [String] {
    let g = geometry
    let params = call.parameterStruct("nnc_prelu_s8_params", "prelu", [
      ("outer", "\(g.outer)"), ("channels", "\(g.channels)"), ("inner", "\(g.inner)"),
      ("input_offset", "\(inputOffset)"), ("output_offset", "\(outputOffset)"),
      ("pos_multiplier", "\(positive.multiplier)"), ("pos_shift", "\(positive.shift)"),
    ])
    let multipliers = call.constantInt32("prelu_neg_multiplier", negative.map(\.multiplier))
    let shifts = call.constantInt32("prelu_neg_shift", negative.map(\.shift))
    return ["nnc_prelu_s8(&\(params), \(multipliers), \(shifts), \(call.input(0)), \(call.output(0)));"]
  }
}
