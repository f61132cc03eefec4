/// Output shapes of every op, with the checks that make a graph safe to run and to emit.
///
/// Follows nnabla's shape rules (`functions.yaml` and the `setup_impl` of each function).
public enum ShapeInference {
  /// The shape of the single output of `op` applied to inputs of `inputs` shapes.
  public static func outputShape(of op: Op, inputs: [[Int]]) throws(ShapeError) -> [Int] {
    try outputShapes(of: op, inputs: inputs)[0]
  }

  /// The shapes of every output of `op` (one, except for multi-output functions).
  public static func outputShapes(of op: Op, inputs: [[Int]]) throws(ShapeError) -> [[Int]] {
    let shapes: [[Int]]
    if case .function(let f) = op {
      try checkArity(op, type(of: f.function).inputArity, inputs.count)
      shapes = try f.function.outputShapes(inputs)
      guard !shapes.isEmpty else { throw ShapeError("\(op.typeName) has no outputs") }
    } else {
      shapes = [try inferShape(op, inputs)]
    }
    for shape in shapes {
      _ = try ShapeLimits.elementCount(shape)
      // An empty tensor (0 output channels, an empty slice) has nothing to compute and would
      // divide by zero in per-channel arithmetic downstream.
      if let axis = shape.firstIndex(of: 0) {
        throw ShapeError("\(op.typeName) output \(shape) is empty (axis \(axis) has size 0)")
      }
    }
    return shapes
  }

  private static func checkArity(_ op: Op, _ arity: ClosedRange<Int>, _ count: Int) throws(ShapeError) {
    guard arity.contains(count) else {
      let expected = arity.lowerBound == arity.upperBound ? "\(arity.lowerBound)" : arity.upperBound == Int.max ? "\(arity.lowerBound) or more" : "\(arity.lowerBound) to \(arity.upperBound)"
      throw ShapeError("\(op.typeName) takes \(expected) inputs, got \(count)")
    }
  }

  /// How many inputs an op takes: the range allowed.
  static func inputArity(_ op: Op) -> ClosedRange<Int> {
    switch op {
    case .affine, .convolution, .depthwiseConvolution, .deconvolution: 2...3
    case .batchNormalization: 5...5
    case .add2, .sub2, .mul2, .div2: 2...2
    case .concatenate: 1...Int.max
    default: 1...1
    }
  }

  private static func inferShape(_ op: Op, _ inputs: [[Int]]) throws(ShapeError) -> [Int] {
    try checkArity(op, inputArity(op), inputs.count)
    let x = inputs[0]
    switch op {
    case .affine(let a):
      return try affine(x, weight: inputs[1], bias: inputs.count > 2 ? inputs[2] : nil, a)
    case .convolution(let a):
      return try convolution(x, weight: inputs[1], bias: inputs.count > 2 ? inputs[2] : nil, a)
    case .depthwiseConvolution(let a):
      return try depthwise(x, weight: inputs[1], bias: inputs.count > 2 ? inputs[2] : nil, a)
    case .deconvolution(let a):
      return try deconvolution(x, weight: inputs[1], bias: inputs.count > 2 ? inputs[2] : nil, a)
    case .batchNormalization(let a):
      return try batchNormalization(x, stats: Array(inputs[1...]), a)
    case .maxPooling(let a), .averagePooling(let a), .sumPooling(let a):
      return try pooling(x, a, op.typeName)
    case .globalAveragePooling:
      guard x.count >= 2 else { throw ShapeError("GlobalAveragePooling needs rank ≥ 2, got \(x)") }
      return [x[0], x[1]] + [Int](repeating: 1, count: max(x.count - 2, 2))
    case .relu, .relu6, .leakyReLU, .elu, .sigmoid, .tanh, .swish, .addScalar, .mulScalar,
      .dropout, .identity:
      return x
    case .softmax(let axis):
      guard axis >= 0, axis < x.count else { throw ShapeError("Softmax axis \(axis) out of range for shape \(x)") }
      return x
    case .add2, .sub2, .mul2, .div2:
      return try broadcast(x, inputs[1], op.typeName)
    case .concatenate(let axis):
      return try concatenate(inputs, axis: axis)
    case .reshape(let shape):
      let target = try ShapeLimits.elementCount(shape)
      let source = try ShapeLimits.elementCount(x)
      guard target == source else {
        throw ShapeError("Reshape from \(x) (\(source) elements) to \(shape) (\(target) elements)")
      }
      return shape
    case .transpose(let axes):
      guard axes.count == x.count, Set(axes) == Set(0..<x.count) else {
        throw ShapeError("Transpose axes \(axes) are not a permutation of 0..<\(x.count)")
      }
      return axes.map { x[$0] }
    case .slice(let a):
      return try slice(x, a)
    case .pad(let a):
      return try pad(x, a)
    case .function:
      preconditionFailure("functions infer their own shapes (outputShapes)")
    }
  }

