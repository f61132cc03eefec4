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
      let y = k.convolution(c.params, x: q(0), weight: c.weights, bias: c.bias, outputMultiplier: c.multipliers, outputShift: c.shifts)
      return .int8(c.fusedMaxPool.map { k.maxPooling($0, x: y) } ?? y)
    case .affine(let a):
      return .int8(k.affine(a.params, x: q(0), weight: a.weights, bias: a.bias, outputMultiplier: a.multipliers, outputShift: a.shifts))
    case .maxPooling(let p):
      return .int8(k.maxPooling(p, x: q(0)))
    case .averagePooling(let p):
      return .int8(k.averagePooling(p, x: q(0)))
    case .sumPooling(let p):
      return .int8(k.sumPooling(p, x: q(0)))
    case .globalAveragePooling(let p):
      return .int8(k.globalAveragePooling(p, x: q(0)))
    case .add(let p):
      return .int8(k.add(p, q(0), q(1)))
    case .mul(let p):
      return .int8(k.mul(p, q(0), q(1)))
    case .lookupTable(let table):
      return .int8(k.lookup(table, q(0)))
    case .clamp(let lo, let hi):
      return .int8(k.clamp(q(0), lo: lo, hi: hi))
    case .softmax(let axis):
      let x = program.tensors[step.inputs[0]]
      return .int8(k.softmax(SoftmaxParams(x: x.shape, axis: axis), input: x.quant!, output: out.quant!, x: q(0)))
    case .softmaxTFLite(let p):
      return .int8(k.softmaxTFLite(p, x: q(0)))
    case .concatenate(let axis, let rescales):
      var y = [Int8](repeating: 0, count: out.elementCount)
      let parts = ConcatenateParams.parts(inputs: step.inputs.map { program.tensors[$0].shape }, y: out.shape, axis: axis)
      for i in parts.indices { k.concatenate(parts[i], rescale: rescales[i], x: q(i), into: &y) }
      return .int8(y)
    case .transpose(let axes):
      return .int8(k.transpose(TransposeParams(x: program.tensors[step.inputs[0]].shape, y: out.shape, axes: axes), x: q(0)))
    case .slice(let a):
      return .int8(k.slice(SliceParams(x: program.tensors[step.inputs[0]].shape, y: out.shape, a), x: q(0)))
    case .pad(let a, let value):
      return .int8(k.pad(PadParams(x: program.tensors[step.inputs[0]].shape, a), padValue: value, x: q(0)))
    case .copy:
      return values[step.inputs[0]]!
    case .float(let op):
      var y = FloatInterpreter.evaluate(op, step.inputs.indices.map(f))
      y.shape = out.shape
      return .float(y.values)
    case .dataMovement(let call):
      // Moving or selecting values is exact on the codes written as floats (every int8 is a float).
      let codes = step.inputs.indices.map { i in
        FloatTensor(shape: program.tensors[step.inputs[i]].shape, values: q(i).map { Float($0) })
      }
      return .int8(call.function.evaluate(codes)[0].values.map { Int8($0) })
    case .function(_, let kernel):
      return .int8(kernel.run(step.inputs.indices.map(q)))
    }
  }
}
