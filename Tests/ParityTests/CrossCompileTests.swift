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
    #expect(compilation.code.files.map(\.name).contains("net.h"))
    try Self.expectWarningFree(compilation)
  }

  /// Int8 builds with both kernel sets: the digit model (every int8 kernel family it uses) and
  /// the bundled example, as its README compiles it.
  static let int8Builds: [(model: String, calibration: String)] = [
    (Fixtures.path("nnabla/digits_lenet/model.nnp"), Fixtures.path("nnabla/digits_lenet/calibration.bin")),
    (
      Fixtures.repositoryRoot.appendingPathComponent("examples/mnist-lenet/lenet.nnp").path,
      Fixtures.repositoryRoot.appendingPathComponent("examples/mnist-lenet/calibration.bin").path
    ),
  ]

  @Test(arguments: [KernelSet.optimized, .reference])
  func int8C_isWarningFreeOnEveryCompiler(_ kernels: KernelSet) throws {
    for build in Self.int8Builds {
      let compilation = try Driver.compile(
        modelPath: build.model,
        options: CompileOptions(
          target: try .named("cortex-m4f"), quantization: "int8", calibrationData: build.calibration, kernels: kernels))
      try Self.expectWarningFree(compilation)
    }
  }

  /// Every `.c` of the compile builds with every compiler under the strict flags.
  static func expectWarningFree(_ compilation: Compilation) throws {
    let dir = try Fixtures.temporaryDirectory("cross")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out")
    try Driver.write(compilation.code.files, to: out.path)
    let sources = compilation.code.files.map(\.name).filter { $0.hasSuffix(".c") }.map { out.appendingPathComponent($0).path }
    for (cc, flags) in compilers {
      for source in sources {
        let obj = dir.appendingPathComponent(URL(fileURLWithPath: source).lastPathComponent + ".\(cc).o").path
        let r = try ProcessRunner.run(cc, strict + flags + ["-I", out.path, source, "-o", obj])
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
