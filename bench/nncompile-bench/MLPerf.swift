import Foundation
import NNCompileKit

/// A model of MLPerf Tiny v1 and TFLite Micro + CMSIS-NN's figures for it: one `Invoke()` of
/// MLCommons' int8 `.tflite` on the same emulated Cortex-M4F and cycle model, its smallest arena,
/// and its whole program's flash (see bench/mlperf-tiny/README.md). The bench's only built-in figures.
struct MLPerfModel {
  var name: String
  var tflmCycles: Int
  var tflmArenaBytes: Int
  var tflmFlashBytes: Int
  /// ad reconstructs its input (640 values): top-1 means nothing there, the cosine does.
  var isClassifier = true

  static let all = [
    MLPerfModel(name: "ad", tflmCycles: 730_212, tflmArenaBytes: 3_012, tflmFlashBytes: 331_560, isClassifier: false),
    MLPerfModel(name: "kws", tflmCycles: 9_410_982, tflmArenaBytes: 22_824, tflmFlashBytes: 160_932),
    MLPerfModel(name: "ic", tflmCycles: 37_364_164, tflmArenaBytes: 55_000, tflmFlashBytes: 202_868),
    MLPerfModel(name: "vww", tflmCycles: 29_883_144, tflmArenaBytes: 100_712, tflmFlashBytes: 467_436),
  ]
}

/// What the bench measured of one MLPerf model: the emulated run of sample 0 and the host run of
/// every sample (int8 C against the float model and against nnabla's outputs).
struct MLPerfResult {
  var emulation: EmulationReport
  var samples: Int
  var top1AgainstFloat: Int
  var top1AgainstNNabla: Int
  var cosineAgainstFloat: Double
}

/// Which form of each model the bench compiles.
enum MLPerfSource {
  /// `model_native.nnp`, int8 calibrated on `inputs.bin`, against nnabla's outputs.
  case nnp
  /// MLCommons' own int8 `<m>_int8.tflite` with its own quantization (the very model TFLM runs),
  /// NHWC inputs, against TFLite's reference kernels' outputs.
  case tflite

  var referenceName: String { self == .nnp ? "nnabla" : "TFLite" }
}

enum MLPerfBench {
  /// int8, calibrated on all of `inputs.bin` (or the `.tflite`'s own quantization); cycles of its
  /// first sample on the emulator, agreement over all of them on the host (as `verify --calibrate
  /// inputs.bin --input one.bin --emulate`).
  static func measure(_ model: MLPerfModel, directory: URL, source: MLPerfSource) throws -> MLPerfResult {
    let base = directory.appendingPathComponent(model.name)
    let (modelFile, inputs, reference) =
      source == .nnp
      ? ("model_native.nnp", base.appendingPathComponent("inputs.bin").path, "outputs_native_nnabla.bin")
      : ("\(model.name)_int8.tflite", base.appendingPathComponent("inputs_nhwc.bin").path, "outputs_tflite_int8_ref.bin")
    let options = CompileOptions(
      target: try .named("cortex-m4f"), quantization: "int8", calibrationData: source == .nnp ? inputs : nil)
    let compilation = try Driver.compile(modelPath: base.appendingPathComponent(modelFile).path, options: options)
    let loader = InputLoader(graph: compilation.model.graph, normalizeImages: compilation.normalizeImages)
    let samples = try loader.load(path: inputs)
    let expected = try ExpectedOutputs.load(
      path: base.appendingPathComponent(reference).path, graph: compilation.model.graph, samples: samples.count)
    let accuracy = try Verifier.verify(compilation, samples: samples, expected: expected)
    let timing = try Verifier.verify(compilation, samples: [samples[0]], emulate: true)
    guard let emulation = timing.emulation, let output = accuracy.outputs.first, let float = output.againstFloat,
      let nnabla = output.againstExpected
    else { throw EmulationError("\(model.name): no emulation or agreement figures") }
    // Agreement with the float model is what this measures; only the bit-exact checks fail the bench.
    let broken = (accuracy.failures + timing.failures).filter { !$0.contains("cosine") && !$0.contains("top-1") }
    if !broken.isEmpty { throw EmulationError("\(model.name): \(broken.joined(separator: "; "))") }
    return MLPerfResult(
      emulation: emulation, samples: samples.count, top1AgainstFloat: Int((float.top1Agreement * Double(samples.count)).rounded()),
      top1AgainstNNabla: Int((nnabla.top1Agreement * Double(samples.count)).rounded()), cosineAgainstFloat: float.cosine)
  }

