import NNIR

/// A tensor value while an `Int8Program` runs.
public enum ProgramValue: Sendable, Equatable {
  case int8([Int8])
  case float([Float])

  public var int8Values: [Int8]? { if case .int8(let v) = self { v } else { nil } }
  public var floatValues: [Float]? { if case .float(let v) = self { v } else { nil } }

  /// The bytes the C code holds for this tensor (little-endian floats).
  public var bytes: [UInt8] {
    switch self {
    case .int8(let v): return v.map { UInt8(bitPattern: $0) }
    case .float(let v):
      var out: [UInt8] = []
      out.reserveCapacity(v.count * 4)
      for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { out += $0 } }
      return out
    }
  }
}

/// The Swift int8 reference: runs an `Int8Program` step by step with the same integer arithmetic
/// as the C kernels, so the generated C must reproduce every step's bytes.
public enum Int8ProgramInterpreter {
  /// Every step's output, by program tensor index, for one sample (one float tensor per input).
  public static func runAll(_ program: Int8Program, inputs: [FloatTensor]) -> [Int: ProgramValue] {
    precondition(inputs.count == program.inputs.count, "expected \(program.inputs.count) inputs")
    var values: [Int: ProgramValue] = [:]
    for (t, tensor) in program.tensors.enumerated() {
      if let data = tensor.floatData { values[t] = .float(data.values) }
    }
    for (t, x) in zip(program.inputs, inputs) { values[t] = .float(x.values) }
    for step in program.steps {
      values[step.output] = run(step, program, values)
    }
    return values
  }

  /// The program's float outputs for one sample.
  public static func run(_ program: Int8Program, inputs: [FloatTensor]) -> [FloatTensor] {
    let values = runAll(program, inputs: inputs)
    return program.outputs.map { FloatTensor(shape: program.tensors[$0].shape, values: values[$0]!.floatValues!) }
  }