  private static func affine(_ x: [Int], weight w: [Int], bias b: [Int]?, _ a: AffineAttributes) throws(ShapeError) -> [Int] {
    guard a.baseAxis >= 0, a.baseAxis < x.count else {
      throw ShapeError("Affine base_axis \(a.baseAxis) out of range for input \(x)")
    }
    let inFeatures = try ShapeLimits.elementCount(Array(x[a.baseAxis...]))
    guard w.count >= 2, w[0] == inFeatures else {
      throw ShapeError("Affine weight \(w) does not match input \(x) (needs [\(inFeatures), outputs…])")
    }
    let outShape = Array(w[1...])
    if let b, try ShapeLimits.elementCount(b) != ShapeLimits.elementCount(outShape) {
      throw ShapeError("Affine bias \(b) does not match outputs \(outShape)")
    }
    return Array(x[..<a.baseAxis]) + outShape
  }

  /// Checks the channel axis and spatial rank shared by all convolution kinds.
  private static func spatialSetup(
    _ name: String, _ x: [Int], baseAxis: Int, kernel: [Int], pad: [Int], stride: [Int], dilation: [Int]
  ) throws(ShapeError) -> (channels: Int, spatial: [Int]) {
    guard baseAxis >= 0, baseAxis < x.count else {
      throw ShapeError("\(name) base_axis \(baseAxis) out of range for input \(x)")
    }
    let spatial = Array(x[(baseAxis + 1)...])
    let n = kernel.count
    guard n >= 1, spatial.count == n else {
      throw ShapeError("\(name) input \(x) has \(spatial.count) spatial axes but the kernel has \(n)")
    }
    guard pad.count == n, stride.count == n, dilation.count == n else {
      throw ShapeError("\(name) pad/stride/dilation need \(n) values each")
    }
    try ShapeLimits.check("\(name) kernel", kernel, in: 1...)
    try ShapeLimits.check("\(name) stride", stride, in: 1...)
    try ShapeLimits.check("\(name) dilation", dilation, in: 1...)
    try ShapeLimits.check("\(name) pad", pad, in: 0...)
    return (x[baseAxis], spatial)
  }

  private static func convolvedSize(_ name: String, _ input: [Int], kernel: [Int], pad: [Int], stride: [Int], dilation: [Int]) throws(ShapeError) -> [Int] {
    var out: [Int] = []
    for i in input.indices {
      let span = try ShapeLimits.multiply(dilation[i], kernel[i] - 1, "\(name) dilated kernel") + 1
      let padded = try ShapeLimits.add(input[i], ShapeLimits.multiply(2, pad[i], "\(name) pad"), "\(name) padded input")
      guard padded >= span else {
        throw ShapeError("\(name) kernel \(kernel) (dilated) is larger than the padded input \(input)")
      }
      out.append((padded - span) / stride[i] + 1)
    }
    return out
  }

  private static func checkBias(_ name: String, _ b: [Int]?, channels: Int) throws(ShapeError) {
    if let b, try ShapeLimits.elementCount(b) != channels {
      throw ShapeError("\(name) bias \(b) does not match \(channels) output channels")
    }
  }

  private static func convolution(_ x: [Int], weight w: [Int], bias b: [Int]?, _ a: ConvolutionAttributes) throws(ShapeError) -> [Int] {
    guard w.count >= 3 else { throw ShapeError("Convolution weight \(w) must be [out, in/group, k…]") }
    let kernel = Array(w[2...])
    let (channels, spatial) = try spatialSetup("Convolution", x, baseAxis: a.baseAxis, kernel: kernel, pad: a.pad, stride: a.stride, dilation: a.dilation)
    try ShapeLimits.check("Convolution group", [a.group], in: 1...)
    guard channels % a.group == 0, w[0] % a.group == 0, w[1] * a.group == channels else {
      throw ShapeError("Convolution weight \(w) with group \(a.group) does not match \(channels) input channels")
    }
    try checkBias("Convolution", b, channels: w[0])
    let out = try convolvedSize("Convolution", spatial, kernel: kernel, pad: a.pad, stride: a.stride, dilation: a.dilation)
    return Array(x[..<a.baseAxis]) + [w[0]] + out
  }

