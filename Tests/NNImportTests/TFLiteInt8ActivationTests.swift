import Foundation
import NNCompileKit
import NNIR
import NNInterpreter
import Testing
import _NNTestSupport

/// int8 `.tflite` activations give TFLite's reference kernels' codes exactly (TFLM runs the same
/// reference kernels): SOFTMAX through TFLite's integer softmax (`Int8Kernel.softmaxTFLite`),
/// LOGISTIC, TANH, HARD_SWISH and LEAKY_RELU through tables of TFLM's integer algorithm. Goldens:
/// `scripts/make-tflite-int8-activation-fixtures.py` (BUILTIN_REF); the element-wise cases feed
/// all 256 codes, the softmax cases rows of random codes, ties and extremes.
@Suite struct TFLiteInt8ActivationTests {
  static let cases = ["logistic", "tanh", "hard_swish", "leaky_relu_01", "leaky_relu_03", "softmax_1d", "softmax_beta", "softmax_nhwc"]

  static func compile(_ name: String) throws -> (Compilation, Int8Program) {
    let compilation = try Driver.compile(
      modelPath: Fixtures.path("tflite-int8-act/\(name)/model.tflite"), options: CompileOptions(target: try .named("host"), quantization: "int8"))
    return (compilation, try #require(compilation.program))
  }

  static func codes(_ name: String, _ file: String) throws -> [Int8] {
    try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("tflite-int8-act/\(name)/\(file)"))).map { Int8(bitPattern: $0) }
  }

  /// The samples as floats the program's input quantization turns back into their codes.
  static func samples(_ program: Int8Program, _ input: [Int8]) throws -> [FloatTensor] {
    let p = try #require(program.tensors[program.quantizedInputs[0]].quant)
    let shape = program.tensors[program.inputs[0]].shape
    let n = shape.reduce(1, *)
    #expect(input.count % n == 0)
    return stride(from: 0, to: input.count, by: n).map { FloatTensor(shape: shape, values: input[$0..<$0 + n].map(p.dequantize)) }
  }

  @Test(arguments: cases)
  func givesTFLiteReferenceCodes(_ name: String) throws {
    let (_, program) = try Self.compile(name)
    let input = try Self.codes(name, "inputs_int8.bin"), expected = try Self.codes(name, "outputs_int8.bin")
    let samples = try Self.samples(program, input)
    #expect(expected.count == input.count)
    let outIndex = try #require(program.quantizedOutputs[0])
    var got: [Int8] = []
    for s in samples {
      let values = Int8ProgramInterpreter.runAll(program, inputs: [s])
      got += try #require(values[outIndex]?.int8Values)
    }
    let differ = zip(got, expected).enumerated().filter { $0.element.0 != $0.element.1 }
    #expect(got.count == expected.count)
    #expect(differ.isEmpty, "\(differ.count) codes differ, first \(differ.prefix(8).map { "#\($0.offset) \($0.element.0) vs \($0.element.1) (in \(input[$0.offset]))" })")
    #expect(program.notes.allSatisfy { !$0.contains("float32") }, "\(program.notes)")
    let kernel = program.steps.contains { step in
      switch step.kernel {
      case .softmaxTFLite: name.hasPrefix("softmax")
      case .lookupTable: !name.hasPrefix("softmax")
      default: false
      }
    }
    #expect(kernel, "\(program.steps.map(\.name))")
  }

  /// The goldens tell TFLite's arithmetic from nncompile's own (the float function on the
  /// dequantized codes, rounded once): that would miss some codes.
  @Test(arguments: ["softmax_1d", "softmax_beta", "softmax_nhwc", "hard_swish", "leaky_relu_01", "leaky_relu_03"])
  func goldensDifferFromTheFloatFunctionRoundedOnce(_ name: String) throws {
    let (_, program) = try Self.compile(name)
    let input = try Self.codes(name, "inputs_int8.bin"), expected = try Self.codes(name, "outputs_int8.bin")
    let pin = try #require(program.tensors[program.quantizedInputs[0]].quant)
    let outIndex = try #require(program.quantizedOutputs[0])
    let pout = try #require(program.tensors[outIndex].quant)
    let own: [Int8]
    switch name {
    case "softmax_1d", "softmax_beta", "softmax_nhwc":
      let width = name == "softmax_nhwc" ? 12 : 10
      let beta: Float = name == "softmax_beta" ? 0.7 : 1
      let rows = SoftmaxParams(outer: Int32(input.count / width), axisSize: Int32(width), inner: 1)
      own = Int8Kernels.softmax(rows, input: QuantParams(scale: pin.scale * beta, zeroPoint: pin.zeroPoint), output: pout, x: input)
    default:
      let f: (Float) -> Float
      switch name {
      case "hard_swish": f = { x in x * min(max(x + 3, 0), 6) / 6 }
      case "leaky_relu_01": f = { x in x >= 0 ? x : 0.1 * x }
      default: f = { x in x >= 0 ? x : 0.3 * x }
      }
      own = Int8Kernels.lookup(LookupTable.build(input: pin, output: pout, f), input)
    }
    #expect(own.count == expected.count)
    #expect(own != expected, "the fixture does not tell TFLite's int8 \(name) from the float one")
  }

  /// The generated C computes the same bytes as the Swift reference, and so TFLite's codes.
  @Test(arguments: ["softmax_beta", "softmax_nhwc", "hard_swish"])
  func cEqualsSwiftReferenceAndTFLite(_ name: String) throws {
    let (compilation, program) = try Self.compile(name)
    let samples = try Self.samples(program, try Self.codes(name, "inputs_int8.bin"))
    let outIndex = try #require(program.quantizedOutputs[0])
    let out = try #require(program.tensors[outIndex].quant)
    let expectedCodes = try Self.codes(name, "outputs_int8.bin")
    let n = expectedCodes.count / samples.count
    let shape = compilation.model.graph.tensors[compilation.model.graph.outputs[0]].shape
    let expected = (0..<samples.count).map { [FloatTensor(shape: shape, values: expectedCodes[$0 * n..<($0 + 1) * n].map(out.dequantize))] }
    let report = try Verifier.verify(compilation, samples: samples.map { [$0] }, expected: expected, tolerance: 1e-5)
    let o = try #require(report.outputs.first)
    #expect(o.againstInterpreter.maxAbs == 0, "\(report.text)")
    #expect(o.againstExpected?.maxAbs == 0, "\(report.text)")
  }

  /// A float build of the int8 HARD_SWISH file runs the HardSwish function in float: the C
  /// kernel (`nnc_hard_swish_f32`) gives the interpreter's floats.
  @Test func hardSwish_float32Build_CEqualsInterpreter() throws {
    let compilation = try Driver.compile(
      modelPath: Fixtures.path("tflite-int8-act/hard_swish/model.tflite"), options: CompileOptions(target: try .named("host"), quantization: "float32"))
    let graph = compilation.model.graph
    #expect(graph.nodes.contains { $0.op.typeName == "HardSwish" }, "\(graph.nodes.map(\.op.typeName))")
    let p = try #require(graph.tensors[graph.inputs[0]].quantization?.perTensor)
    let x = FloatTensor(shape: graph.tensors[graph.inputs[0]].shape, values: (-128...127).map { p.dequantize(Int8($0)) })
    let report = try Verifier.verify(compilation, samples: [[x]])
    let o = try #require(report.outputs.first)
    #expect(o.againstInterpreter.maxAbs == 0, "\(report.text)")
  }

  /// The tables against TFLite Micro's own kernels (`scripts/tflm-int8-reference.cc`) for 40
  /// random parameter sets per op: input scales 3e-4...3, any zero points, LeakyReLU alphas
  /// below 0 and above 1.
  @Test func tables_equalTFLMsKernelsForRandomParameters() throws {
    let text = try String(contentsOfFile: Fixtures.path("tflite-int8-act/tflm-tables/cases.txt"), encoding: .utf8)
    let tables = try Self.codes("tflm-tables", "tables.bin")
    let lines = text.split(separator: "\n")
    #expect(lines.count == 160 && tables.count == 256 * lines.count)
    for (i, line) in lines.enumerated() {
      let f = line.split(separator: " ").map(String.init)
      let input = QuantParams(scale: try #require(Float(f[1])), zeroPoint: try #require(Int32(f[2])))
      let output = QuantParams(scale: try #require(Float(f[3])), zeroPoint: try #require(Int32(f[4])))
      let alpha = try #require(Float(f[5]))
      let got: [Int8]
      switch f[0] {
      case "logistic": got = TFLiteInt8Activations.logistic(input: input)
      case "tanh": got = TFLiteInt8Activations.tanh(input: input)
      case "hard_swish": got = try #require(TFLiteInt8Activations.hardSwish(input: input, output: output))
      default: got = TFLiteInt8Activations.leakyRelu(alpha: alpha, input: input, output: output)
      }
      let expected = Array(tables[(i * 256)..<((i + 1) * 256)])
      let differ = (0..<256).filter { got[$0] != expected[$0] }
      #expect(differ.count == 0, "\(line): \(differ.count) codes differ, first at code \(differ.first.map { $0 - 128 } ?? 0), got \(got.prefix(8)) expected \(expected.prefix(8))")
    }
  }

  /// The integer softmax against TFLite Micro's own (`scripts/tflm-int8-reference.cc`) for 40
  /// random input scales (1e-3...2), betas and depths (1...100), 8 rows each.
  @Test func softmax_equalsTFLMsKernelForRandomParameters() throws {
    let text = try String(contentsOfFile: Fixtures.path("tflite-int8-act/tflm-tables/softmax_cases.txt"), encoding: .utf8)
    let data = try Self.codes("tflm-tables", "softmax.bin")
    var offset = 0
    let lines = text.split(separator: "\n")
    #expect(lines.count == 40)
    for line in lines {
      let f = line.split(separator: " ").map(String.init)
      let scale = try #require(Float(f[0])), beta = try #require(Float(f[1])), depth = try #require(Int(f[2]))
      let n = 8 * depth
      let x = Array(data[offset..<offset + n]), expected = Array(data[offset + n..<offset + 2 * n])
      offset += 2 * n
      let p = try #require(SoftmaxTFLiteS8Params(
        geometry: SoftmaxParams(outer: 8, axisSize: Int32(depth), inner: 1), betaTimesInputScale: Double(beta) * Double(scale)))
      let got = Int8Kernels.softmaxTFLite(p, x: x)
      let differ = (0..<n).filter { got[$0] != expected[$0] }
      #expect(differ.count == 0, "\(line): \(differ.count) codes differ, first at \(differ.first ?? 0)")
    }
    #expect(offset == data.count)
  }
}
