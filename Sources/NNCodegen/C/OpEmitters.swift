import NNIR

/// Turns one node into calls of the float32 runtime kernels (`runtime-c/`).
///
/// Every size a kernel needs is computed here, at compile time, and stored in a `static const`
/// parameter struct, so the kernels do no shape arithmetic and the C stays easy to read.
enum OpEmitters {
  static func emit(_ node: Node, _ c: inout EmitContext) throws -> EmittedCall {
    let x = node.inputs.first.map { c.shape($0) } ?? []
    let y = c.shape(node.outputs[0])
    let out = c.output(node.outputs[0])
    func arg(_ k: Int) -> String { c.input(node.inputs[k]) }
    func optionalArg(_ k: Int) -> String { node.inputs.count > k ? arg(k) : "NULL" }

    switch node.op {
    case .affine(let a):
      let fields = [
        ("outer", x[..<a.baseAxis].reduce(1, *)),
        ("in_features", x[a.baseAxis...].reduce(1, *)),
        ("out_features", c.shape(node.inputs[1]).dropFirst().reduce(1, *)),
      ]
      let p = c.table("nnc_affine_params", "affine", designated(fields))
      return EmittedCall(
        lines: ["nnc_affine_f32(&\(p), \(arg(0)), \(arg(1)), \(optionalArg(2)), \(out));"],
        runtimeFiles: ["src/nnc_affine_f32.c"])

    case .convolution(let a):
      let p = try convolutionTable(
        &c, node, "nnc_conv_params", "conv", baseAxis: a.baseAxis, x: x, y: y, pad: a.pad, stride: a.stride,
        dilation: a.dilation, group: a.group)
      return EmittedCall(
        lines: ["nnc_conv_f32(&\(p), \(arg(0)), \(arg(1)), \(optionalArg(2)), \(out));"],
        runtimeFiles: ["src/nnc_conv_f32.c"])

    case .depthwiseConvolution(let a):
      // A depthwise convolution is a grouped one with one group per input channel; nnabla's weight
      // [inC * multiplier, k...] is already the grouped layout [outC, 1, k...].
      let p = try convolutionTable(
        &c, node, "nnc_conv_params", "conv", baseAxis: a.baseAxis, x: x, y: y, pad: a.pad, stride: a.stride,
        dilation: a.dilation, group: x[a.baseAxis])
      return EmittedCall(
        lines: ["nnc_conv_f32(&\(p), \(arg(0)), \(arg(1)), \(optionalArg(2)), \(out));"],
        runtimeFiles: ["src/nnc_conv_f32.c"])

    case .deconvolution(let a):
      let p = try convolutionTable(
        &c, node, "nnc_deconv_params", "deconv", baseAxis: a.baseAxis, x: x, y: y, pad: a.pad, stride: a.stride,
        dilation: a.dilation, group: a.group)
      return EmittedCall(
        lines: ["nnc_deconv_f32(&\(p), \(arg(0)), \(arg(1)), \(optionalArg(2)), \(out));"],
        runtimeFiles: ["src/nnc_deconv_f32.c"])

    case .batchNormalization(let a):
      guard a.axes.count == 1 else {
        throw unsupported(node, "BatchNormalization over \(a.axes.count) axes")
      }
      let axis = a.axes[0]
      let fields: [(String, String)] = [
        ("outer", "\(x[..<axis].reduce(1, *))"),
        ("channels", "\(x[axis])"),
        ("inner", "\(x[(axis + 1)...].reduce(1, *))"),
        ("eps", CNames.float(a.eps)),
      ]
      let p = c.table("nnc_batchnorm_params", "bn", designatedText(fields))
      return EmittedCall(
        lines: ["nnc_batchnorm_f32(&\(p), \(arg(0)), \(arg(1)), \(arg(2)), \(arg(3)), \(arg(4)), \(out));"],
        runtimeFiles: ["src/nnc_batchnorm_f32.c"])

    case .maxPooling(let a), .averagePooling(let a), .sumPooling(let a):
      let n = a.kernel.count
      guard n == 1 || n == 2 else { throw unsupported(node, "\(n)-D pooling") }
      let lift = { (v: [Int], fill: Int) in [Int](repeating: fill, count: 2 - v.count) + v }
      let inSpatial = lift(Array(x.suffix(n)), 1)
      let outSpatial = lift(Array(y.suffix(n)), 1)
      let (k, s, pd) = (lift(a.kernel, 1), lift(a.stride, 1), lift(a.pad, 0))
      var includingPad = 0
      if case .averagePooling = node.op, a.includingPad { includingPad = 1 }
      let fields = [
        ("outer", x.dropLast(n).reduce(1, *)),
        ("in_h", inSpatial[0]), ("in_w", inSpatial[1]),
        ("out_h", outSpatial[0]), ("out_w", outSpatial[1]),
        ("kernel_h", k[0]), ("kernel_w", k[1]),
        ("stride_h", s[0]), ("stride_w", s[1]),
        ("pad_h", pd[0]), ("pad_w", pd[1]),
        ("including_pad", includingPad),
      ]
      let p = c.table("nnc_pool_params", "pool", designated(fields))
      let kernel: String
      switch node.op {
      case .maxPooling: kernel = "nnc_maxpool_f32"
      case .averagePooling: kernel = "nnc_avgpool_f32"
      default: kernel = "nnc_sumpool_f32"
      }
      return EmittedCall(lines: ["\(kernel)(&\(p), \(arg(0)), \(out));"], runtimeFiles: ["src/nnc_pool_f32.c"])

    case .globalAveragePooling:
      let fields = [("outer", x.prefix(2).reduce(1, *)), ("size", x.dropFirst(2).reduce(1, *))]
      let p = c.table("nnc_global_pool_params", "gpool", designated(fields))
      return EmittedCall(
        lines: ["nnc_global_avgpool_f32(&\(p), \(arg(0)), \(out));"], runtimeFiles: ["src/nnc_pool_f32.c"])

    case .relu: return unary("nnc_relu_f32", [], node, &c)
    case .relu6: return unary("nnc_relu6_f32", [], node, &c)
    case .leakyReLU(let alpha): return unary("nnc_leaky_relu_f32", [CNames.float(alpha)], node, &c)
    case .elu(let alpha): return unary("nnc_elu_f32", [CNames.float(alpha)], node, &c)
    case .sigmoid: return unary("nnc_sigmoid_f32", [], node, &c)
    case .tanh: return unary("nnc_tanh_f32", [], node, &c)
    case .swish: return unary("nnc_swish_f32", [], node, &c)
    case .addScalar(let v):
      return unary("nnc_add_scalar_f32", [CNames.float(Float(v))], node, &c, file: "src/nnc_arith_f32.c")
    case .mulScalar(let v):
      return unary("nnc_mul_scalar_f32", [CNames.float(Float(v))], node, &c, file: "src/nnc_arith_f32.c")

    case .softmax(let axis):
      let fields = [
        ("outer", x[..<axis].reduce(1, *)), ("axis_size", x[axis]), ("inner", x[(axis + 1)...].reduce(1, *)),
      ]
      let p = c.table("nnc_softmax_params", "softmax", designated(fields))
      return EmittedCall(lines: ["nnc_softmax_f32(&\(p), \(arg(0)), \(out));"], runtimeFiles: ["src/nnc_softmax_f32.c"])

    case .add2, .sub2, .mul2, .div2:
      let kernel = ["add2": "nnc_add2_f32", "sub2": "nnc_sub2_f32", "mul2": "nnc_mul2_f32", "div2": "nnc_div2_f32"]
      let p = try binaryTable(&c, node, a: x, b: c.shape(node.inputs[1]), y: y)
      let name = kernel[binaryName(node.op)]!
      return EmittedCall(lines: ["\(name)(&\(p), \(arg(0)), \(arg(1)), \(out));"], runtimeFiles: ["src/nnc_arith_f32.c"])

    case .concatenate(let axis):
      var lines: [String] = []
      var offset = 0
      let yInner = y[axis...].reduce(1, *)
      for k in node.inputs.indices {
        let xs = c.shape(node.inputs[k])
        let xInner = xs[axis...].reduce(1, *)
        let fields = [("outer", y[..<axis].reduce(1, *)), ("x_inner", xInner), ("y_inner", yInner), ("y_offset", offset)]
        let p = c.table("nnc_concatenate_params", "concat", designated(fields))
        lines.append("nnc_concatenate_f32(&\(p), \(arg(k)), \(out));")
        offset += xInner
      }
      return EmittedCall(lines: lines, runtimeFiles: ["src/nnc_concat_f32.c"])

    case .transpose(let axes):
      try checkRank(node, x)
      let strides = rowMajorStrides(x)
      let fields: [(String, String)] = [
        ("rank", "\(x.count)"), ("y_shape", dims(y)), ("x_strides", dims(axes.map { strides[$0] })),
      ]
      let p = c.table("nnc_transpose_params", "transpose", designatedText(fields))
      return EmittedCall(lines: ["nnc_transpose_f32(&\(p), \(arg(0)), \(out));"], runtimeFiles: ["src/nnc_transpose_f32.c"])

    case .slice(let a):
      try checkRank(node, x)
      let fields: [(String, String)] = [
        ("rank", "\(x.count)"), ("x_shape", dims(x)), ("start", dims(a.start)), ("step", dims(a.step)),
        ("y_shape", dims(y)),
      ]
      let p = c.table("nnc_slice_params", "slice", designatedText(fields))
      return EmittedCall(lines: ["nnc_slice_f32(&\(p), \(arg(0)), \(out));"], runtimeFiles: ["src/nnc_slice_f32.c"])

    case .pad(let a):
      try checkRank(node, x)
      let padded = a.padWidth.count / 2
      var before = [Int](repeating: 0, count: x.count)
      var after = before
      for i in 0..<padded {
        before[x.count - padded + i] = a.padWidth[2 * i]
        after[x.count - padded + i] = a.padWidth[2 * i + 1]
      }
      let mode: String
      switch a.mode {
      case .constant: mode = "NNC_PAD_CONSTANT"
      case .reflect: mode = "NNC_PAD_REFLECT"
      case .repeating: mode = "NNC_PAD_REPEAT"
      }
      let fields: [(String, String)] = [
        ("rank", "\(x.count)"), ("x_shape", dims(x)), ("pad_before", dims(before)), ("pad_after", dims(after)),
        ("mode", mode), ("constant_value", CNames.float(a.constantValue)),
      ]
      let p = c.table("nnc_pad_params", "pad", designatedText(fields))
      return EmittedCall(lines: ["nnc_pad_f32(&\(p), \(arg(0)), \(out));"], runtimeFiles: ["src/nnc_pad_f32.c"])

    case .reshape, .dropout, .identity:
      // The planner aliases these to their input where it can; otherwise the bytes are copied.
      if c.sharesBuffer(node.inputs[0], node.outputs[0]) { return EmittedCall(lines: [], runtimeFiles: []) }
      let count = c.count(node.outputs[0])
      return EmittedCall(
        lines: ["memcpy(\(out), \(arg(0)), (size_t)\(count) * sizeof(float));"], runtimeFiles: [])
    }
  }

