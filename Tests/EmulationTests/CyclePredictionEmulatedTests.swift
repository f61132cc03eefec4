import Foundation
import NNCompileKit
import NNIR
import Testing
import _NNTestSupport

/// The cost model's prediction (`Compilation.predictedCycles`, no emulator) against the emulated
/// Cortex-M4F: within 15 % of the whole call on LeNet-like models and on the small networks a
/// structure search puts on its front (where input quantization, standalone pooling, float
/// islands and per-call costs outweigh the MACs).
@Suite struct CyclePredictionEmulatedTests {
  static func emulated(_ model: String, calibration: String, input: String, kernels: KernelSet? = nil) throws -> (predicted: Int, emulated: Int) {
    let root = Fixtures.repositoryRoot
    let compilation = try Driver.compile(
      modelPath: root.appendingPathComponent(model).path,
      options: CompileOptions(
        target: try .named("cortex-m4f"), quantization: "int8", calibrationData: root.appendingPathComponent(calibration).path,
        kernels: kernels))
    let predicted = try #require(compilation.predictedCycles)
    let loader = InputLoader(graph: compilation.model.graph, normalizeImages: compilation.normalizeImages)
    let samples = Array(try loader.load(path: root.appendingPathComponent(input).path).prefix(1))
    let report = try Verifier.verify(compilation, samples: samples, emulate: true)
    let e = try #require(report.emulation)
    #expect(report.passed, "\(report.failures)")
    #expect(predicted.perStep.count == e.steps?.count)
    #expect(compilation.report.predictedCycles == predicted.total)
    return (predicted.total, e.cycles)
  }

  @Test(arguments: [
    ("examples/mnist-lenet/lenet.nnp", "examples/mnist-lenet/calibration.bin", "examples/mnist-lenet/digit5.input.bin"),
    ("Tests/Fixtures/nnabla/digits_lenet/model.nnp", "Tests/Fixtures/nnabla/digits_lenet/calibration.bin", "Tests/Fixtures/nnabla/digits_lenet/test_inputs.bin"),
  ])
  func lenetLike_predictionWithin15PercentOfTheEmulator(model: String, calibration: String, input: String) throws {
    let (predicted, emulated) = try Self.emulated(model, calibration: calibration, input: input)
    let error = abs(Double(predicted - emulated)) / Double(emulated)
    #expect(error <= 0.15, "\(model): predicted \(predicted), emulated \(emulated) (\(String(format: "%.1f", error * 100)) %)")
  }

  /// Small search-like networks (`Tests/Fixtures/cycle-model`): an MLP behind max pooling, a
  /// depthwise-separable block on 8 channels, BatchNormalization as a float island (40 MACs, where
  /// a MAC-proportional model predicted 34 % too few cycles).
  @Test(arguments: ["mlp_pool4_fc16", "dwsep_c8", "bn_island"])
  func smallNetwork_predictionWithin15PercentOfTheEmulator(name: String) throws {
    let (predicted, emulated) = try Self.emulated(
      "Tests/Fixtures/cycle-model/\(name).nnp", calibration: "examples/digits/valid.csv", input: "examples/digits/valid.csv")
    let error = abs(Double(predicted - emulated)) / Double(emulated)
    #expect(error <= 0.15, "\(name): predicted \(predicted), emulated \(emulated) (\(String(format: "%.1f", error * 100)) %)")
  }

  /// The same small networks built with the reference kernels (`--kernels reference`, what a
  /// search under a tight flash budget builds): plain-loop convolutions (the depthwise block too)
  /// and affines, ~5–20× the optimized cycles, where the optimized coefficients predicted ~90 % low.
  @Test(arguments: ["mlp_pool4_fc16", "dwsep_c8"])
  func referenceKernels_predictionWithin15PercentOfTheEmulator(name: String) throws {
    let (predicted, emulated) = try Self.emulated(
      "Tests/Fixtures/cycle-model/\(name).nnp", calibration: "examples/digits/valid.csv", input: "examples/digits/valid.csv",
      kernels: .reference)
    let error = abs(Double(predicted - emulated)) / Double(emulated)
    #expect(error <= 0.15, "\(name) (reference kernels): predicted \(predicted), emulated \(emulated) (\(String(format: "%.1f", error * 100)) %)")
  }
}
