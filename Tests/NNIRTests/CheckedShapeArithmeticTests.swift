import NNIR
import Testing

/// `ShapeLimits`: shape arithmetic fails with a message naming the values instead of trapping, and
/// shape inference stops every attribute near 2^62–2^63 before it reaches a product.
@Suite struct CheckedShapeArithmeticTests {
  func message(_ body: () throws(ShapeError) -> Any) -> String {
    do { _ = try body() } catch { return error.message }
    Issue.record("no error")
    return ""
  }

  @Test func multiplyAndAdd_reportTheOperandsOnOverflow() throws {
    #expect(try ShapeLimits.multiply(3, 7, "x") == 21)
    #expect(try ShapeLimits.add(-5, 7, "x") == 2)
    #expect(message { () throws(ShapeError) in try ShapeLimits.multiply(3, 1 << 62, "Deconvolution output size") }
      == "Deconvolution output size: 3 × 4611686018427387904 is more than 2147483647")
    #expect(message { () throws(ShapeError) in try ShapeLimits.multiply(Int.min, -1, "m") } == "m: -9223372036854775808 × -1 is more than 2147483647")
    #expect(message { () throws(ShapeError) in try ShapeLimits.add(Int.max, 1, "Pad axis 2") } == "Pad axis 2: 9223372036854775807 + 1 is more than 2147483647")
    // Within Int64 but past the int32 indices of the generated C.
    #expect(message { () throws(ShapeError) in try ShapeLimits.add(1 << 31, 0, "a") } == "a: 2147483648 + 0 is more than 2147483647")
  }

  @Test func check_namesTheFirstValueOutOfRange() throws {
    try ShapeLimits.check("stride", [1, ShapeLimits.maxElements], in: 1...)
    #expect(message { () throws(ShapeError) in try ShapeLimits.check("Convolution stride", [1, 0], in: 1...) } == "Convolution stride 0 must be ≥ 1")
    #expect(message { () throws(ShapeError) in try ShapeLimits.check("Convolution pad", [Int.max], in: 0...) }
      == "Convolution pad 9223372036854775807 must be at most 2147483647")
    #expect(message { () throws(ShapeError) in try ShapeLimits.checkStep("Slice step", [1, Int.min]) }
      == "Slice step -9223372036854775808 must be between -2147483647 and 2147483647")
    #expect(message { () throws(ShapeError) in try ShapeLimits.checkStep("Slice step", [0]) } == "Slice step must not be 0")
  }

  static let huge = [1 << 62, Int.max, Int.min, -1]
  static let conv = ConvolutionAttributes(pad: [0, 0], stride: [1, 1], dilation: [1, 1])

  /// Every attribute of every op, set to a hostile value, is an error that names the value.
  static let hostile: [(String, Op, [[Int]])] = huge.flatMap { v -> [(String, Op, [[Int]])] in
    let x = [1, 2, 5, 5], w = [2, 2, 3, 3], dw = [2, 3, 3], dx = [1, 2, 5, 5], dwt = [2, 1, 3, 3]
    var c = conv
    var cases: [(String, Op, [[Int]])] = []
    c = conv; c.pad = [v, 0]; cases.append(("Convolution pad", .convolution(c), [x, w]))
    c = conv; c.stride = [v, 1]; cases.append(("Convolution stride", .convolution(c), [x, w]))
    c = conv; c.dilation = [v, 1]; cases.append(("Convolution dilation", .convolution(c), [x, w]))
    c = conv; c.group = v; cases.append(("Convolution group", .convolution(c), [x, w]))
    var d = DepthwiseConvolutionAttributes(pad: [0, 0], stride: [1, 1], dilation: [1, 1])
    d.pad = [0, v]; cases.append(("DepthwiseConvolution pad", .depthwiseConvolution(d), [x, dw]))
    d.pad = [0, 0]; d.dilation = [v, 1]; cases.append(("DepthwiseConvolution dilation", .depthwiseConvolution(d), [x, dw]))
    d.dilation = [1, 1]; d.multiplier = v; cases.append(("DepthwiseConvolution multiplier", .depthwiseConvolution(d), [x, dw]))
    let dc = DeconvolutionAttributes(pad: [0, 0], stride: [1, 1], dilation: [1, 1], outputPadding: [0, 0])
    var e = dc; e.stride = [v, 1]; cases.append(("Deconvolution stride", .deconvolution(e), [dx, dwt]))
    e = dc; e.pad = [v, 0]; cases.append(("Deconvolution pad", .deconvolution(e), [dx, dwt]))
    e = dc; e.outputPadding = [v, 0]; cases.append(("Deconvolution output_padding", .deconvolution(e), [dx, dwt]))
    e = dc; e.group = v; cases.append(("Deconvolution group", .deconvolution(e), [dx, dwt]))
    for (name, make) in [("MaxPooling", Op.maxPooling), ("AveragePooling", Op.averagePooling), ("SumPooling", Op.sumPooling)] {
      for ignoreBorder in [true, false] {
        cases.append(("\(name) pad", make(PoolingAttributes(kernel: [2, 2], stride: [2, 2], ignoreBorder: ignoreBorder, pad: [v, 0])), [x]))
      }
    }
    cases.append(("Pad pad_width", .pad(PadAttributes(padWidth: [v, v], mode: .constant, constantValue: 0)), [x]))
    if v != -1 { cases.append(("Slice step", .slice(SliceAttributes(start: [0], stop: [5], step: [v])), [[5]])) }
    return cases
  }

  @Test(arguments: hostile.indices)
  func hostileAttribute_isAnErrorNamingIt(_ i: Int) {
    let (name, op, inputs) = Self.hostile[i]
    let m = message { () throws(ShapeError) in try ShapeInference.outputShape(of: op, inputs: inputs) }
    #expect(m.hasPrefix(name), "\(op): \(m)")
  }

  @Test func sumsNearTheLimit_areErrorsNotTraps() {
    // Each attribute is in range, but pad + input leaves it.
    var c = Self.conv
    c.pad = [ShapeLimits.maxElements, 0]
    #expect(message { () throws(ShapeError) in try ShapeInference.outputShape(of: .convolution(c), inputs: [[1, 2, 5, 5], [2, 2, 3, 3]]) }
      == "Convolution pad: 2 × 2147483647 is more than 2147483647")
    let pad = PadAttributes(padWidth: [ShapeLimits.maxElements, 1], mode: .constant, constantValue: 0)
    #expect(message { () throws(ShapeError) in try ShapeInference.outputShape(of: .pad(pad), inputs: [[3]]) }
      == "Pad axis 0: 2147483647 + 1 is more than 2147483647")
    #expect(message { () throws(ShapeError) in try ShapeInference.outputShape(of: .reshape(shape: [1 << 32, 1 << 32]), inputs: [[4]]) }
      .contains("[4294967296, 4294967296] has more than 2147483647 elements"))
  }

  @Test func emptyOutput_isAnError() {
    // 0 output channels would divide by zero in the per-channel int8 arithmetic.
    #expect(message { () throws(ShapeError) in try ShapeInference.outputShape(of: .convolution(Self.conv), inputs: [[1, 2, 5, 5], [0, 2, 3, 3]]) }
      == "Convolution output [1, 0, 3, 3] is empty (axis 1 has size 0)")
  }
}
