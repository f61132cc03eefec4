import Foundation
import NNCompileKit
import NNEmulation
import Testing
import _NNTestSupport

/// The compile report's flash figure (`FootprintEstimate`: weights and other constants as emitted,
/// the runtime sections the called kernels reach, the model's own code per step) against what the
/// linker keeps of the model's objects in the emulation build (`-ffunction-sections
/// -fdata-sections -Wl,--gc-sections`, read from its map). The kernels' part is exact; the model's
/// own code is the estimated part (within 340 B on the samples measured when it was fitted).
@Suite struct FlashEstimateTests {
  /// A model, its quantization and a raw float32 file whose first sample calibrates and runs it.
  struct Case: CustomTestStringConvertible, Sendable {
    var name: String, model: String, quantization: String, data: String
    var testDescription: String { name }
  }

  static let cases = [
    // an int8 MLP: only the fast affine of the 11.9 KB fast-convolution file is linked
    Case(name: "iris MLP int8", model: "Tests/Fixtures/nnabla/iris_mlp/model.nnp", quantization: "int8",
         data: "Tests/Fixtures/nnabla/iris_mlp/inputs.bin"),
    Case(name: "LeNet int8", model: "examples/mnist-lenet/lenet.nnp", quantization: "int8", data: "examples/mnist-lenet/calibration.bin"),
    Case(name: "LeNet float32", model: "examples/mnist-lenet/lenet.nnp", quantization: "float32", data: "examples/mnist-lenet/calibration.bin"),
    // nnc_dwconv_s8 (its .bin holds the input, then nnabla's output: the first sample is the input)
    Case(name: "depthwise int8", model: "Tests/Fixtures/functions/depthwise_convolution_mult2.nnp", quantization: "int8",
         data: "Tests/Fixtures/functions/depthwise_convolution_mult2.bin"),
  ]

  @Test(arguments: cases)
  func estimate_isNearTheLinkedFlash(_ c: Case) throws {
    let root = Fixtures.repositoryRoot
    let work = try Fixtures.temporaryDirectory("flash-estimate")
    defer { try? FileManager.default.removeItem(at: work) }
    let imported = try Driver.compile(
      modelPath: root.appendingPathComponent(c.model).path,
      options: CompileOptions(target: try .named("cortex-m4f"), quantization: "float32"))
    let shape = imported.model.graph.tensors[imported.model.graph.inputs[0]].shape
    let floats = try Data(contentsOf: root.appendingPathComponent(c.data)).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    let sample = Array(floats[0..<shape.reduce(1, *)])
    let calibration = work.appendingPathComponent("sample.bin")
    try sample.withUnsafeBytes { Data($0) }.write(to: calibration)

    let compilation = try Driver.compile(
      modelPath: root.appendingPathComponent(c.model).path,
      options: CompileOptions(
        target: try .named("cortex-m4f"), quantization: c.quantization,
        calibrationData: c.quantization == "int8" ? calibration.path : nil))
    let report = try Verifier.verify(compilation, samples: [[FloatTensor(shape: shape, values: sample)]], emulate: true)
    let linked = try #require(report.emulation).modelFlashBytes
    let estimate = compilation.report.totals.flashBytes
    print("flash \(c.name): estimate \(estimate) B, linked \(linked) B (code ~\(compilation.report.totals.codeBytesEstimate))")
    #expect(abs(estimate - linked) <= 400, "estimate \(estimate) B, linked \(linked) B")
  }
}