  private static func depthwise(_ x: [Int], weight w: [Int], bias b: [Int]?, _ a: DepthwiseConvolutionAttributes) throws(ShapeError) -> [Int] {
    guard w.count >= 2 else { throw ShapeError("DepthwiseConvolution weight \(w) must be [channels*multiplier, k…]") }
    let kernel = Array(w[1...])
    let (channels, spatial) = try spatialSetup("DepthwiseConvolution", x, baseAxis: a.baseAxis, kernel: kernel, pad: a.pad, stride: a.stride, dilation: a.dilation)
    try ShapeLimits.check("DepthwiseConvolution multiplier", [a.multiplier], in: 1...)
    guard try w[0] == ShapeLimits.multiply(channels, a.multiplier, "DepthwiseConvolution channels × multiplier") else {
      throw ShapeError("DepthwiseConvolution weight \(w) does not match \(channels) channels × multiplier \(a.multiplier)")
    }
    try checkBias("DepthwiseConvolution", b, channels: w[0])
    let out = try convolvedSize("DepthwiseConvolution", spatial, kernel: kernel, pad: a.pad, stride: a.stride, dilation: a.dilation)
    return Array(x[..<a.baseAxis]) + [w[0]] + out
  }

  private static func deconvolution(_ x: [Int], weight w: [Int], bias b: [Int]?, _ a: DeconvolutionAttributes) throws(ShapeError) -> [Int] {
    guard w.count >= 3 else { throw ShapeError("Deconvolution weight \(w) must be [in, out/group, k…]") }
    let kernel = Array(w[2...])
    let (channels, spatial) = try spatialSetup("Deconvolution", x, baseAxis: a.baseAxis, kernel: kernel, pad: a.pad, stride: a.stride, dilation: a.dilation)
    try ShapeLimits.check("Deconvolution group", [a.group], in: 1...)
    try ShapeLimits.check("Deconvolution output_padding", a.outputPadding, in: 0...)
    guard w[0] == channels, channels % a.group == 0 else {
      throw ShapeError("Deconvolution weight \(w) with group \(a.group) does not match \(channels) input channels")
    }
    guard a.outputPadding.count == kernel.count else {
      throw ShapeError("Deconvolution output_padding needs \(kernel.count) values")
    }
    let outChannels = try ShapeLimits.multiply(w[1], a.group, "Deconvolution output channels")
    try checkBias("Deconvolution", b, channels: outChannels)
    var out: [Int] = []
    for i in spatial.indices {
      let what = "Deconvolution output size on spatial axis \(i)"
      let strided = try ShapeLimits.multiply(spatial[i] - 1, a.stride[i], what)
      let span = try ShapeLimits.multiply(a.dilation[i], kernel[i] - 1, what)
      let grown = try ShapeLimits.add(ShapeLimits.add(strided, span, what), 1 + a.outputPadding[i], what)
      let size = try grown - ShapeLimits.multiply(2, a.pad[i], "Deconvolution pad")
      guard size > 0 else { throw ShapeError("Deconvolution output size \(size) on spatial axis \(i) is not positive") }
      out.append(size)
    }
    return Array(x[..<a.baseAxis]) + [outChannels] + out
  }

  private static func batchNormalization(_ x: [Int], stats: [[Int]], _ a: BatchNormalizationAttributes) throws(ShapeError) -> [Int] {
    guard a.axes.count == 1, let axis = a.axes.first, axis >= 0, axis < x.count else {
      throw ShapeError("BatchNormalization axes \(a.axes) must name one axis of \(x)")
    }
    for s in stats where try ShapeLimits.elementCount(s) != x[axis] {
      throw ShapeError("BatchNormalization statistic \(s) does not match \(x[axis]) channels")
    }
    return x
  }

