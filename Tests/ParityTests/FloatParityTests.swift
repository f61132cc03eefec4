import Foundation
import NNCompileKit
import Testing
import _NNTestSupport

/// End to end: the generated float32 C, built on the host, against nnabla's own outputs and the
/// Swift interpreter, on every fixture model.
@Suite struct FloatParityTests {
  /// nnabla computes in float32 with its own summation order: 1e-4 of the output range.
  static let nnablaTolerance = 1e-4
  /// The C follows the interpreter's operation order: 1e-5 of the output range.
  static let interpreterTolerance = 1e-5

  struct Case: CustomStringConvertible, Sendable {
    var model: String
    var inputs: String
    var outputs: String
    var description: String { "\(model) ← \(inputs)" }
  }

  static let cases: [Case] = {
    var cases: [Case] = []
    for m in ["iris_mlp", "lenet28", "cnn_bn"] {
      for file in ["model.nnp", "model_pb.nnp"] {
        cases.append(Case(model: "nnabla/\(m)/\(file)", inputs: "nnabla/\(m)/inputs.bin", outputs: "nnabla/\(m)/outputs.bin"))
      }
    }
    cases.append(Case(model: "real/nnabla_lenet_010000.nnp", inputs: "real/nnabla_lenet_010000__nnabla_5.input.bin", outputs: "real/nnabla_lenet_010000__nnabla_5.output.bin"))
    for m in ["nnc_result", "nnc_result2"] {
      for i in 1...4 {
        let stem = "real/\(m)__nnc_00\(i)"
        cases.append(Case(model: "real/\(m).nnp", inputs: "\(stem).input.bin", outputs: "\(stem).output.bin"))
      }
    }
    return cases
  }()

  @Test(arguments: cases)
  func generatedC_matchesNNablaAndInterpreter(_ c: Case) throws {
    let compilation = try Driver.compile(
      modelPath: Fixtures.path(c.model), options: CompileOptions(target: try .named("host"), quantization: "float32"))
    let graph = compilation.model.graph
    let samples = try InputLoader(graph: graph, normalizeImages: false).load(path: Fixtures.path(c.inputs))
    let expected = try ExpectedOutputs.load(path: Fixtures.path(c.outputs), graph: graph, samples: samples.count)
    let report = try Verifier.verify(compilation, samples: samples, expected: expected, tolerance: Self.interpreterTolerance)
    for o in report.outputs {
      #expect(o.againstInterpreter.maxRel <= Self.interpreterTolerance, "\(o.name): \(report.text)")
      #expect(o.againstExpected!.maxRel <= Self.nnablaTolerance, "\(o.name): \(report.text)")
      #expect(o.againstExpected!.top1Agreement == 1.0, "\(o.name): \(report.text)")
    }
  }

