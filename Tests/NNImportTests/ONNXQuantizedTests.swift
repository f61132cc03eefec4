import Foundation
import NNCompileKit
import NNFormats
import NNIR
import NNInterpreter
import Testing
import _NNFuzzTargets
import _NNTestSupport

/// Quantized ONNX models as onnxruntime's `quantize_static` writes them (QDQ and QOperator
/// formats; `scripts/make-onnx-qdq-fixtures.py`): the int8 build takes the file's scales, zero
/// points and weight codes, with no calibration, and gives onnxruntime's outputs within one output
/// quantization step (onnxruntime rounds its requantization differently from our kernels).
@Suite struct ONNXQuantizedTests {
  static let models = ["cnn", "residual", "depthwise", "matmul", "misc"]
  /// QDQ / QOperator format, int8 / uint8 activations, per channel / per tensor weights.
  static let variants = ["qdq_s8_pc", "qdq_u8_pt", "qop_u8_pc", "qop_s8_pt"]
  static let cases = models.flatMap { m in variants.map { "\(m)_\($0)" } }

  static func path(_ c: String, _ file: String) -> String { Fixtures.path("onnx-qdq/\(c)/\(file)") }

  static func compile(_ c: String, _ quantization: String) throws -> Compilation {
    try Driver.compile(modelPath: path(c, "model.onnx"), options: CompileOptions(target: try .named("host"), quantization: quantization))
  }

  static func verify(_ compilation: Compilation, _ c: String) throws -> VerifyReport {
    let graph = compilation.model.graph
    let samples = try InputLoader(graph: graph, normalizeImages: false).load(path: path(c, "inputs.bin"))
    #expect(samples.count == 4)
    let expected = try ExpectedOutputs.load(path: path(c, "outputs.bin"), graph: graph, samples: samples.count)
    return try Verifier.verify(compilation, samples: samples, expected: expected, tolerance: 1e-5)
  }

