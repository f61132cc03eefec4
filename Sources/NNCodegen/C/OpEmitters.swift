import NNIR

/// Turns one node into calls of the float32 runtime kernels (`runtime-c/`).
///
/// Every size a kernel needs is computed here, at compile time, and stored in a `static const`
/// parameter struct, so the kernels do no shape arithmetic and the C stays easy to read. The
/// runtime files a call needs are found from the calls themselves (`RuntimeLibrary`).
enum OpEmitters {
  static func emit(_ node: Node, _ c: inout EmitContext) throws -> [String] {
    let x = node.inputs.first.map { c.shape($0) } ?? []
    let y = c.shape(node.outputs[0])
    let out = c.output(node.outputs[0])
    func arg(_ k: Int) -> String { c.input(node.inputs[k]) }
    func optionalArg(_ k: Int) -> String { node.inputs.count > k ? arg(k) : "NULL" }
    func table(_ type: String, _ stem: String, _ s: some CParameterStruct) -> String {
      c.table(type, stem, s.cInitializer)
    }

    switch node.op {
    case .affine(let a):
      let fields = [
        ("outer", x[..<a.baseAxis].reduce(1, *)),
        ("in_features", x[a.baseAxis...].reduce(1, *)),
        ("out_features", c.shape(node.inputs[1]).dropFirst().reduce(1, *)),
      ]
      let p = c.table("nnc_affine_params", "affine", CInitializer.designated(fields.map { ($0.0, "\($0.1)") }))
      return ["nnc_affine_f32(&\(p), \(arg(0)), \(arg(1)), \(optionalArg(2)), \(out));"]

    case .convolution(let a):
      let g = try geometry(node, c, baseAxis: a.baseAxis, pad: a.pad, stride: a.stride, dilation: a.dilation, group: a.group)
      // One group per input channel (how ONNX importers write depthwise): the depthwise kernel, same bits.
      let kernel = a.group > 1 && a.group == x[a.baseAxis] ? "nnc_dwconv_f32" : "nnc_conv_f32"
      return ["\(kernel)(&\(table("nnc_conv_params", "conv", g)), \(arg(0)), \(arg(1)), \(optionalArg(2)), \(out));"]

    case .depthwiseConvolution(let a):
      // A depthwise convolution is a grouped one with one group per input channel; nnabla's weight
      // [inC * multiplier, k...] is already the grouped layout [outC, 1, k...]. nnc_dwconv_f32 gives
      // nnc_conv_f32's bits without its per-tap bounds work.
      let g = try geometry(node, c, baseAxis: a.baseAxis, pad: a.pad, stride: a.stride, dilation: a.dilation, group: x[a.baseAxis])
      return ["nnc_dwconv_f32(&\(table("nnc_conv_params", "conv", g)), \(arg(0)), \(arg(1)), \(optionalArg(2)), \(out));"]

    case .deconvolution(let a):
      let g = try geometry(node, c, baseAxis: a.baseAxis, pad: a.pad, stride: a.stride, dilation: a.dilation, group: a.group)
      return ["nnc_deconv_f32(&\(table("nnc_deconv_params", "deconv", g)), \(arg(0)), \(arg(1)), \(optionalArg(2)), \(out));"]

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
      let p = c.table("nnc_batchnorm_params", "bn", CInitializer.designated(fields))
      return ["nnc_batchnorm_f32(&\(p), \(arg(0)), \(arg(1)), \(arg(2)), \(arg(3)), \(arg(4)), \(out));"]

    case .maxPooling(let a), .averagePooling(let a), .sumPooling(let a):
      guard var g = PoolParams(x: x, y: y, a) else { throw unsupported(node, "\(a.kernel.count)-D pooling") }
      let kernel: String
      switch node.op {
      case .maxPooling: kernel = "nnc_maxpool_f32"
      case .averagePooling: kernel = "nnc_avgpool_f32"
      default: kernel = "nnc_sumpool_f32"
      }
      if kernel != "nnc_avgpool_f32" { g.includingPad = false }  // only average pooling reads it
      return ["\(kernel)(&\(table("nnc_pool_params", "pool", g)), \(arg(0)), \(out));"]

    case .globalAveragePooling:
      let fields = [("outer", x.prefix(2).reduce(1, *)), ("size", x.dropFirst(2).reduce(1, *))]
      let p = c.table("nnc_global_pool_params", "gpool", CInitializer.designated(fields.map { ($0.0, "\($0.1)") }))
      return ["nnc_global_avgpool_f32(&\(p), \(arg(0)), \(out));"]

    case .relu: return unary("nnc_relu_f32", [], node, c)
    case .relu6: return unary("nnc_relu6_f32", [], node, c)
    case .leakyReLU(let alpha): return unary("nnc_leaky_relu_f32", [CNames.float(alpha)], node, c)
    case .elu(let alpha): return unary("nnc_elu_f32", [CNames.float(alpha)], node, c)
    case .sigmoid: return unary("nnc_sigmoid_f32", [], node, c)
    case .tanh: return unary("nnc_tanh_f32", [], node, c)
    case .swish: return unary("nnc_swish_f32", [], node, c)
    case .addScalar(let v): return unary("nnc_add_scalar_f32", [CNames.float(Float(v))], node, c)
    case .mulScalar(let v): return unary("nnc_mul_scalar_f32", [CNames.float(Float(v))], node, c)

    case .softmax(let axis):
      return ["nnc_softmax_f32(&\(table("nnc_softmax_params", "softmax", SoftmaxParams(x: x, axis: axis))), \(arg(0)), \(out));"]

    case .add2, .sub2, .mul2, .div2:
      try checkRank(node, y)
      let fields: [(String, String)] = [
        ("rank", "\(y.count)"), ("shape", CInitializer.dims(y)),
        ("a_strides", CInitializer.dims(broadcastStrides(x, to: y))),
        ("b_strides", CInitializer.dims(broadcastStrides(c.shape(node.inputs[1]), to: y))),
      ]
      let p = c.table("nnc_binary_params", "binary", CInitializer.designated(fields))
      let kernel: String
      switch node.op {
      case .sub2: kernel = "nnc_sub2_f32"
      case .mul2: kernel = "nnc_mul2_f32"
      case .div2: kernel = "nnc_div2_f32"
      default: kernel = "nnc_add2_f32"
      }
      return ["\(kernel)(&\(p), \(arg(0)), \(arg(1)), \(out));"]

    case .concatenate(let axis):
      let parts = ConcatenateParams.parts(inputs: node.inputs.map { c.shape($0) }, y: y, axis: axis)
      return parts.enumerated().map { k, part in
        "nnc_concatenate_f32(&\(table("nnc_concatenate_params", "concat", part)), \(arg(k)), \(out));"
      }

    case .transpose(let axes):
      try checkRank(node, x)
      return ["nnc_transpose_f32(&\(table("nnc_transpose_params", "transpose", TransposeParams(x: x, y: y, axes: axes))), \(arg(0)), \(out));"]

    case .slice(let a):
      try checkRank(node, x)
      return ["nnc_slice_f32(&\(table("nnc_slice_params", "slice", SliceParams(x: x, y: y, a))), \(arg(0)), \(out));"]

    case .pad(let a):
      try checkRank(node, x)
      let fields = PadParams(x: x, a).cFields + [("constant_value", CNames.float(a.constantValue))]
      let p = c.table("nnc_pad_params", "pad", CInitializer.designated(fields))
      return ["nnc_pad_f32(&\(p), \(arg(0)), \(out));"]

    case .reshape, .dropout, .identity:
      // The planner aliases these to their input where it can; otherwise the bytes are copied.
      if c.sharesBuffer(node.inputs[0], node.outputs[0]) { return [] }
      return ["memcpy(\(out), \(arg(0)), (size_t)\(c.count(node.outputs[0])) * sizeof(float));"]

    case .function(let f):
      return try FunctionCallContext.emit(f.function, name: node.name, inputs: node.inputs, outputs: node.outputs, elementType: .float32, &c)
    }
  }

