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
    .target(name: "NNInterpreter", dependencies: ["NNIR"]),
    // One file per nnabla function beyond the core ops (NNIR's `NNFunction`).
    .target(name: "NNFunctions", dependencies: ["NNIR", "NNInterpreter"]),
    .target(name: "NNImport", dependencies: ["NNFormats", "NNIR", "NNFunctions"]),
    .target(name: "NNExport", dependencies: ["NNFormats", "NNIR"]),

    // MARK: - Training (datasets, gradients, optimizers)
    .target(name: "NNTrain", dependencies: ["NNIR", "NNInterpreter", "NNFormats"]),

    // MARK: - Graph passes and int8 quantization
    .target(name: "NNPasses", dependencies: ["NNIR"]),
    .target(name: "NNQuantize", dependencies: ["NNIR", "NNInterpreter"]),

    // MARK: - Code generation and verification
    .target(name: "NNCodegen", dependencies: ["NNIR", "NNFormats"]),
    .target(name: "NNHostSim", dependencies: ["NNIR", "NNInterpreter", "NNCodegen"]),
    .target(name: "NNEmulation", dependencies: ["NNHostSim"]),

    // MARK: - Driver and CLI
    .target(
      name: "NNCompileKit",
      dependencies: [
        "NNFormats", "NNIR", "NNFunctions", "NNImport", "NNInterpreter", "NNPasses", "NNQuantize", "NNCodegen", "NNHostSim", "NNTrain",
        "NNEmulation", "NNExport",
      ]),
    // Structure search: mutate a network, train, quantize, measure against the target's budgets.
    .target(name: "NNSearch", dependencies: ["NNCompileKit", "NNFormats", "NNIR", "NNImport", "NNExport", "NNTrain"]),
    .executableTarget(name: "nncompile", dependencies: ["NNCompileKit", "NNSearch"]),
    // The emulated Cortex-M4F benchmark: swift run -c release nncompile-bench (see README).
    .executableTarget(name: "nncompile-bench", dependencies: ["NNCompileKit"], path: "bench/nncompile-bench"),
    // Training speed next to nnabla's: bench/train-speed.sh.
    // The int8 cycle predictor's fit on emulated step profiles: bench/cycle-model/run.sh.
    .executableTarget(name: "cycle-model", dependencies: ["NNCompileKit", "NNCodegen"], path: "bench/cycle-model", exclude: ["lenet_variants.py", "small_networks.py", "networks", "run.sh", "README.md", "profiles.json", "profiles-reference.json"]),
    .executableTarget(name: "nncompile-train-bench", dependencies: ["NNTrain", "NNImport", "NNIR"], path: "bench/nncompile-train-bench"),
    // The numbers the training examples report (accuracy float vs int8, anomaly AUROC): examples/train-*/run.sh.
    .executableTarget(name: "example-score", dependencies: ["NNCompileKit"], path: "examples/example-score"),

    // MARK: - C runtime (the kernels generated code calls)
    .target(name: "NNCRuntime", path: "runtime-c"),

    // MARK: - Tests
    .target(name: "_NNTestSupport", dependencies: ["NNFormats", "NNIR"], path: "Tests/_NNTestSupport"),
    // The reader entry points scripts/fuzz.sh builds under libFuzzer; the tests replay what it found.
    .target(
      name: "_NNFuzzTargets", dependencies: ["NNFormats", "NNIR", "NNImport", "NNPasses", "NNQuantize"],
      path: "Tests/_NNFuzzTargets"),
    .testTarget(name: "NNFormatsTests", dependencies: ["_NNTestSupport", "NNFormats"]),
    .testTarget(name: "NNIRTests", dependencies: ["_NNTestSupport", "NNIR"]),
    .testTarget(name: "NNImportTests", dependencies: ["_NNTestSupport", "_NNFuzzTargets", "NNImport", "NNFormats", "NNInterpreter", "NNCompileKit"]),
    .testTarget(
      name: "NNFunctionsTests",
      dependencies: ["_NNTestSupport", "NNFunctions", "NNIR", "NNInterpreter", "NNImport", "NNPasses", "NNQuantize", "NNCompileKit"]),
    .testTarget(name: "NNInterpreterTests", dependencies: ["_NNTestSupport", "NNInterpreter", "NNIR"]),
    .testTarget(name: "NNExportTests", dependencies: ["_NNTestSupport", "NNExport", "NNFormats", "NNIR", "NNImport", "NNInterpreter"]),
    .testTarget(name: "NNTrainTests", dependencies: ["_NNTestSupport", "NNTrain", "NNIR", "NNInterpreter", "NNFormats", "NNImport"]),
    .testTarget(name: "NNPassesTests", dependencies: ["_NNTestSupport", "NNPasses", "NNIR", "NNInterpreter", "NNImport"]),
    .testTarget(name: "NNQuantizeTests", dependencies: ["_NNTestSupport", "NNQuantize", "NNIR", "NNInterpreter", "NNImport"]),
    .testTarget(name: "NNCRuntimeTests", dependencies: ["_NNTestSupport", "NNCRuntime", "NNInterpreter", "NNIR"]),
    .testTarget(name: "NNCodegenTests", dependencies: ["_NNTestSupport", "NNCodegen", "NNCompileKit"]),
    .testTarget(name: "ParityTests", dependencies: ["_NNTestSupport", "NNCompileKit"]),
    .testTarget(name: "CLITests", dependencies: ["_NNTestSupport", "NNCompileKit"]),
    .testTarget(name: "NNSearchTests", dependencies: ["_NNTestSupport", "NNSearch", "NNCompileKit", "NNFormats", "NNIR", "NNImport"]),
    .testTarget(name: "EmulationTests", dependencies: ["_NNTestSupport", "NNCompileKit", "NNEmulation"]),
  ]
)