  /// The file's initializer `name`.
  static func initializer(_ c: String, _ name: String) throws -> ONNXTensor {
    let model = try ONNXModel(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(c, "model.onnx")))))
    return try #require(model.graph.initializers.first { $0.name == name }, "\(name)")
  }

  /// int8 without `--calibrate`: the C equals the Swift int8 reference byte for byte and is
  /// within one output step of onnxruntime on every value (measured: exactly one step at most in
  /// all 20 cases, 0.0108 / 0.0091 / 0.0061 / 0.0074 / 0.0018 for cnn / residual / depthwise /
  /// matmul / misc; misc's QLinearGlobalAveragePool onto a finer scale is a sum pooling, which
  /// rounds once, where averaging first was 4 steps off).
  @Test(arguments: cases)
  func int8WithoutCalibration_isWithinOneStepOfOnnxruntime(_ c: String) throws {
    let compilation = try Self.compile(c, "int8")
    let program = try #require(compilation.program)
    let out = try #require(program.quantizedOutputs[0])
    let step = try #require(program.tensors[out].quant).scale
    let report = try Self.verify(compilation, c)
    let o = try #require(report.outputs.first)
    #expect(o.name == "y")
    #expect(o.againstInterpreter.maxAbs == 0, "\(report.text)")
    let maxAbs = try #require(o.againstExpected?.maxAbs)
    #expect(maxAbs <= Double(step) * 1.001, "\(maxAbs / Double(step)) steps: \(report.text)")
    #expect(o.againstExpected?.top1Agreement == 1, "\(report.text)")
    #expect(program.notes.allSatisfy { !$0.contains("float32") }, "\(program.notes)")
    #expect(compilation.model.warnings.isEmpty, "\(compilation.model.warnings)")
  }

  /// The program's input, output and weights carry the file's numbers: uint8 zero points moved
  /// by −128, per-channel scales along the IR's output axis, the weight codes transposed for Gemm.
  @Test(arguments: ["cnn_qdq_u8_pt", "cnn_qop_u8_pc", "cnn_qdq_s8_pc"])
  func fileScales_areTheOnesUsed(_ c: String) throws {
    let compilation = try Self.compile(c, "int8")
    let program = try #require(compilation.program)
    let uint8 = c.contains("_u8_")
    func params(_ name: String) throws -> QuantParams {
      let s = try Self.initializer(c, "\(name)_scale"), z = try Self.initializer(c, "\(name)_zero_point")
      return QuantParams(scale: Float(s.values[0]), zeroPoint: Int32(z.values[0]) - (uint8 ? 128 : 0))
    }
    #expect(program.tensors[program.quantizedInputs[0]].quant == (try params("x")))
    #expect(program.tensors[try #require(program.quantizedOutputs[0])].quant == (try params("y")))
    let graph = compilation.model.graph
    // conv1's weights: the file's codes in the same [O, I, kh, kw] layout, its scales along axis 0.
    let w1 = try Self.initializer(c, "w1_quantized"), w1s = try Self.initializer(c, "w1_scale")
    let conv = try #require(graph.nodes.first { $0.name.hasPrefix("conv1") })
    let wq = try #require(graph.tensors[conv.inputs[1]].quantization)
    #expect(wq.codes == w1.values.map { Int32($0) })
    #expect(wq.scales == w1s.values.map { Float($0) })
    #expect(wq.axis == 0)
    // The Gemm's [5, 96] (transB) weights become the IR's [96, 5], scales along axis 1.
    let wg = try Self.initializer(c, "wg_quantized")
    let gemm = try #require(graph.nodes.first { $0.name.hasPrefix("gemm") })
    let gq = try #require(graph.tensors[gemm.inputs[1]].quantization)
    #expect(graph.tensors[gemm.inputs[1]].shape == [96, 5])
    #expect(gq.axis == 1)
    #expect(gq.codes?[1 * 5 + 3] == Int32(wg.values[3 * 96 + 1]))
    // The int32 bias codes are the file's.
    #expect(graph.tensors[gemm.inputs[2]].quantization?.codes == (try Self.initializer(c, "bg_quantized")).values.map { Int32($0) })
  }

  /// The same files built in float32: the float graph on the dequantized weights, the C equal to
  /// the interpreter and near what the quantized model gives (activations unrounded).
  @Test(arguments: ["cnn_qdq_s8_pc", "residual_qop_u8_pc", "depthwise_qop_s8_pt", "matmul_qdq_u8_pt"])
  func float32Build_works(_ c: String) throws {
    let report = try Self.verify(try Self.compile(c, "float32"), c)
    let o = try #require(report.outputs.first)
    #expect(o.againstInterpreter.maxRel <= 1e-5, "\(report.text)")
    #expect(o.againstExpected?.top1Agreement == 1, "\(report.text)")
    #expect(try #require(o.againstExpected?.cosine) > 0.999, "\(report.text)")
  }

  /// uint8 weights: zero point 128 is int8's symmetric 0 (codes shifted by −128, kept); another
  /// zero point (w2's 127) cannot be int8 kernels' symmetric weights: re-quantized from the
  /// values, with a warning. Still within a step of onnxruntime here.
  @Test func uint8Weights_shiftOrAreRequantizedWithAWarning() throws {
    let c = "cnn_qdq_u8_u8w"
    let compilation = try Self.compile(c, "int8")
    let warnings = compilation.model.warnings.map(\.description)
    #expect(
      warnings == [
        "warning: 'conv2': the file's weights 'w2_DequantizeLinear_Output' are not int8 symmetric per output channel; the int8 build re-quantizes them from their values"
      ])
    let graph = compilation.model.graph
    #expect(try Self.initializer(c, "w1_zero_point").values == [128])
    let conv1 = try #require(graph.nodes.first { $0.name.hasPrefix("conv1") })
    #expect(graph.tensors[conv1.inputs[1]].quantization?.codes == (try Self.initializer(c, "w1_quantized")).values.map { Int32($0) - 128 })
    #expect(graph.tensors[conv1.inputs[1]].quantization?.zeroPoints == [0])
    let conv2 = try #require(graph.nodes.first { $0.name.hasPrefix("conv2") })
    #expect(graph.tensors[conv2.inputs[1]].quantization == nil)
    let report = try Self.verify(compilation, c)
    let o = try #require(report.outputs.first)
    #expect(o.againstInterpreter.maxAbs == 0, "\(report.text)")
    #expect(try #require(o.againstExpected?.maxAbs) <= 0.011, "\(report.text)")
  }

  /// MLPerf Tiny as onnxruntime quantizes it (`scripts/make-onnx-qdq-fixtures.py`: per channel,
  /// int8, calibrated on the 12 samples), compiled with no calibration: the C equals the Swift
  /// int8 reference, and near onnxruntime on all 12 samples. Each layer is within a step of
  /// onnxruntime's; over ic's nine layers the steps add up (its residual Adds output at finer
  /// scales than their inputs). Measured against onnxruntime: kws QDQ max-abs 0.041, cosine
  /// 0.99979; ic QOperator 0.027, 0.99979; ic QDQ 0.146, 0.99665 (its average pooling rounds the
  /// mean to the input's coarse step, as onnxruntime's does, and the 10 logits amplify the step).
  @Test(arguments: ["kws/qdq", "ic/qop", "ic/qdq"])
  func mlperfQuantizedByOnnxruntime_compilesWithoutCalibration(_ c: String) throws {
    let (m, format) = (String(c.split(separator: "/")[0]), String(c.split(separator: "/")[1]))
    let compilation = try Driver.compile(
      modelPath: TFLiteImportTests.bench("\(m)/model_\(format).onnx"), options: CompileOptions(target: try .named("host"), quantization: "int8"))
    let program = try #require(compilation.program)
    #expect(program.notes.allSatisfy { !$0.contains("float32") }, "\(program.notes)")
    let graph = compilation.model.graph
    let samples = try InputLoader(graph: graph, normalizeImages: false).load(path: TFLiteImportTests.bench("\(m)/inputs.bin"))
    #expect(samples.count == 12)
    let expected = try ExpectedOutputs.load(
      path: TFLiteImportTests.bench("\(m)/outputs_onnx_\(format).bin"), graph: graph, samples: samples.count)
    let report = try Verifier.verify(compilation, samples: samples, expected: expected, tolerance: 1e-5)
    let o = try #require(report.outputs.first)
    #expect(o.againstInterpreter.maxAbs == 0, "\(report.text)")
    let e = try #require(o.againstExpected)
    switch c {
    case "kws/qdq":
      #expect(e.maxAbs <= 0.045 && e.cosine >= 0.9997 && e.top1Agreement == 1, "\(report.text)")
    case "ic/qop":
      #expect(e.maxAbs <= 0.03 && e.cosine >= 0.9997 && e.top1Agreement == 1, "\(report.text)")
    default:
      #expect(e.maxAbs <= 0.15 && e.cosine >= 0.996 && e.top1Agreement >= 11.0 / 12, "\(report.text)")
    }
  }

  /// A tensor quantized twice with other parameters (Q(s1) → DQ(s1) → Q(s2) → DQ(s2)): the
  /// second pair is a requantization the int8 build keeps (a rescale), not an identity it drops.
  @Test func secondPairWithOtherParameters_isARequantization() throws {
    let bytes = ONNXImportTests.model(
      nodes: [
        ("QuantizeLinear", "q1", ["x", "s1", "z1"], ["xq1"]), ("DequantizeLinear", "dq1", ["xq1", "s1", "z1"], ["xd1"]),
        ("QuantizeLinear", "q2", ["xd1", "s2", "z2"], ["xq2"]), ("DequantizeLinear", "dq2", ["xq2", "s2", "z2"], ["y"]),
      ],
      input: [ONNXImportTests.dim(1), ONNXImportTests.dim(4)],
      initializers: [
        ONNXImportTests.tensor("s1", type: 1, raw: Self.float32([0.01])), ONNXImportTests.tensor("z1", type: 3, raw: [0]),
        ONNXImportTests.tensor("s2", type: 1, raw: Self.float32([0.05])), ONNXImportTests.tensor("z2", type: 2, raw: [100]),
      ])
    let dir = try Fixtures.temporaryDirectory("onnx-qdq")
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("model.onnx")
    try Data(bytes).write(to: path)
    let compilation = try Driver.compile(modelPath: path.path, options: CompileOptions(target: try .named("host"), quantization: "int8"))
    let program = try #require(compilation.program)
    #expect(program.tensors[program.quantizedInputs[0]].quant == QuantParams(scale: 0.01, zeroPoint: 0))
    #expect(program.tensors[try #require(program.quantizedOutputs[0])].quant == QuantParams(scale: 0.05, zeroPoint: -28))
    #expect(compilation.model.graph.nodes.map(\.op.typeName) == ["Identity"])
    // 0.333 → 33 at 0.01 → 0.33 → 7 at 0.05 (−28 + 7 = −21) → 0.35.
    let values = Int8ProgramInterpreter.runAll(program, inputs: [FloatTensor(shape: [1, 4], values: [0.333, -0.5, 1, 0])])
    #expect(values[try #require(program.quantizedOutputs[0])]?.int8Values == [-21, -38, -8, -28])
  }

  // MARK: - Malformed files

  /// Damaged quantized files (a QOperator and a QDQ model, 300 mutations each) through the ONNX
  /// fuzz target: an error or a graph, never a trap.
  @Test(arguments: ["cnn_qop_u8_pc", "residual_qdq_s8_pc"])
  func mutatedQuantizedModels_neverTrap(_ c: String) throws {
    let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.path(c, "model.onnx"))))
    var random = SeededRandom(seed: 13)
    for _ in 0..<300 {
      var bytes = original
      for _ in 0..<random.int(1...4) { FuzzSmokeTests.mutate(&bytes, &random) }
      FuzzTargets.onnx(bytes)
    }
  }

  static func float32(_ values: [Float]) -> [UInt8] { values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) } }

  /// x → QuantizeLinear(s, z) → DequantizeLinear(s, z) → y.
  static func qdq(scale: [UInt8], zeroPoint: ProtoWireWriter) -> [UInt8] {
    ONNXImportTests.model(
      nodes: [("QuantizeLinear", "q", ["x", "s", "z"], ["xq"]), ("DequantizeLinear", "dq", ["xq", "s", "z"], ["y"])],
      initializers: [ONNXImportTests.tensor("s", type: 1, raw: scale), zeroPoint])
  }

  @Test func nonPositiveScale_namesTheNode() throws {
    let bytes = Self.qdq(scale: Self.float32([-0.5]), zeroPoint: ONNXImportTests.tensor("z", type: 2, raw: [128]))
    #expect(try ONNXImportTests.loadError(bytes) == "model.onnx: node 'q' (QuantizeLinear): error: scale -0.5 in 's' must be positive and finite")
    let zero = Self.qdq(scale: Self.float32([0]), zeroPoint: ONNXImportTests.tensor("z", type: 2, raw: [128]))
    #expect(try ONNXImportTests.loadError(zero) == "model.onnx: node 'q' (QuantizeLinear): error: scale 0.0 in 's' must be positive and finite")
  }

  @Test func zeroPointOfAnotherType_namesTheNode() throws {
    // An int8 weight with a uint8 zero point, and an int16 activation zero point.
    let w = ONNXImportTests.tensor("W", type: 3, raw: [UInt8](repeating: 1, count: 12), dims: [4, 3])
    let bytes = ONNXImportTests.model(
      nodes: [("DequantizeLinear", "dqw", ["W", "ws", "wz"], ["Wf"]), ("MatMul", "mm", ["x", "Wf"], ["y"])],
      initializers: [w, ONNXImportTests.tensor("ws", type: 1, raw: Self.float32([0.1])), ONNXImportTests.tensor("wz", type: 2, raw: [0])])
    #expect(
      try ONNXImportTests.loadError(bytes)
        == "model.onnx: node 'dqw' (DequantizeLinear): error: the zero point 'wz' is uint8 but the quantized values are int8")
    let int16 = Self.qdq(scale: Self.float32([0.5]), zeroPoint: ONNXImportTests.tensor("z", type: 5, raw: [0, 0]))
    #expect(
      try ONNXImportTests.loadError(int16)
        == "model.onnx: node 'q' (QuantizeLinear): error: int16 quantization is not supported (int8, uint8 and int32 biases are)")
  }

  @Test func perChannelScalesOffTheAxis_nameTheNode() throws {
    // [4, 3] weights, 4 scales, DequantizeLinear's default axis 1 (3 values).
    let w = ONNXImportTests.tensor("W", type: 3, raw: [UInt8](repeating: 1, count: 12), dims: [4, 3])
    let bytes = ONNXImportTests.model(
      nodes: [("DequantizeLinear", "dqw", ["W", "ws", "wz"], ["Wf"]), ("MatMul", "mm", ["x", "Wf"], ["y"])],
      initializers: [
        w, ONNXImportTests.tensor("ws", type: 1, raw: Self.float32([0.1, 0.2, 0.3, 0.4]), dims: [4]),
        ONNXImportTests.tensor("wz", type: 3, raw: [0, 0, 0, 0], dims: [4]),
      ])
    #expect(
      try ONNXImportTests.loadError(bytes) == "model.onnx: node 'dqw' (DequantizeLinear): error: 4 scales in 'ws' do not match axis 1 of [4, 3]")
    // Per-channel activation parameters.
    let s2 = ONNXImportTests.model(
      nodes: [("QuantizeLinear", "q", ["x", "s", "z"], ["xq"]), ("DequantizeLinear", "dq", ["xq", "s", "z"], ["y"])],
      initializers: [ONNXImportTests.tensor("s", type: 1, raw: Self.float32([0.1, 0.2]), dims: [2]), ONNXImportTests.tensor("z", type: 3, raw: [0, 0], dims: [2])])
    #expect(
      try ONNXImportTests.loadError(s2) == "model.onnx: node 'q' (QuantizeLinear): error: activations are quantized per tensor here; 's' has 2 scales")
  }
}
