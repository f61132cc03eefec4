import Foundation
import NNCompileKit

/// `swift run -c release nncompile-bench [--samples N] [--mlperf DIR] [--tflite] [--per-layer MODEL] [model…]`:
/// each bundled model compiled to int8 and to plain float32 for cortex-m4f, run on the emulated
/// Cortex-M4F (QEMU), with MACs, executed instructions, the cycle estimate, MAC/cycle, flash and
/// RAM of both builds, and how many times fewer cycles int8 takes. Figures are for the first
/// sample's model call. Then the four MLPerf Tiny models (`bench/mlperf-tiny`, or `--mlperf DIR`
/// of the same layout) in int8 next to TFLite Micro + CMSIS-NN (`MLPerf.swift`): their `.nnp`
/// calibrated by nncompile, or with `--tflite` MLCommons' int8 `.tflite` itself; `--per-layer`
/// prints a model's cycles step by step. Model names choose what runs (default: everything).

struct BenchModel {
  var name: String
  var path: String
  /// int8 calibration data and the samples to run (raw float32 `.bin`).
  var calibration: String
  var input: String
}

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
func repo(_ p: String) -> String { root.appendingPathComponent(p).path }

let models = [
  BenchModel(
    name: "mnist-lenet", path: repo("examples/mnist-lenet/lenet.nnp"), calibration: repo("examples/mnist-lenet/calibration.bin"),
    input: repo("examples/mnist-lenet/digit5.input.bin")),
  BenchModel(
    name: "digits_lenet", path: repo("Tests/Fixtures/nnabla/digits_lenet/model.nnp"),
    calibration: repo("Tests/Fixtures/nnabla/digits_lenet/calibration.bin"), input: repo("Tests/Fixtures/nnabla/digits_lenet/test_inputs.bin")),
  // These fixtures ship no separate calibration set: they calibrate on their own 16 inputs.
  BenchModel(
    name: "lenet28", path: repo("Tests/Fixtures/nnabla/lenet28/model.nnp"), calibration: repo("Tests/Fixtures/nnabla/lenet28/inputs.bin"),
    input: repo("Tests/Fixtures/nnabla/lenet28/inputs.bin")),
  BenchModel(
    name: "cnn_bn", path: repo("Tests/Fixtures/nnabla/cnn_bn/model.nnp"), calibration: repo("Tests/Fixtures/nnabla/cnn_bn/inputs.bin"),
    input: repo("Tests/Fixtures/nnabla/cnn_bn/inputs.bin")),
  BenchModel(
    name: "iris_mlp", path: repo("Tests/Fixtures/nnabla/iris_mlp/model.nnp"), calibration: repo("Tests/Fixtures/nnabla/iris_mlp/inputs.bin"),
    input: repo("Tests/Fixtures/nnabla/iris_mlp/inputs.bin")),
]

var arguments = Array(CommandLine.arguments.dropFirst())
/// Takes every `--name value` out of `arguments`.
func take(_ name: String, from arguments: inout [String]) -> [String] {
  var values: [String] = []
  while let k = arguments.firstIndex(of: name) {
    guard k + 1 < arguments.count else {
      FileHandle.standardError.write(Data("\(name) needs a value\n".utf8))
      exit(2)
    }
    values.append(arguments[k + 1])
    arguments.removeSubrange(k...(k + 1))
  }
  return values
}
var sampleCount = 1
if let n = take("--samples", from: &arguments).last {
  guard let value = Int(n), value > 0 else {
    FileHandle.standardError.write(Data("--samples needs a positive number\n".utf8))
    exit(2)
  }
  sampleCount = value
}
let mlperfDirectory = take("--mlperf", from: &arguments).last.map { URL(fileURLWithPath: $0) } ?? root.appendingPathComponent("bench/mlperf-tiny")
let perLayer = Set(take("--per-layer", from: &arguments))
let mlperfSource: MLPerfSource = arguments.contains("--tflite") ? .tflite : .nnp
arguments.removeAll { $0 == "--tflite" }
let names = Set(arguments).union(perLayer)
let chosen = names.isEmpty ? models : models.filter { names.contains($0.name) }
let chosenMLPerf = names.isEmpty ? MLPerfModel.all : MLPerfModel.all.filter { names.contains($0.name) }
if let unknown = names.subtracting(models.map(\.name) + MLPerfModel.all.map(\.name)).first {
  FileHandle.standardError.write(Data("unknown model '\(unknown)'; the models: \((models.map(\.name) + MLPerfModel.all.map(\.name)).joined(separator: ", "))\n".utf8))
  exit(2)
}

