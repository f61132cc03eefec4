import Foundation
import NNCompileKit
import Testing
import _NNTestSupport

/// int8 end to end: the generated C, built on the host, gives the same bytes as the Swift int8
/// reference at every step, and stays close to the float model.
@Suite struct Int8ParityTests {
  struct Case: CustomStringConvertible, Sendable {
    var model: String
    /// Calibration and test inputs (raw float32, fed as they are).
    var inputs: [String]
    var description: String { model }
  }

  static let cases: [Case] = [
    Case(model: "real/nnabla_lenet_010000.nnp", inputs: ["real/nnabla_lenet_010000__nnabla_5.input.bin"]),
    Case(model: "real/nnc_result.nnp", inputs: (1...4).map { "real/nnc_result__nnc_00\($0).input.bin" }),
    Case(model: "real/nnc_result2.nnp", inputs: (1...4).map { "real/nnc_result2__nnc_00\($0).input.bin" }),
    Case(model: "nnabla/iris_mlp/model.nnp", inputs: ["nnabla/iris_mlp/inputs.bin"]),
    Case(model: "nnabla/lenet28/model.nnp", inputs: ["nnabla/lenet28/inputs.bin"]),
    Case(model: "nnabla/cnn_bn/model.nnp", inputs: ["nnabla/cnn_bn/inputs.bin"]),
  ]

  /// cortex-m4f picks the optimized kernels (its `dsp`); `kernels` overrides that.
  static func int8(_ model: String, calibration: String, kernels: KernelSet? = nil) throws -> Compilation {
    try Driver.compile(
      modelPath: Fixtures.path(model),
      options: CompileOptions(target: try .named("cortex-m4f"), quantization: "int8", calibrationData: calibration, kernels: kernels))
  }

