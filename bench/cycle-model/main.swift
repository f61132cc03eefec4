import Foundation
import NNCodegen
import NNCompileKit

/// Fits the int8 cycle predictor (`NNCodegen.CyclePrediction`) on emulated step profiles.
///
///   swift run cycle-model measure [--variants DIR] [--small DIR] [--kernels reference] -o profiles.json [model…]   (QEMU + arm-none-eabi-gcc)
///   swift run cycle-model fit profiles.json [profiles-reference.json] [--write] [--cv] [--steps]
///
/// `measure` compiles each model int8 for cortex-m4f (the optimized kernels, or `--kernels reference`), emulates one sample and
/// stores every step's kind, features `[1, work, outputs, inputs]` and emulated cycles, and the
/// whole call's cycles. `fit` fits `a + b·work + c·outputs + d·inputs` per kind (least squares on
/// relative error, coefficients kept >= 0), prints the table and predicted vs emulated cycles per
/// model; `--write` regenerates `Sources/NNCodegen/Generated/CycleCoefficients.swift`.
/// `--cv` also predicts each model from a fit on the others (leave one model out).
/// `--variants DIR`: trained LeNet-like `.nnp` files (see `run.sh`), calibrated on the digits;
/// `--small DIR`: the small search-like networks (`networks/`, trained by `run.sh`), likewise.
/// `--kernels reference`: build with the reference kernels (plain loops) instead, the MLPerf
/// models left out (the search never builds them; their reference builds emulate for minutes).
/// `fit` with a second file (the reference profiles) fits the reference kinds
/// (`referenceKinds`) on those profiles' steps of these kinds only, and every other kind, and the
/// call's cycles, on the optimized profiles alone: the reference pass cannot move an optimized
/// prediction by a cycle.

struct StepRow: Codable { var kind: String; var kernel: String?; var x: [Double]; var cycles: Int }
struct ModelProfile: Codable {
  var model: String; var group: String; var cycles: Int; var steps: [StepRow]
  /// "reference" for a reference-kernel build; nil: the optimized kernels.
  var kernels: String? = nil
}

/// The kinds only reference-kernel builds have: fitted on the reference profiles alone.
let referenceKinds: Set<String> = [
  CycleStepKind.convolutionReference, .convolutionReferencePool, .affineReference, .addReference, .mulReference,
].map(\.rawValue).reduce(into: []) { $0.insert($1) }

/// The rows a kind is fitted on: the reference kinds' rows of the reference profiles, every
/// other kind's rows of the optimized profiles.
func fitRows(_ profiles: [ModelProfile]) -> [StepRow] {
  profiles.flatMap { p in p.steps.filter { referenceKinds.contains($0.kind) == (p.kernels == "reference") } }
}

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
func repo(_ p: String) -> String { root.appendingPathComponent(p).path }
func fail(_ s: String) -> Never {
  FileHandle.standardError.write(Data((s + "\n").utf8))
  exit(1)
}

var args = Array(CommandLine.arguments.dropFirst())
func take(_ name: String, _ args: inout [String]) -> String? {
  guard let k = args.firstIndex(of: name), k + 1 < args.count else { return nil }
  defer { args.removeSubrange(k...(k + 1)) }
  return args[k + 1]
}

/// (name, group, model, calibration, input)
func models(variants: String?, small: String?) -> [(String, String, String, String?, String)] {
  var list: [(String, String, String, String?, String)] = []
  let digits = repo("examples/digits/valid.csv")
  for (dir, group) in [(variants, "lenet"), (small, "small")] {
    guard let dir else { continue }
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".nnp") }.sorted()
    for f in files { list.append((String(f.dropLast(4)), group, dir + "/" + f, digits, digits)) }
  }
  list.append(("digits_lenet", "lenet", repo("Tests/Fixtures/nnabla/digits_lenet/model.nnp"), repo("Tests/Fixtures/nnabla/digits_lenet/calibration.bin"), repo("Tests/Fixtures/nnabla/digits_lenet/test_inputs.bin")))
  list.append(("mnist-lenet", "lenet", repo("examples/mnist-lenet/lenet.nnp"), repo("examples/mnist-lenet/calibration.bin"), repo("examples/mnist-lenet/digit5.input.bin")))
  for name in ["lenet28", "cnn_bn", "iris_mlp"] {
    let d = "Tests/Fixtures/nnabla/\(name)/"
    list.append((name, "fixture", repo(d + "model.nnp"), repo(d + "inputs.bin"), repo(d + "inputs.bin")))
  }
  for name in ["ad", "kws", "ic", "vww"] {
    let d = "bench/mlperf-tiny/\(name)/"
    list.append(("mlperf-" + name, "mlperf", repo(d + "\(name)_int8.tflite"), nil, repo(d + "inputs_nhwc.bin")))
  }
  return list
}

