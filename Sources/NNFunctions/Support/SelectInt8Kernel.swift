import NNIR

/// int8 Minimum2 / Maximum2 (`nnc_minimum2_s8`, `nnc_maximum2_s8`): each input's code rescaled to
/// the output's quantization, then the smaller / larger one. Rescaling is monotonic, so this is
/// the rescaled min / max exactly; the inputs keep their own ranges (moving the second input
/// into the first's, as data movement would, clips it when its range is wider).
struct SelectInt8Kernel: Int8FunctionKernel {
  var takesMaximum: Bool
  var shapes: (a: [Int], b: [Int], y: [Int])
  var a: RescaleS8Params
  var b: RescaleS8Params

  init(takesMaximum: Bool, inputs: [QuantParams], output: QuantParams, shapes: [[Int]]) {
    self.takesMaximum = takesMaximum
    self.shapes = (shapes[0], shapes[1], shapes[2])
    func rescale(_ p: QuantParams) -> RescaleS8Params {
      let m = QuantizedMultiplier(real: Double(p.scale) / Double(output.scale))
      return RescaleS8Params(inputOffset: p.inputOffset, outputOffset: output.outputOffset, multiplier: m.multiplier, shift: m.shift)
    }
    a = rescale(inputs[0])
    b = rescale(inputs[1])
  }

  static func rescaled(_ x: Int8, _ r: RescaleS8Params) -> Int8 {
    FixedPoint.output(FixedPoint.requantize(Int32(x) + r.inputOffset, multiplier: r.multiplier, shift: r.shift), offset: r.outputOffset, min: -128, max: 127)
  }

  func run(_ inputs: [[Int8]]) -> [Int8] {
    let sa = broadcastStrides(shapes.a, to: shapes.y), sb = broadcastStrides(shapes.b, to: shapes.y)
    return (0..<shapes.y.reduce(1, *)).map { i in
      var rest = i, ia = 0, ib = 0
      for d in stride(from: shapes.y.count - 1, through: 0, by: -1) {
        let k = rest % shapes.y[d]
        rest /= shapes.y[d]
        ia += k * sa[d]
        ib += k * sb[d]
      }
      let ra = Self.rescaled(inputs[0][ia], a), rb = Self.rescaled(inputs[1][ib], b)
      return takesMaximum ? (ra > rb ? ra : rb) : (ra < rb ? ra : rb)
    }
  }

  func emitC(_ call: inout any CFunctionCall) throws -> [String] {
    let y = shapes.y
    guard y.count <= CLiteral.maxRank else { throw ShapeError("rank \(y.count) is above \(CLiteral.maxRank)") }
    let p = call.parameterStruct("nnc_binary_params", "binary", [
      ("rank", "\(y.count)"), ("shape", CLiteral.dims(y)),
      ("a_strides", CLiteral.dims(broadcastStrides(shapes.a, to: y))),
      ("b_strides", CLiteral.dims(broadcastStrides(shapes.b, to: y))),
    ])
    let q = call.parameterStruct("nnc_select2_s8_params", "select2", [
      ("a_offset", "\(a.inputOffset)"), ("a_multiplier", "\(a.multiplier)"), ("a_shift", "\(a.shift)"),
      ("b_offset", "\(b.inputOffset)"), ("b_multiplier", "\(b.multiplier)"), ("b_shift", "\(b.shift)"),
      ("output_offset", "\(a.outputOffset)"),
    ])
    let kernel = takesMaximum ? "nnc_maximum2_s8" : "nnc_minimum2_s8"
    return ["\(kernel)(&\(p), &\(q), \(call.input(0)), \(call.input(1)), \(call.output(0)));"]
  }
}