  /// Both kernel sets, on every case: the optimized ones (the cortex-m4f default) and the
  /// reference ones (which run a fused convolution + max pooling as two calls through scratch).
  @Test(arguments: cases, KernelSet.allCases)
  func generatedC_isByteIdenticalToTheInt8Reference(_ c: Case, _ kernels: KernelSet) throws {
    // Calibrate on the same samples the check runs on (all the fixtures have).
    let dir = try Fixtures.temporaryDirectory("int8")
    defer { try? FileManager.default.removeItem(at: dir) }
    var data = Data()
    for input in c.inputs { data.append(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(input)))) }
    let calibration = dir.appendingPathComponent("calibration.bin")
    try data.write(to: calibration)
    let compilation = try Self.int8(c.model, calibration: calibration.path, kernels: kernels)
    let kernelFiles = compilation.code.files.map(\.name).filter { $0.hasPrefix("nnc_") && $0.hasSuffix(".c") }
    #expect(kernelFiles.contains("nnc_conv_s8_opt.c") == (kernels == .optimized), "\(kernelFiles)")
    let samples = try InputLoader(graph: compilation.model.graph, normalizeImages: false).load(path: calibration.path)
    let report = try Verifier.verify(compilation, samples: samples)
    #expect(report.mismatchedSteps == [], "\(report.text)")
    #expect(report.passed, "\(report.text)")
    for o in report.outputs {
      #expect(o.againstInterpreter.maxAbs == 0)
      #expect(o.againstFloat!.cosine > 0.99, "\(report.text)")
    }
    #expect(!report.layers.isEmpty)
  }

  /// The trained digit classifier on 400 held-out samples it never saw, calibrated on 100 training
  /// samples: the int8 build must agree with float on ≥ 99% and lose ≤ 1 point of accuracy.
  @Test func digitClassifier_keepsItsAccuracy() throws {
    let compilation = try Self.int8("nnabla/digits_lenet/model.nnp", calibration: Fixtures.path("nnabla/digits_lenet/calibration.bin"))
    let samples = try InputLoader(graph: compilation.model.graph, normalizeImages: false)
      .load(path: Fixtures.path("nnabla/digits_lenet/test_inputs.bin"))
    let labels = try Fixtures.bytes("nnabla/digits_lenet/test_labels.bin").map(Int.init)
    #expect(samples.count == 400 && labels.count == 400)
    let report = try Verifier.verify(compilation, samples: samples)
    #expect(report.mismatchedSteps == [], "\(report.text)")
    let output = report.outputs[0]
    #expect(output.againstFloat!.top1Agreement >= 0.99, "\(report.text)")
    let int8Accuracy = Double(zip(output.predictedClasses, labels).filter { $0 == $1 }.count) / 400
    let nnablaOutputs = try Fixtures.floats("nnabla/digits_lenet/test_outputs.bin")
    let floatPredictions = (0..<400).map { i in ComparisonMetrics.argmax(Array(nnablaOutputs[i * 10..<(i + 1) * 10])) }
    let floatAccuracy = Double(zip(floatPredictions, labels).filter { $0 == $1 }.count) / 400
    #expect(floatAccuracy - int8Accuracy <= 0.01, "float \(floatAccuracy), int8 \(int8Accuracy)")
    // BatchNormalization was folded and the ReLUs fused: no float step is left but the softmax's inside.
    #expect(compilation.program!.notes.contains { $0.hasPrefix("folded 1 BatchNormalization") })
    #expect(!compilation.program!.steps.contains { if case .float = $0.kernel { true } else { false } })
  }

  @Test func lenetSample_weightsShrinkToAQuarter() throws {
    let float = try Driver.compile(
      modelPath: Fixtures.path("real/nnabla_lenet_010000.nnp"),
      options: CompileOptions(target: try .named("cortex-m4f"), quantization: "float32"))
    let calibration = Fixtures.path("real/nnabla_lenet_010000__nnabla_5.input.bin")
    let int8 = try Self.int8("real/nnabla_lenet_010000.nnp", calibration: calibration, kernels: .reference)
    // int8 weights and int32 biases; the per-channel multipliers and shifts come on top.
    #expect(Double(int8.code.weightBytes) <= 0.26 * Double(float.code.weightBytes), "\(int8.code.weightBytes) vs \(float.code.weightBytes)")
    #expect(Double(int8.code.flashConstantBytes) <= 0.27 * Double(float.code.weightBytes), "\(int8.code.flashConstantBytes)")
    #expect(int8.code.plan.arenaBytes * 3 < float.code.plan.arenaBytes, "\(int8.code.plan.arenaBytes) vs \(float.code.plan.arenaBytes)")
    // The optimized kernels keep the weights int8 too (reordered for SXTB16, K padded to even):
    // still a quarter of the float bytes, with 11x fewer cycles on the Cortex-M4.
    let optimized = try Self.int8("real/nnabla_lenet_010000.nnp", calibration: calibration)
    #expect(Double(optimized.code.weightBytes) <= 0.26 * Double(float.code.weightBytes), "\(optimized.code.weightBytes)")
  }

  /// A DepthwiseConvolution (4 channels, multiplier 2, 3x3, pad 1, stride `stride`, an odd
  /// width) compiled for the Cortex-M4F: the optimized build calls nnc_dwconv_s8 (the reference
  /// build nnc_conv_s8), and both give the Swift int8 reference's bytes at every step.
  @Test(arguments: [1, 2], KernelSet.allCases)
  func depthwiseConvolution_isByteIdenticalToTheInt8Reference(_ stride: Int, _ kernels: KernelSet) throws {
    let dir = try Fixtures.temporaryDirectory("int8-depthwise")
    defer { try? FileManager.default.removeItem(at: dir) }
    var rng = SeededRandom(seed: 205)
    let weights = (0..<72).map { _ in String(rng.double(-1...1)) }
    let model = InlineModel(
      function: "DepthwiseConvolution",
      param: "depthwise_convolution_param { base_axis: 1 pad { dim: 1 dim: 1 } stride { dim: \(stride) dim: \(stride) } dilation { dim: 1 dim: 1 } multiplier: 2 }",
      input: [-1, 4, 9, 7], parameters: [("W", [8, 3, 3], weights)])
    let path = dir.appendingPathComponent("model.nntxt")
    try Data(model.text.utf8).write(to: path)
    let samples = (0..<3 * 4 * 9 * 7).map { _ in Float(rng.double(-2...2)) }
    let calibration = dir.appendingPathComponent("calibration.bin")
    try samples.withUnsafeBytes { try Data($0).write(to: calibration) }

    let compilation = try Driver.compile(
      modelPath: path.path,
      options: CompileOptions(target: try .named("cortex-m4f"), quantization: "int8", calibrationData: calibration.path, kernels: kernels))
    let kernelFiles = compilation.code.files.map(\.name).filter { $0.hasPrefix("nnc_") && $0.hasSuffix(".c") }
    #expect(kernelFiles.contains("nnc_dwconv_s8.c") == (kernels == .optimized), "\(kernelFiles)")
    let inputs = try InputLoader(graph: compilation.model.graph, normalizeImages: false).load(path: calibration.path)
    let report = try Verifier.verify(compilation, samples: inputs)
    #expect(report.mismatchedSteps == [], "\(report.text)")
    #expect(report.passed, "\(report.text)")
    #expect(report.outputs[0].againstInterpreter.maxAbs == 0)
  }

  @Test func int8WithoutCalibrationData_saysHowToPassIt() throws {
    #expect {
      _ = try Driver.compile(
        modelPath: Fixtures.path("real/nnabla_lenet_010000.nnp"),
        options: CompileOptions(target: try .named("cortex-m4f"), quantization: "int8"))
    } throws: { error in
      "\(error)".contains("--calibrate") && "\(error)".contains("--quantize float32")
    }
  }
}
