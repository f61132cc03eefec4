import Foundation
import NNCompileKit
import Testing
import _NNTestSupport

/// The generated C builds warning-free as C99 with gcc, clang and arm-none-eabi-gcc (Cortex-M4F).
@Suite struct CrossCompileTests {
  static let models = [
    "real/nnabla_lenet_010000.nnp", "real/nnc_result.nnp", "real/nnc_result2.nnp",
    "nnabla/iris_mlp/model.nnp", "nnabla/lenet28/model.nnp", "nnabla/cnn_bn/model.nnp",
  ]
  static let strict = ["-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-pedantic", "-c"]

  static let compilers: [(name: String, flags: [String])] = [
    ("gcc", []),
    ("clang", []),
    ("arm-none-eabi-gcc", ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"]),
  ]

  @Test(arguments: models)
  func generatedC_isWarningFreeOnEveryCompiler(_ model: String) throws {
    let compilation = try Driver.compile(
      modelPath: Fixtures.path(model), options: CompileOptions(target: try .named("cortex-m4f"), quantization: "float32", prefix: "net"))
    let dir = try Fixtures.temporaryDirectory("cross")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out")
    try Driver.write(compilation.code.files, to: out.path)
    let sources = compilation.code.files.map(\.name).filter { $0.hasSuffix(".c") }.map { out.appendingPathComponent($0).path }
    #expect(compilation.code.files.map(\.name).contains("net.h"))
    for (cc, flags) in Self.compilers {
      for source in sources {
        let obj = dir.appendingPathComponent(URL(fileURLWithPath: source).lastPathComponent + ".\(cc).o").path
        let r = try ProcessRunner.run(cc, Self.strict + flags + ["-I", out.path, source, "-o", obj])
        #expect(r.status == 0, "\(cc) \(source):\n\(r.stderr)")
      }
    }
  }

  /// The int8 build, with every int8 kernel family the digit model uses, under the same flags.
  @Test func int8C_isWarningFreeOnEveryCompiler() throws {
    let compilation = try Driver.compile(
      modelPath: Fixtures.path("nnabla/digits_lenet/model.nnp"),
      options: CompileOptions(
        target: try .named("cortex-m4f"), quantization: "int8", calibrationData: Fixtures.path("nnabla/digits_lenet/calibration.bin")))
    let dir = try Fixtures.temporaryDirectory("cross8")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out")
    try Driver.write(compilation.code.files, to: out.path)
    let sources = compilation.code.files.map(\.name).filter { $0.hasSuffix(".c") }.map { out.appendingPathComponent($0).path }
    for (cc, flags) in Self.compilers {
      for source in sources {
        let obj = dir.appendingPathComponent(URL(fileURLWithPath: source).lastPathComponent + ".\(cc).o").path
        let r = try ProcessRunner.run(cc, Self.strict + flags + ["-I", out.path, source, "-o", obj])
        #expect(r.status == 0, "\(cc) \(source):\n\(r.stderr)")
      }
    }
  }

  @Test func generatedC_hasNoMallocNoStdioAndConstWeights() throws {
    let compilation = try Driver.compile(
      modelPath: Fixtures.path("real/nnc_result2.nnp"), options: CompileOptions(target: try .named("cortex-m4f"), quantization: "float32"))
    for (name, text) in compilation.code.files {
      for call in ["malloc(", "calloc(", "realloc(", "printf("] {
        #expect(!text.contains(call), "\(name) calls \(call)")
      }
      #expect(!text.contains("<stdio.h>"), "\(name)")
    }
    let weights = compilation.code.files.first { $0.name == "model_weights.c" }!.contents
    let arrays = weights.split(separator: "\n").filter { $0.contains("[") && $0.contains("= {") }
    #expect(!arrays.isEmpty)
    #expect(arrays.allSatisfy { $0.hasPrefix("const float ") })
  }
}