  // MARK: - Helpers

  private static func unary(
    _ kernel: String, _ extra: [String], _ node: Node, _ c: inout EmitContext,
    file: String = "src/nnc_activation_f32.c"
  ) -> EmittedCall {
    let n = c.count(node.outputs[0])
    let args = ["\(n)"] + extra + [c.input(node.inputs[0]), c.output(node.outputs[0])]
    return EmittedCall(lines: ["\(kernel)(\(args.joined(separator: ", ")));"], runtimeFiles: [file])
  }

  /// The fields shared by `nnc_conv_params` and `nnc_deconv_params`. 1-D spatial maps become H = 1.
  private static func convolutionTable(
    _ c: inout EmitContext, _ node: Node, _ type: String, _ stem: String, baseAxis: Int, x: [Int], y: [Int],
    pad: [Int], stride: [Int], dilation: [Int], group: Int
  ) throws -> String {
    let n = x.count - baseAxis - 1
    guard n == 1 || n == 2 else { throw unsupported(node, "\(n)-D convolution") }
    let w = c.shape(node.inputs[1])
    let lift = { (v: [Int], fill: Int) in [Int](repeating: fill, count: 2 - v.count) + v }
    let inS = lift(Array(x.suffix(n)), 1)
    let outS = lift(Array(y.suffix(n)), 1)
    let k = lift(Array(w.suffix(n)), 1)
    let (s, p, d) = (lift(stride, 1), lift(pad, 0), lift(dilation, 1))
    let fields = [
      ("batch", x[..<baseAxis].reduce(1, *)),
      ("in_c", x[baseAxis]), ("in_h", inS[0]), ("in_w", inS[1]),
      ("out_c", y[baseAxis]), ("out_h", outS[0]), ("out_w", outS[1]),
      ("kernel_h", k[0]), ("kernel_w", k[1]),
      ("stride_h", s[0]), ("stride_w", s[1]),
      ("pad_h", p[0]), ("pad_w", p[1]),
      ("dilation_h", d[0]), ("dilation_w", d[1]),
      ("group", group),
    ]
    return c.table(type, stem, designated(fields))
  }

