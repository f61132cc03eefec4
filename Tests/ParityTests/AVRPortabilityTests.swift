import Foundation
import NNCompileKit
import Testing
import _NNTestSupport

/// The C builds for an 8-bit AVR (ATmega2560: 16-bit `int`, 16-bit `size_t`) with -Werror, which
/// catches `int`-width assumptions: a literal past 32767 in `int` arithmetic, `1 << 20`, an
/// `int` counter over a large tensor. AVR-GCC also refuses any object over 32,767 bytes, so the
/// models here are the fixtures whose largest weight array and arena fit that; every runtime
/// source is built on its own as well, so kernels no fixture calls are covered too.
@Suite struct AVRPortabilityTests {
  static let flags = ["-mmcu=atmega2560", "-std=c99", "-Os", "-Wall", "-Wextra", "-Werror", "-pedantic", "-c"]

  /// int8 builds calibrated on their own test inputs: Convolution, pooling, Affine, folded
  /// BatchNormalization, table activations and Softmax between them.
  static let int8Models = [
    ("real/nnabla_lenet_010000.nnp", "real/nnabla_lenet_010000__nnabla_5.input.bin"),
    ("real/nnc_result.nnp", "real/nnc_result__nnc_001.input.bin"),
    ("nnabla/iris_mlp/model.nnp", "nnabla/iris_mlp/inputs.bin"),
    ("nnabla/lenet28/model.nnp", "nnabla/lenet28/inputs.bin"),
    ("nnabla/cnn_bn/model.nnp", "nnabla/cnn_bn/inputs.bin"),
  ]

  static func expectBuildsForAVR(_ sources: [String], include: String, scratch: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
    for source in sources {
      let object = scratch.appendingPathComponent(URL(fileURLWithPath: source).lastPathComponent + ".avr.o").path
      let r = try ProcessRunner.run("avr-gcc", flags + ["-I", include, source, "-o", object])
      #expect(r.status == 0, "avr-gcc \(source):\n\(r.stderr)", sourceLocation: sourceLocation)
    }
  }

  @Test func everyRuntimeSourceBuildsForAVR() throws {
    let runtime = Fixtures.repositoryRoot.appendingPathComponent("runtime-c")
    let src = runtime.appendingPathComponent("src")
    let sources = try FileManager.default.contentsOfDirectory(atPath: src.path).filter { $0.hasSuffix(".c") }.sorted()
    #expect(sources.count >= 10, "\(sources)")
    let dir = try Fixtures.temporaryDirectory("avr-runtime")
    defer { try? FileManager.default.removeItem(at: dir) }
    try Self.expectBuildsForAVR(
      sources.map { src.appendingPathComponent($0).path }, include: runtime.appendingPathComponent("include").path, scratch: dir)
  }

  @Test(arguments: int8Models)
  func int8ModelBuildsForAVR(_ model: String, _ calibration: String) throws {
    let compilation = try Driver.compile(
      modelPath: Fixtures.path(model),
      options: CompileOptions(
        target: try .named("cortex-m4f"), quantization: "int8", calibrationData: Fixtures.path(calibration),
        // An AVR has no SMLAD: the reference kernels, with their int8 weights, are what it would use.
        kernels: .reference))
    try expectGeneratedCBuildsForAVR(compilation)
  }

  @Test func float32ModelBuildsForAVR() throws {
    let compilation = try Driver.compile(
      modelPath: Fixtures.path("nnabla/iris_mlp/model.nnp"), options: CompileOptions(target: try .named("host"), quantization: "float32"))
    try expectGeneratedCBuildsForAVR(compilation)
  }

  func expectGeneratedCBuildsForAVR(_ compilation: Compilation, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let dir = try Fixtures.temporaryDirectory("avr")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out")
    try Driver.write(compilation.code.files, to: out.path)
    let sources = compilation.code.files.map(\.name).filter { $0.hasSuffix(".c") }
    #expect(sources.contains("model.c") && sources.contains("model_weights.c"), sourceLocation: sourceLocation)
    try Self.expectBuildsForAVR(sources.map { out.appendingPathComponent($0).path }, include: out.path, scratch: dir, sourceLocation: sourceLocation)
  }
}