  static func run(_ step: ProgramStep, _ program: Int8Program, _ values: [Int: ProgramValue]) -> ProgramValue {
    func q(_ i: Int) -> [Int8] { values[step.inputs[i]]!.int8Values! }
    func f(_ i: Int) -> FloatTensor {
      FloatTensor(shape: program.tensors[step.inputs[i]].shape, values: values[step.inputs[i]]!.floatValues!)
    }
    let out = program.tensors[step.output]
    let k = Int8Kernels.self
    switch step.kernel {
    case .quantize:
      return .int8(k.quantize(f(0).values, out.quant!))
    case .dequantize:
      return .float(k.dequantize(q(0), program.tensors[step.inputs[0]].quant!))
    case .convolution(let c):
      let g = c.geometry
      let p = ConvS8Params(
        batch: i32(g.batch), inC: i32(g.inC), inH: i32(g.inH), inW: i32(g.inW), outC: i32(g.outC), outH: i32(g.outH),
        outW: i32(g.outW), kernelH: i32(g.kernelH), kernelW: i32(g.kernelW), strideH: i32(g.strideH), strideW: i32(g.strideW),
        padH: i32(g.padH), padW: i32(g.padW), dilationH: i32(g.dilationH), dilationW: i32(g.dilationW), group: i32(g.group),
        inputOffset: c.inputOffset, outputOffset: c.outputOffset, actMin: c.activationMin, actMax: c.activationMax)
      return .int8(k.convolution(p, x: q(0), weight: c.weights, bias: c.bias, outputMultiplier: c.multipliers, outputShift: c.shifts))
    case .affine(let a):
      let p = AffineS8Params(
        outer: i32(a.outer), inFeatures: i32(a.inFeatures), outFeatures: i32(a.outFeatures), inputOffset: a.inputOffset,
        outputOffset: a.outputOffset, actMin: a.activationMin, actMax: a.activationMax)
      return .int8(k.affine(p, x: q(0), weight: a.weights, bias: a.bias, outputMultiplier: a.multipliers, outputShift: a.shifts))
    case .maxPooling(let g):
      return .int8(k.maxPooling(poolParams(g), x: q(0)))
    case .averagePooling(let p), .sumPooling(let p):
      let r = p.requantization
      let params = PoolS8Params(
        geometry: poolParams(p.geometry), inputOffset: r.inputOffset, outputOffset: r.outputOffset, multiplier: r.multiplier,
        shift: r.shift, actMin: p.activationMin, actMax: p.activationMax)
      if case .averagePooling = step.kernel { return .int8(k.averagePooling(params, x: q(0))) }
      return .int8(k.sumPooling(params, x: q(0)))
    case .globalAveragePooling(let g):
      let r = g.requantization
      let p = GlobalPoolS8Params(
        outer: i32(g.outer), size: i32(g.size), inputOffset: r.inputOffset, outputOffset: r.outputOffset,
        multiplier: r.multiplier, shift: r.shift)
      return .int8(k.globalAveragePooling(p, x: q(0)))
    case .add(let a):
      let g = a.geometry
      let p = AddS8Params(
        shape: g.shape.map(i32), aStrides: g.aStrides.map(i32), bStrides: g.bStrides.map(i32), aOffset: a.aOffset,
        bOffset: a.bOffset, leftShift: a.leftShift, aMultiplier: a.aMultiplier, aShift: a.aShift, bMultiplier: a.bMultiplier,
        bShift: a.bShift, outMultiplier: a.outputMultiplier, outShift: a.outputShift, outputOffset: a.outputOffset,
        actMin: a.activationMin, actMax: a.activationMax)
      return .int8(k.add(p, q(0), q(1)))
    case .mul(let m):
      let g = m.geometry
      let p = MulS8Params(
        shape: g.shape.map(i32), aStrides: g.aStrides.map(i32), bStrides: g.bStrides.map(i32), aOffset: m.aOffset,
        bOffset: m.bOffset, outMultiplier: m.outputMultiplier, outShift: m.outputShift, outputOffset: m.outputOffset,
        actMin: m.activationMin, actMax: m.activationMax)
      return .int8(k.mul(p, q(0), q(1)))
    case .lookupTable(let table):
      return .int8(k.lookup(table, q(0)))
    case .clamp(let lo, let hi):
      return .int8(k.clamp(q(0), lo: lo, hi: hi))
    case .softmax(let axis):
      let x = program.tensors[step.inputs[0]].shape
      let p = SoftmaxParams(outer: i32(x[..<axis].reduce(1, *)), axisSize: i32(x[axis]), inner: i32(x[(axis + 1)...].reduce(1, *)))
      return .int8(k.softmax(p, input: program.tensors[step.inputs[0]].quant!, output: out.quant!, x: q(0)))
    case .concatenate(let axis, let rescales):
      var y = [Int8](repeating: 0, count: out.elementCount)
      let yInner = out.shape[axis...].reduce(1, *)
      var offset = 0
      for (i, t) in step.inputs.enumerated() {
        let xInner = program.tensors[t].shape[axis...].reduce(1, *)
        let p = ConcatenateParams(outer: i32(out.shape[..<axis].reduce(1, *)), xInner: i32(xInner), yInner: i32(yInner), yOffset: i32(offset))
        let r = rescales[i].map {
          RescaleS8Params(inputOffset: $0.inputOffset, outputOffset: $0.outputOffset, multiplier: $0.multiplier, shift: $0.shift)
        }
        k.concatenate(p, rescale: r, x: q(i), into: &y)
        offset += xInner
      }
      return .int8(y)
    case .transpose(let axes):
      let x = program.tensors[step.inputs[0]].shape
      let strides = FloatKernels.rowMajorStrides(x)
      return .int8(k.transpose(TransposeParams(yShape: out.shape.map(i32), xStrides: axes.map { i32(strides[$0]) }), x: q(0)))
    case .slice(let a):
      let x = program.tensors[step.inputs[0]].shape
      return .int8(k.slice(SliceParams(xShape: x.map(i32), start: a.start.map(i32), step: a.step.map(i32), yShape: out.shape.map(i32)), x: q(0)))
    case .pad(let a, let value):
      let x = program.tensors[step.inputs[0]].shape
      let n = a.padWidth.count / 2
      var before = [Int32](repeating: 0, count: x.count), after = before
      for i in 0..<n {
        before[x.count - n + i] = i32(a.padWidth[2 * i])
        after[x.count - n + i] = i32(a.padWidth[2 * i + 1])
      }
      return .int8(k.pad(PadParams(xShape: x.map(i32), padBefore: before, padAfter: after, mode: a.mode), padValue: value, x: q(0)))
    case .copy:
      return values[step.inputs[0]]!
    case .float(let op):
      var y = FloatInterpreter.evaluate(op, step.inputs.indices.map(f))
      y.shape = out.shape
      return .float(y.values)
    }
  }

  private static func i32(_ v: Int) -> Int32 { Int32(v) }

  private static func poolParams(_ g: PoolGeometry) -> PoolParams {
    PoolParams(
      outer: i32(g.outer), inH: i32(g.inH), inW: i32(g.inW), outH: i32(g.outH), outW: i32(g.outW), kernelH: i32(g.kernelH),
      kernelW: i32(g.kernelW), strideH: i32(g.strideH), strideW: i32(g.strideW), padH: i32(g.padH), padW: i32(g.padW),
      includingPad: g.includingPad)
  }
}