func emulate(_ model: BenchModel, _ quantization: String, samples sampleCount: Int) throws -> EmulationReport {
  let options = CompileOptions(target: try .named("cortex-m4f"), quantization: quantization, calibrationData: model.calibration)
  let compilation = try Driver.compile(modelPath: model.path, options: options)
  let loader = InputLoader(graph: compilation.model.graph, normalizeImages: compilation.normalizeImages)
  let samples = Array(try loader.load(path: model.input).prefix(sampleCount))
  let report = try Verifier.verify(compilation, samples: samples, emulate: true)
  guard let e = report.emulation else { throw EmulationError("no emulation figures") }
  if !report.passed { FileHandle.standardError.write(Data("\(model.name) \(quantization): \(report.failures.joined(separator: "; "))\n".utf8)) }
  return e
}

func pad(_ s: String, _ width: Int) -> String { s.padding(toLength: max(width, s.count), withPad: " ", startingAt: 0) }

/// "exact" when the emulated outputs have the host's bits, else their max-rel difference.
func agreement(_ e: EmulationReport) -> String { e.outputsBitExact ? "exact" : String(format: "%.0e", e.againstHost.maxRel) }

func row(_ name: String, _ q: String, _ e: EmulationReport) -> String {
  pad(name, 13) + pad(q, 8)
    + String(
      format: "%9d %12d %12d %9.3f %10d %10d %10d %6d  ", e.macs, e.instructions, e.cycles, e.macsPerCycle, e.modelFlashBytes, e.flashBytes,
      e.modelRAMStaticBytes, e.peakStackBytes) + agreement(e)
}

var failed = false
if !chosen.isEmpty {
print("Emulated Cortex-M4F (QEMU mps2-an386, arm-none-eabi-gcc -O2 -std=c99), one model call; cycles are the")
print("Cortex-M4 TRM estimate (zero wait states). flash = model+kernels+weights / whole image; RAM = arena (static) and peak stack.")
print("emulated vs host outputs: exact = same bits, else max-abs / output range (float32 models that call libm's expf).")
print("model        build        MACs instructions       cycles MAC/cycle flash(mdl) flash(all) RAM(arena)  stack  vs host")
for model in chosen {
  do {
    let q8 = try emulate(model, "int8", samples: sampleCount)
    print(row(model.name, "int8", q8))
    let f32 = try emulate(model, "float32", samples: sampleCount)
    print(row(model.name, "float32", f32))
    print(pad(model.name, 13) + String(
      format: "float32/int8: cycles %.2fx  instructions %.2fx  model flash %.2fx  arena %.2fx",
      Double(f32.cycles) / Double(max(q8.cycles, 1)), Double(f32.instructions) / Double(max(q8.instructions, 1)),
      Double(f32.modelFlashBytes) / Double(max(q8.modelFlashBytes, 1)), Double(f32.modelRAMStaticBytes) / Double(max(q8.modelRAMStaticBytes, 1))))
  } catch {
    failed = true
    FileHandle.standardError.write(Data("\(model.name): \(error)\n".utf8))
  }
}
}
if !chosenMLPerf.isEmpty && !MLPerfBench.run(chosenMLPerf, directory: mlperfDirectory, perLayer: perLayer, source: mlperfSource) { failed = true }
exit(failed ? 1 : 0)