  private static func binaryTable(_ c: inout EmitContext, _ node: Node, a: [Int], b: [Int], y: [Int]) throws -> String {
    try checkRank(node, y)
    func strides(_ s: [Int]) -> [Int] {
      let aligned = [Int](repeating: 1, count: y.count - s.count) + s
      let rowMajor = rowMajorStrides(aligned)
      return aligned.indices.map { aligned[$0] == 1 ? 0 : rowMajor[$0] }
    }
    let fields: [(String, String)] = [
      ("rank", "\(y.count)"), ("shape", dims(y)), ("a_strides", dims(strides(a))), ("b_strides", dims(strides(b))),
    ]
    return c.table("nnc_binary_params", "binary", designatedText(fields))
  }

  private static func binaryName(_ op: Op) -> String {
    switch op {
    case .sub2: "sub2"
    case .mul2: "mul2"
    case .div2: "div2"
    default: "add2"
    }
  }

  private static func rowMajorStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    for i in stride(from: shape.count - 2, through: 0, by: -1) { strides[i] = strides[i + 1] * shape[i + 1] }
    return strides
  }

  /// The generic data-movement kernels take shapes up to `NNC_MAX_DIMS` axes.
  static let maxRank = 6

  private static func checkRank(_ node: Node, _ shape: [Int]) throws {
    guard shape.count <= maxRank else { throw unsupported(node, "rank \(shape.count) tensors (at most \(maxRank))") }
  }

  /// `{a, b, c, 0, 0, 0}`: an int32 array field padded to `NNC_MAX_DIMS` so no initializer is partial.
  private static func dims(_ values: [Int]) -> String {
    let padded = values + [Int](repeating: 0, count: max(0, maxRank - values.count))
    return "{" + padded.map(String.init).joined(separator: ", ") + "}"
  }

  private static func designated(_ fields: [(String, Int)]) -> String {
    designatedText(fields.map { ($0.0, String($0.1)) })
  }

  private static func designatedText(_ fields: [(String, String)]) -> String {
    "{" + fields.map { ".\($0.0) = \($0.1)" }.joined(separator: ", ") + "}"
  }

  private static func unsupported(_ node: Node, _ what: String) -> CodegenError {
    CodegenError("function '\(node.name)' (\(node.op.typeName)): \(what) has no C kernel yet")
  }
}