func measure(_ name: String, _ group: String, _ path: String, _ calibration: String?, _ input: String, kernels: KernelSet?) throws -> ModelProfile {
  var options = CompileOptions(target: try .named("cortex-m4f"), quantization: "int8", calibrationData: calibration)
  if let kernels { options.kernels = kernels }
  let compilation = try Driver.compile(modelPath: path, options: options)
  guard let program = compilation.program else { throw EmulationError("\(name): no int8 program") }
  let loader = InputLoader(graph: compilation.model.graph, normalizeImages: compilation.normalizeImages)
  let samples = Array(try loader.load(path: input).prefix(1))
  let report = try Verifier.verify(compilation, samples: samples, emulate: true)
  guard let e = report.emulation, let steps = e.steps else { throw EmulationError("\(name): no step profile") }
  let rows = program.steps.enumerated().map { k, step in
    let (kind, x) = CyclePrediction.features(step, in: program, kernels: options.kernels)
    return StepRow(kind: kind.rawValue, kernel: steps[k].kernel, x: x, cycles: steps[k].cycles)
  }
  return ModelProfile(model: name, group: group, cycles: e.cycles, steps: rows, kernels: kernels == .reference ? "reference" : nil)
}

/// Rows weigh 1/cycles^power (CYCLE_FIT_POWER, default 0.5): 1 fits relative error, where a
/// small step counts as much as a big one; 0 absolute error, which the big steps own; 0.5 fits
/// the totals best (2026-12-04, 12 variants: worst LeNet-like model 10.3 %, against 11.2 % and 10.6 %).
let weightPower = Double(ProcessInfo.processInfo.environment["CYCLE_FIT_POWER"] ?? "") ?? 0.5

/// Weighted least squares (`weightPower`) with coefficients >= 0: drops the most
/// negative one and refits. `active` are the feature columns in play.
func fit(_ rows: [StepRow]) -> [Double] {
  let p = rows.map(\.x.count).max() ?? 4
  var active = (0..<p).filter { j in rows.contains { $0.x[j] != 0 } }
  // Too few distinct rows for every column: the largest per-element term alone, plus the call.
  while true {
    if active.isEmpty { return [Double](repeating: 0, count: p) }
    let n = active.count
    var a = [[Double]](repeating: [Double](repeating: 0, count: n), count: n), b = [Double](repeating: 0, count: n)
    for r in rows {
      let w = weightPower == 1 ? 1 / max(Double(r.cycles), 1) : pow(max(Double(r.cycles), 1), -weightPower)
      for (i, ji) in active.enumerated() {
        b[i] += w * w * r.x[ji] * Double(r.cycles)
        for (k, jk) in active.enumerated() { a[i][k] += w * w * r.x[ji] * r.x[jk] }
      }
    }
    for i in 0..<n { a[i][i] += 1e-9 * max(a[i][i], 1e-12) }
    guard let s = solve(a, b) else {
      active.removeFirst()
      continue
    }
    if let worst = s.indices.min(by: { s[$0] < s[$1] }), s[worst] < 0 {
      active.remove(at: worst)
      continue
    }
    var c = [Double](repeating: 0, count: p)
    for (i, j) in active.enumerated() { c[j] = s[i] }
    return c
  }
}

func solve(_ a0: [[Double]], _ b0: [Double]) -> [Double]? {
  var a = a0, b = b0
  let n = b.count
  for col in 0..<n {
    guard let piv = (col..<n).max(by: { abs(a[$0][col]) < abs(a[$1][col]) }), abs(a[piv][col]) > 1e-300 else { return nil }
    a.swapAt(col, piv)
    b.swapAt(col, piv)
    for r in 0..<n where r != col {
      let f = a[r][col] / a[col][col]
      if f == 0 { continue }
      for k in col..<n { a[r][k] -= f * a[col][k] }
      b[r] -= f * b[col]
    }
  }
  let x = (0..<n).map { b[$0] / a[$0][$0] }
  return x.allSatisfy(\.isFinite) ? x : nil
}

