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
    .testTarget(name: "NNFormatsTests", dependencies: ["NNFormats"]),
    .testTarget(name: "NNIRTests", dependencies: ["NNIR"]),
    .testTarget(name: "NNImportTests", dependencies: ["NNImport", "NNFormats"]),
    .testTarget(name: "NNInterpreterTests", dependencies: ["NNInterpreter", "NNIR"]),
    .testTarget(name: "NNCRuntimeTests", dependencies: ["NNCRuntime", "NNInterpreter", "NNIR"]),
    .testTarget(name: "NNCodegenTests", dependencies: ["NNCodegen", "NNCompileKit"]),
    .testTarget(name: "ParityTests", dependencies: ["NNCompileKit"]),
    .testTarget(name: "CLITests", dependencies: ["NNCompileKit"]),
  ]
)
