import Foundation
import NNCompileKit
import NNHostSim
import NNIR
import Testing
import _NNTestSupport

/// The generated C of every fixture model, float32 and int8 (both kernel sets), built with clang's
/// AddressSanitizer and UndefinedBehaviorSanitizer and run on its own inputs and on hostile ones:
/// random values far outside any calibrated range, NaN, ±Inf, ±FLT_MAX and denormals. Any report
/// aborts the run (`-fno-sanitize-recover=all`), so a clean exit means no out-of-bounds access, no
/// signed overflow, no out-of-range float-to-int conversion (clang's UBSan checks that one, gcc's
/// does not by default). The same build is also held to `-Wimplicit-fallthrough -Wcast-align`.
@Suite struct SanitizedCTests {
  /// clang ships with the Swift toolchain, so every machine that builds nncompile has it.
  static let compiler = "clang"
  static let flags = [
    "-g", "-O1", "-fno-omit-frame-pointer", "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
    "-Wimplicit-fallthrough", "-Wcast-align",
  ]

  struct Case: CustomStringConvertible, Sendable {
    var model: String
    /// Real inputs (raw float32, samples back to back): run first, and the int8 calibration data.
    var inputs: String
    var description: String { model }
  }

  static let cases: [Case] = [
    Case(model: "real/nnabla_lenet_010000.nnp", inputs: "real/nnabla_lenet_010000__nnabla_5.input.bin"),
    Case(model: "real/nnc_result.nnp", inputs: "real/nnc_result__nnc_001.input.bin"),
    Case(model: "real/nnc_result2.nnp", inputs: "real/nnc_result2__nnc_001.input.bin"),
    Case(model: "nnabla/iris_mlp/model.nnp", inputs: "nnabla/iris_mlp/inputs.bin"),
    Case(model: "nnabla/lenet28/model.nnp", inputs: "nnabla/lenet28/inputs.bin"),
    Case(model: "nnabla/cnn_bn/model.nnp", inputs: "nnabla/cnn_bn/inputs.bin"),
    Case(model: "nnabla/digits_lenet/model.nnp", inputs: "nnabla/digits_lenet/calibration.bin"),
    Case(model: "train/mlp.trained.nnp", inputs: "train/mlp.inputs.bin"),
  ]

  enum Build: String, CaseIterable, Sendable, CustomStringConvertible {
    case float32, int8Optimized, int8Reference
    var description: String { rawValue }
  }

  @Test(arguments: cases, Build.allCases)
  func generatedC_isCleanUnderSanitizers(_ c: Case, _ build: Build) throws {
    let options: CompileOptions
    switch build {
    case .float32:
      options = CompileOptions(target: try .named("host"), quantization: "float32")
    case .int8Optimized, .int8Reference:
      options = CompileOptions(
        target: try .named("cortex-m4f"), quantization: "int8", calibrationData: Fixtures.path(c.inputs),
        kernels: build == .int8Optimized ? .optimized : .reference)
    }
    let compilation = try Driver.compile(modelPath: Fixtures.path(c.model), options: options)
    let graph = compilation.model.graph
    let dir = try Fixtures.temporaryDirectory("sanitized")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out")
    try Driver.write(compilation.code.files, to: out.path)
    let model = try HostModel.build(
      sourceDirectory: out, prefix: "model", graph: graph, workDirectory: dir, compiler: Self.compiler, extraFlags: Self.flags)

    var samples = Array(try InputLoader(graph: graph, normalizeImages: false).load(path: Fixtures.path(c.inputs)).prefix(4))
    let sizes = graph.inputs.map { graph.tensors[$0].elementCount }
    samples += Self.hostileSamples(sizes: sizes, shapes: graph.inputs.map { graph.tensors[$0].shape })
    // A sanitizer report aborts the run, which `run` turns into an error carrying its stderr.
    let outputs = try model.run(samples)
    #expect(outputs.count == samples.count)
  }

  /// Inputs no calibration saw: wide random values, each special value everywhere, and a mix.
  static func hostileSamples(sizes: [Int], shapes: [[Int]]) -> [[FloatTensor]] {
    let specials: [Float] = [.nan, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
    let mixed = specials + [0, -0.0, .leastNonzeroMagnitude, -.leastNormalMagnitude, 1e20, -1e-20]
    var rng = SeededRandom(seed: 10)
    func sample(_ value: (Int) -> Float) -> [FloatTensor] {
      zip(sizes, shapes).map { size, shape in FloatTensor(shape: shape, values: (0..<size).map(value)) }
    }
    var samples: [[FloatTensor]] = []
    samples.append(sample { _ in Float(rng.int(-1_000_000...1_000_000)) / 1000 })
    for s in specials { samples.append(sample { _ in s }) }
    samples.append(sample { mixed[$0 % mixed.count] })
    return samples
  }
}