func median(_ v: [Double]) -> Double {
  let s = v.sorted()
  return s.isEmpty ? 0 : s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// A profile's group in the tables: the reference builds as `group/ref`.
func group(_ p: ModelProfile) -> String { p.kernels == "reference" ? p.group + "/ref" : p.group }

func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).map { $0 * $1 }.reduce(0, +) }

func predict(_ rows: [StepRow], _ table: [String: [Double]], call: Double) -> Double {
  rows.map { r in zip(table[r.kind] ?? CyclePrediction.coefficients(CycleStepKind(rawValue: r.kind)!), r.x).map { $0 * $1 }.reduce(0, +) }
    .map { max(0, $0) }.reduce(0, +) + call
}

let mode = args.first ?? ""
args = Array(args.dropFirst())
switch mode {
case "measure":
  guard let out = take("-o", &args) else { fail("measure needs -o profiles.json") }
  let variants = take("--variants", &args)
  let small = take("--small", &args)
  let kernels: KernelSet? = take("--kernels", &args).map { k in
    guard let set = KernelSet(rawValue: k) else { fail("--kernels optimized|reference") }
    return set
  }
  let only = Set(args)
  var profiles: [ModelProfile] = []
  for (name, group, path, calibration, input) in models(variants: variants, small: small) where only.isEmpty || only.contains(name) {
    if kernels == .reference && group == "mlperf" { continue }
    do {
      let p = try measure(name, group, path, calibration, input, kernels: kernels)
      FileHandle.standardError.write(Data("\(name): \(p.cycles) cycles, \(p.steps.count) steps\n".utf8))
      profiles.append(p)
    } catch { FileHandle.standardError.write(Data("\(name): \(error)\n".utf8)) }
  }
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
  try encoder.encode(profiles).write(to: URL(fileURLWithPath: out))
case "fit":
  let files = args.filter { !$0.hasPrefix("-") }
  guard !files.isEmpty else { fail("fit needs profiles.json") }
  let profiles = try files.flatMap { file in
    try JSONDecoder().decode([ModelProfile].self, from: Data(contentsOf: URL(fileURLWithPath: file)))
  }
  let all = fitRows(profiles)
  var table: [String: [Double]] = [:]
  print("kind                         steps          a          b/work      c/output     d/input    e/pixel  f/leftover  g/border  max |err| step")
  for kind in CycleStepKind.allCases {
    let rows = all.filter { $0.kind == kind.rawValue }
    guard !rows.isEmpty else { continue }
    let c = fit(rows)
    table[kind.rawValue] = c
    let worst = rows.map { (r: StepRow) -> Double in
      let y = Double(r.cycles)
      return abs(dot(c, r.x) - y) / max(y, 1)
    }.max() ?? 0
    let name = kind.rawValue.padding(toLength: 28, withPad: " ", startingAt: 0)
    let extra = c.count > 6 ? String(format: " %10.2f %11.4f %9.2f", c[4], c[5], c[6])
      : c.count > 4 ? String(format: " %10.2f %11.4f", c[4], c[5]) + String(repeating: " ", count: 10) : String(repeating: " ", count: 33)
    let numbers = String(format: "%6d %10.1f %12.4f %12.4f %11.4f", rows.count, c[0], c[1], c[2], c[3]) + extra
    print(name + numbers + String(format: " %8.1f%%", worst * 100))
  }
  // The call's own cycles (the return after the last step): the most frequent remainder of the
  // whole call over its steps. The remainder also holds the traced build's shift of up to ~1 %
  // against the plain one (StepProfileTests), thousands of cycles on the big models, not a
  // constant; where the two builds time alike it is the return alone.
  let remainders = profiles.filter { $0.kernels == nil }.map { $0.cycles - $0.steps.map(\.cycles).reduce(0, +) }
  let counts = Dictionary(remainders.map { ($0, 1) }, uniquingKeysWith: +)
  let call = Double(counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }?.key ?? 0)
  print(String(format: "call (entry + return)  %.0f cycles\n", call))
  print("model                        group          emulated    predicted   error")
  var worstByGroup: [String: Double] = [:]
  var errorsByGroup: [String: [Double]] = [:]
  for p in profiles {
    let predicted = predict(p.steps, table, call: call)
    let err = (predicted - Double(p.cycles)) / Double(p.cycles)
    worstByGroup[group(p)] = max(worstByGroup[group(p)] ?? 0, abs(err))
    errorsByGroup[group(p), default: []].append(abs(err))
    print(p.model.padding(toLength: 28, withPad: " ", startingAt: 0) + " " + group(p).padding(toLength: 12, withPad: " ", startingAt: 0)
      + String(format: "%11d %12.0f %+7.1f%%", p.cycles, predicted, err * 100))
    // --steps: every step of a model more than 5 % off (kind, kernel, features, emulated, predicted).
    if args.contains("--steps") && abs(err) > 0.05 {
      for r in p.steps {
        let x = r.x.map { String(format: "%.0f", $0) }.joined(separator: " ")
        print(String(format: "    %@ %@ [%@] %d %.0f", r.kind, r.kernel ?? "", x, r.cycles, max(0, dot(table[r.kind] ?? [], r.x))))
      }
    }
  }
  for (g, w) in worstByGroup.sorted(by: { $0.key < $1.key }) {
    print(String(format: "max |error| %@: %.1f%% (median %.1f%%)", g, w * 100, median(errorsByGroup[g] ?? []) * 100))
  }
  if args.contains("--cv") {
    // Leave one model out: fit on the others, predict it (how a new search candidate fares).
    print("\nleave-one-model-out:")
    var worstOut: [String: Double] = [:], errorsOut: [String: [Double]] = [:]
    for p in profiles {
      // The model left out in both builds (the reference build of a network is not new to a
      // fit that saw its optimized build, but its reference steps are).
      let others = fitRows(profiles.filter { $0.model != p.model })
      var t: [String: [Double]] = [:]
      for kind in Set(others.map(\.kind)) { t[kind] = fit(others.filter { $0.kind == kind }) }
      let predicted = predict(p.steps, t, call: call)
      let err = (predicted - Double(p.cycles)) / Double(p.cycles)
      worstOut[group(p)] = max(worstOut[group(p)] ?? 0, abs(err))
      errorsOut[group(p), default: []].append(abs(err))
      print(p.model.padding(toLength: 28, withPad: " ", startingAt: 0) + " " + group(p).padding(toLength: 12, withPad: " ", startingAt: 0)
        + String(format: "%11d %12.0f %+7.1f%%", p.cycles, predicted, err * 100))
    }
    for (g, w) in worstOut.sorted(by: { $0.key < $1.key }) {
      print(String(format: "max |error| left out, %@: %.1f%% (median %.1f%%)", g, w * 100, median(errorsOut[g] ?? []) * 100))
    }
  }
  if args.contains("--write") {
    var s = "// Generated by bench/cycle-model (swift run cycle-model fit bench/cycle-model/profiles.json --write); do not edit.\n"
    s += "// Per CycleStepKind: [a, b, c, d(, e, f, g)] of a + b·work + c·outputs + d·inputs\n"
    s += "// (+ e·pixels × groups + f·leftover MACs + g·border columns),\n"
    s += "// the reference convolutions: [a, MACs inside, outputs, kernel-row iterations, skipped taps, pool reads, pooled outputs];\n"
    s += "// Cortex-M4F cycles.\n"
    s += "enum CycleCoefficients {\n  static let callCycles: Double = \(String(format: "%.1f", call))\n"
    s += "  static let table: [CycleStepKind: [Double]] = [\n"
    for kind in CycleStepKind.allCases { if let c = table[kind.rawValue] {
      s += "    .\(kind.rawValue): [\(c.map { String(format: "%.6g", $0) }.joined(separator: ", "))],\n"
    } }
    s += "  ]\n}\n"
    try s.write(toFile: repo("Sources/NNCodegen/Generated/CycleCoefficients.swift"), atomically: true, encoding: .utf8)
    print("wrote Sources/NNCodegen/Generated/CycleCoefficients.swift")
  }
default:
  fail("usage: cycle-model measure [--variants DIR] [--small DIR] -o profiles.json [model…] | cycle-model fit profiles.json [--write]")
}
