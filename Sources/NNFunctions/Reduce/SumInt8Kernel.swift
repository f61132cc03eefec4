import NNIR

/// The int8 Sum and Mean: the input codes less their zero point summed in int32 (exact), then one
/// requantization by `s_in / s_out` (Sum) or `s_in / (s_out · count)` (Mean) to the output's
/// codes, as `nnc_reduce_sum_s8` does.
struct SumInt8Kernel: Int8FunctionKernel {
  let reduction: ReductionAxes
  let inputShape: [Int]
  let inputOffset: Int32
  let requantization: QuantizedMultiplier
  let outputOffset: Int32

  init(_ reduction: ReductionAxes, mean: Bool, input: QuantParams, output: QuantParams, shape: [Int], tflite: Bool = false) throws {
    let count = reduction.count(shape)
    // |code − zero point| ≤ 255 per element: the int32 sum cannot overflow.
    guard count <= Int(Int32.max) / 255 else { throw ShapeError("int8 \(mean ? "Mean" : "Sum") over \(count) elements may overflow int32") }
    self.reduction = reduction
    inputShape = shape
    inputOffset = -input.zeroPoint
    requantization =
      mean && tflite
      ? .tfliteMean(Double(input.scale) / Double(output.scale), count: count)
      : QuantizedMultiplier(real: Double(input.scale) / (Double(output.scale) * (mean ? Double(count) : 1)))
    outputOffset = output.zeroPoint
  }

  func run(_ inputs: [[Int8]]) -> [Int8] {
    let (kept, reduced) = reduction.walk(inputShape)
    let outer = ReductionAxes.offsets(kept), inner = ReductionAxes.offsets(reduced)
    let x = inputs[0]
    return outer.map { base in
      var acc: Int32 = 0
      for r in inner { acc += Int32(x[base + r]) + inputOffset }
      let v = FixedPoint.requantize(acc, multiplier: requantization.multiplier, shift: requantization.shift)
      return FixedPoint.output(v, offset: outputOffset, min: -128, max: 127)
    }
  }

  func emitC(_ call: inout any CFunctionCall) throws -> [String] {
    let q = call.parameterStruct(
      "nnc_reduce_s8_params", "reduce_s8",
      [
        ("input_offset", "\(inputOffset)"), ("multiplier", "\(requantization.multiplier)"), ("shift", "\(requantization.shift)"),
        ("output_offset", "\(outputOffset)"),
      ])
    return try reduction.emitC("sum", &call, extra: ["&\(q)"])
  }
}