  private static func pooling(_ x: [Int], _ a: PoolingAttributes, _ name: String) throws(ShapeError) -> [Int] {
    let n = a.kernel.count
    guard n >= 1, x.count >= n, a.stride.count == n, a.pad.count == n else {
      throw ShapeError("\(name) kernel \(a.kernel), stride \(a.stride), pad \(a.pad) do not fit input \(x)")
    }
    try ShapeLimits.check("\(name) kernel", a.kernel, in: 1...)
    try ShapeLimits.check("\(name) stride", a.stride, in: 1...)
    try ShapeLimits.check("\(name) pad", a.pad, in: 0...)
    let lead = x.count - n
    var out = Array(x[..<lead])
    for i in 0..<n {
      let padded = try ShapeLimits.add(x[lead + i], ShapeLimits.multiply(2, a.pad[i], "\(name) pad"), "\(name) padded input")
      if a.ignoreBorder {
        guard padded >= a.kernel[i] else {
          throw ShapeError("\(name) kernel \(a.kernel) is larger than the padded input \(x)")
        }
        out.append((padded - a.kernel[i]) / a.stride[i] + 1)
      } else {
        // nnabla (base_pooling.cpp): windows start at every stride step from -pad while the start
        // is still inside the input plus one pad; the pad counts once, and the last may be partial.
        out.append((x[lead + i] + a.pad[i] - 1) / a.stride[i] + 1)
      }
    }
    return out
  }

  /// numpy broadcasting: shapes aligned at the right, size-1 axes stretch.
  public static func broadcast(_ a: [Int], _ b: [Int], _ name: String = "broadcast") throws(ShapeError) -> [Int] {
    let rank = max(a.count, b.count)
    let pa = [Int](repeating: 1, count: rank - a.count) + a
    let pb = [Int](repeating: 1, count: rank - b.count) + b
    var out: [Int] = []
    for i in 0..<rank {
      if pa[i] == pb[i] || pb[i] == 1 { out.append(pa[i]) }
      else if pa[i] == 1 { out.append(pb[i]) }
      else { throw ShapeError("\(name) cannot broadcast \(a) with \(b)") }
    }
    return out
  }

  private static func concatenate(_ inputs: [[Int]], axis: Int) throws(ShapeError) -> [Int] {
    let first = inputs[0]
    guard axis >= 0, axis < first.count else { throw ShapeError("Concatenate axis \(axis) out of range for \(first)") }
    var out = first
    for s in inputs.dropFirst() {
      guard s.count == first.count,
        s.indices.allSatisfy({ $0 == axis || s[$0] == first[$0] })
      else { throw ShapeError("Concatenate inputs \(first) and \(s) differ off axis \(axis)") }
      out[axis] = try ShapeLimits.add(out[axis], s[axis], "Concatenate axis \(axis)")
    }
    return out
  }

  private static func slice(_ x: [Int], _ a: SliceAttributes) throws(ShapeError) -> [Int] {
    guard a.start.count == x.count, a.stop.count == x.count, a.step.count == x.count else {
      throw ShapeError("Slice start/stop/step need \(x.count) values for input \(x)")
    }
    try ShapeLimits.checkStep("Slice step", a.step)
    var out: [Int] = []
    for i in x.indices {
      let (start, stop, step) = (a.start[i], a.stop[i], a.step[i])
      if step > 0 {
        guard start >= 0, stop <= x[i], start <= stop else {
          throw ShapeError("Slice [\(start):\(stop):\(step)] is outside axis \(i) of size \(x[i])")
        }
        out.append((stop - start + step - 1) / step)
      } else {
        // Walking backwards: start in [-1, n-1], stop in [-1, start] (-1 = before index 0).
        guard step < 0, start < x[i], stop >= -1, stop <= start else {
          throw ShapeError("Slice [\(start):\(stop):\(step)] is outside axis \(i) of size \(x[i])")
        }
        out.append((start - stop - step - 1) / -step)
      }
    }
    return out
  }

  private static func pad(_ x: [Int], _ a: PadAttributes) throws(ShapeError) -> [Int] {
    let n = a.padWidth.count / 2
    guard a.padWidth.count % 2 == 0, n <= x.count else {
      throw ShapeError("Pad pad_width \(a.padWidth) must be (before, after) pairs for at most \(x.count) axes")
    }
    try ShapeLimits.check("Pad pad_width", a.padWidth, in: 0...)
    var out = x
    let lead = x.count - n
    for i in 0..<n {
      // Reflect wider than the axis is fine: nnabla bounces back and forth (kernels do the same).
      let what = "Pad axis \(lead + i)"
      out[lead + i] = try ShapeLimits.add(out[lead + i], ShapeLimits.add(a.padWidth[2 * i], a.padWidth[2 * i + 1], what), what)
    }
    return out
  }
}