  /// TFLM's cycles per operator (`tflm.perop.tsv`: op, type, out_shape, macs, instructions,
  /// cycles_est, mac_per_cycle), to read beside our steps; empty when the folder has none.
  static func tflmTable(_ folder: URL) -> String {
    guard let text = try? String(contentsOf: folder.appendingPathComponent("tflm.perop.tsv"), encoding: .utf8) else { return "" }
    var s = "TFLM + CMSIS-NN per operator (tflm.perop.tsv):\n"
    for line in text.split(separator: "\n").dropFirst() {
      let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard f.count >= 7 else { continue }
      s += "  " + pad(f[0], 4) + pad(f[1], 20) + pad(f[2], 14) + String(repeating: " ", count: max(0, 10 - f[3].count)) + f[3]
      s += String(repeating: " ", count: max(0, 12 - f[5].count)) + f[5] + String(repeating: " ", count: max(0, 10 - f[6].count)) + f[6] + "\n"
    }
    return s
  }

  /// Prints the table (and the per-step tables asked for); false when a model failed.
  static func run(_ models: [MLPerfModel], directory: URL, perLayer: Set<String>, source: MLPerfSource = .nnp) -> Bool {
    print()
    let how = source == .nnp ? "model_native.nnp, int8 calibrated on every sample of inputs.bin" : "<m>_int8.tflite with its own quantization"
    print("MLPerf Tiny (\(directory.path)), \(how), cycles of sample 0; TFLM = TFLite Micro +")
    print("CMSIS-NN on the same emulator and cycle model. arena = model RAM; flash = whole image (ours incl. start-up, libc, harness).")
    print("ratio = TFLM ÷ ours (> 1: ours is better). top-1 = int8 C agrees with the float model (and with \(source.referenceName)'s outputs) on k of n.")
    print("model        MACs       cycles MAC/cycle   arena    flash stack | TFLM cycles   arena    flash | ratio cyc  arena  flash |  top-1: float  \(pad(source.referenceName, 6))  cosine")
    var passed = true
    var tables: [String] = []
    var edgeLines: [String] = []
    for model in models {
      do {
        let r = try measure(model, directory: directory, source: source)
        let e = r.emulation
        func ratio(_ theirs: Int, _ ours: Int) -> Double { Double(theirs) / Double(max(ours, 1)) }
        // TFLM's Invoke() starts from int8 codes; ours quantizes the float input (and dequantizes
        // the output) in the call: the cycles of those edge steps, from the step profile.
        let edges = (e.steps ?? []).filter { $0.kernel == "nnc_quantize_s8" || $0.kernel == "nnc_dequantize_s8" }.map(\.cycles).reduce(0, +)
        edgeLines.append(
          pad(model.name, 5)
            + String(
              format: "float edges %9d cycles; from int8 to int8 %12d cycles, TFLM ÷ ours %.2f", edges, e.cycles - edges,
              Double(model.tflmCycles) / Double(max(e.cycles - edges, 1))))
        let agreement = String(format: "%8d/%d %4d/%d", r.top1AgainstFloat, r.samples, r.top1AgainstNNabla, r.samples)
        let top1 = model.isClassifier ? agreement : String(repeating: " ", count: agreement.count - 8) + "-       -"
        print(
          pad(model.name, 5)
            + String(
              format: "%11d %12d %9.3f %7d %8d %5d | %11d %7d %8d | %9.2f %6.2f %6.2f | %@ %8.5f", e.macs, e.cycles, e.macsPerCycle,
              e.modelRAMStaticBytes, e.flashBytes, e.peakStackBytes, model.tflmCycles, model.tflmArenaBytes, model.tflmFlashBytes,
              ratio(model.tflmCycles, e.cycles), ratio(model.tflmArenaBytes, e.modelRAMStaticBytes), ratio(model.tflmFlashBytes, e.flashBytes),
              top1 as NSString, r.cosineAgainstFloat))
        if perLayer.contains(model.name) {
          tables.append("\(model.name): " + (e.profileText ?? "no per-step profile\n") + tflmTable(directory.appendingPathComponent(model.name)))
        }
      } catch {
        passed = false
        FileHandle.standardError.write(Data("\(model.name): \(error)\n".utf8))
      }
    }
    if !edgeLines.isEmpty {
      print()
      for line in edgeLines { print(line) }
    }
    for t in tables {
      print()
      print(t, terminator: "")
    }
    return passed
  }
}