  /// A DepthwiseConvolution and the grouped Convolution ONNX importers write for it (one group per
  /// input channel), 3x3 pad 1 with strides 1 and 2 on an odd width: the generated C calls
  /// nnc_dwconv_f32 and gives the interpreter's floats bit for bit (the same summation order).
  @Test(arguments: [1, 2], ["DepthwiseConvolution", "Convolution"])
  func depthwiseConvolution_isBitIdenticalToTheInterpreter(_ stride: Int, _ function: String) throws {
    let dir = try Fixtures.temporaryDirectory("float-depthwise")
    defer { try? FileManager.default.removeItem(at: dir) }
    var rng = SeededRandom(seed: 206)
    let geometry = "pad { dim: 1 dim: 1 } stride { dim: \(stride) dim: \(stride) } dilation { dim: 1 dim: 1 }"
    let model =
      function == "Convolution"
      ? InlineModel(
        function: "Convolution", param: "convolution_param { base_axis: 1 \(geometry) group: 4 }", input: [-1, 4, 9, 7],
        parameters: [("W", [4, 1, 3, 3], (0..<36).map { _ in String(rng.double(-1...1)) })])
      : InlineModel(
        function: "DepthwiseConvolution", param: "depthwise_convolution_param { base_axis: 1 \(geometry) multiplier: 2 }",
        input: [-1, 4, 9, 7], parameters: [("W", [8, 3, 3], (0..<72).map { _ in String(rng.double(-1...1)) })])
    let path = dir.appendingPathComponent("model.nntxt")
    try Data(model.text.utf8).write(to: path)
    let inputs = dir.appendingPathComponent("inputs.bin")
    try (0..<2 * 4 * 9 * 7).map { _ in Float(rng.double(-2...2)) }.withUnsafeBytes { try Data($0).write(to: inputs) }

    let compilation = try Driver.compile(modelPath: path.path, options: CompileOptions(target: try .named("host"), quantization: "float32"))
    let kernelFiles = compilation.code.files.map(\.name).filter { $0.hasPrefix("nnc_") && $0.hasSuffix(".c") }
    #expect(kernelFiles.contains("nnc_dwconv_f32.c") && !kernelFiles.contains("nnc_conv_f32.c"), "\(kernelFiles)")
    let samples = try InputLoader(graph: compilation.model.graph, normalizeImages: false).load(path: inputs.path)
    let report = try Verifier.verify(compilation, samples: samples, tolerance: Self.interpreterTolerance)
    #expect(report.outputs[0].againstInterpreter.maxAbs == 0, "\(report.text)")
  }

  /// The MLPerf Tiny autoencoder (Affine 640→128 … 128→640) against a float64 evaluation of the
  /// same weights (`Tests/Fixtures/float64/README.md`): within 1e-4 of the output range, so
  /// `verify --expected` passes at its default tolerance. One running accumulator per output was
  /// 1.2e-4 of the range off (6.9e-3 absolute; nnabla 1.6e-3); block sums of 32 give 3e-6.
  @Test func mlperfAutoencoder_isWithinATenThousandthOfFloat64() throws {
    let ad = Fixtures.repositoryRoot.appendingPathComponent("bench/mlperf-tiny/ad")
    let compilation = try Driver.compile(
      modelPath: ad.appendingPathComponent("model_native.nnp").path,
      options: CompileOptions(target: try .named("host"), quantization: "float32"))
    let graph = compilation.model.graph
    let samples = try InputLoader(graph: graph, normalizeImages: false).load(path: ad.appendingPathComponent("inputs.bin").path)
    let golden = try ExpectedOutputs.load(path: Fixtures.path("float64/mlperf_ad.outputs.bin"), graph: graph, samples: samples.count)
    let report = try Verifier.verify(compilation, samples: samples, expected: golden, tolerance: Verifier.defaultTolerance)
    #expect(report.passed, "\(report.text)")
    #expect(report.outputs[0].againstInterpreter.maxAbs == 0, "\(report.text)")
    #expect(report.outputs[0].againstExpected!.maxRel <= 1e-4, "\(report.text)")
  }

  @Test func lenetSample_classifiesItsFiveAsFive() throws {
    let compilation = try Driver.compile(
      modelPath: Fixtures.path("real/nnabla_lenet_010000.nnp"), options: CompileOptions(target: try .named("cortex-m4f"), quantization: "float32"))
    let loader = InputLoader(graph: compilation.model.graph, normalizeImages: false)
    let samples = try loader.load(path: Fixtures.path("real/nnabla_5.pgm"))
    let dir = try Fixtures.temporaryDirectory("lenet")
    defer { try? FileManager.default.removeItem(at: dir) }
    try Driver.write(compilation.code.files, to: dir.appendingPathComponent("out").path)
    let host = try HostModel.build(
      sourceDirectory: dir.appendingPathComponent("out"), prefix: "model", graph: compilation.model.graph, workDirectory: dir)
    let outputs = try host.run(samples)
    #expect(ComparisonMetrics.argmax(outputs[0][0].values) == 5)
  }
}