  // MARK: - Helpers

  private static func unary(_ kernel: String, _ extra: [String], _ node: Node, _ c: EmitContext) -> [String] {
    let args = ["\(c.count(node.outputs[0]))"] + extra + [c.input(node.inputs[0]), c.output(node.outputs[0])]
    return ["\(kernel)(\(args.joined(separator: ", ")));"]
  }

  /// The geometry shared by `nnc_conv_params` and `nnc_deconv_params`.
  private static func geometry(
    _ node: Node, _ c: EmitContext, baseAxis: Int, pad: [Int], stride: [Int], dilation: [Int], group: Int
  ) throws -> ConvGeometry {
    let x = c.shape(node.inputs[0])
    guard let g = ConvGeometry(
      x: x, y: c.shape(node.outputs[0]), w: c.shape(node.inputs[1]), baseAxis: baseAxis, pad: pad, stride: stride,
      dilation: dilation, group: group)
    else { throw unsupported(node, "\(x.count - baseAxis - 1)-D convolution") }
    return g
  }

  /// The generic data-movement kernels take shapes up to `NNC_MAX_DIMS` axes.
  static var maxRank: Int { CInitializer.maxRank }

  static func checkRank(_ node: Node, _ shape: [Int]) throws {
    guard shape.count <= maxRank else { throw unsupported(node, "rank \(shape.count) tensors (at most \(maxRank))") }
  }

  private static func unsupported(_ node: Node, _ what: String) -> CodegenError {
    CodegenError("function '\(node.name)' (\(node.op.typeName)): \(what) has no C kernel yet")
  }
}
