// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "nncompile",
  products: [
    .executable(name: "nncompile", targets: ["nncompile"]),
    .library(name: "NNCompileKit", targets: ["NNCompileKit"]),
  ],
  dependencies: [],
  targets: [
    // MARK: - Byte-level readers (no NN semantics)
    .target(name: "NNFormats"),

    // MARK: - Graph IR, import, reference semantics
    .target(name: "NNIR"),
    .target(name: "NNImport", dependencies: ["NNFormats", "NNIR"]),
    .target(name: "NNInterpreter", dependencies: ["NNIR"]),

    // MARK: - Code generation and verification
    .target(name: "NNCodegen", dependencies: ["NNIR"]),
    .target(name: "NNHostSim", dependencies: ["NNIR", "NNInterpreter", "NNCodegen"]),

    // MARK: - Driver and CLI
    .target(
      name: "NNCompileKit",
      dependencies: ["NNFormats", "NNIR", "NNImport", "NNInterpreter", "NNCodegen", "NNHostSim"]),
    .executableTarget(name: "nncompile", dependencies: ["NNCompileKit"]),

    // MARK: - C runtime (the kernels generated code calls)
    .target(name: "NNCRuntime", path: "runtime-c"),

    // MARK: - Tests
    .target(name: "_NNTestSupport", dependencies: ["NNFormats", "NNIR"], path: "Tests/_NNTestSupport"),
    .testTarget(name: "NNFormatsTests", dependencies: ["_NNTestSupport", "NNFormats"]),
    .testTarget(name: "NNIRTests", dependencies: ["_NNTestSupport", "NNIR"]),
    .testTarget(name: "NNImportTests", dependencies: ["_NNTestSupport", "NNImport", "NNFormats"]),
    .testTarget(name: "NNInterpreterTests", dependencies: ["_NNTestSupport", "NNInterpreter", "NNIR"]),
    .testTarget(name: "NNCRuntimeTests", dependencies: ["_NNTestSupport", "NNCRuntime", "NNInterpreter", "NNIR"]),
    .testTarget(name: "NNCodegenTests", dependencies: ["_NNTestSupport", "NNCodegen", "NNCompileKit"]),
    .testTarget(name: "ParityTests", dependencies: ["_NNTestSupport", "NNCompileKit"]),
    .testTarget(name: "CLITests", dependencies: ["_NNTestSupport", "NNCompileKit"]),
  ]
)
