import Foundation
import NNHostSim
import NNIR
import NNInterpreter

/// Limits a CI job can gate on. `maxRel` always applies (C against its reference); the others
/// apply to the figure that measures the model's quality: against the float model for int8
/// builds, against the interpreter for float builds.
public struct VerifyThresholds: Sendable, Codable {
  /// max-abs ÷ output range, C against the Swift reference of the same arithmetic.
  public var maxRel: Double
  public var minTop1Agreement: Double?
  public var maxRMSE: Double?
  public var minCosine: Double?
  public var maxAbs: Double?

  public init(maxRel: Double, minTop1Agreement: Double? = nil, maxRMSE: Double? = nil, minCosine: Double? = nil, maxAbs: Double? = nil) {
    self.maxRel = maxRel
    self.minTop1Agreement = minTop1Agreement
    self.maxRMSE = maxRMSE
    self.minCosine = minCosine
    self.maxAbs = maxAbs
  }

  /// The problems of `m` against the optional limits, one phrase each. Written so that a NaN
  /// figure fails: every comparison with NaN is false.
  func failures(_ m: ComparisonMetrics, _ what: String) -> [String] {
    var f: [String] = []
    if let t = minTop1Agreement, !(m.top1Agreement >= t) { f.append("\(what): top-1 agreement \(m.top1Agreement) < \(t)") }
    if let t = maxRMSE, !(m.rmse <= t) { f.append("\(what): RMSE \(m.rmse) > \(t)") }
    if let t = minCosine, !(m.cosine >= t) { f.append("\(what): cosine \(m.cosine) < \(t)") }
    if let t = maxAbs, !(m.maxAbs <= t) { f.append("\(what): max-abs \(m.maxAbs) > \(t)") }
    return f
  }

  /// Whether any of the agreement limits (top-1, RMSE, cosine, max-abs) is set.
  var hasAgreementLimits: Bool { minTop1Agreement != nil || maxRMSE != nil || minCosine != nil || maxAbs != nil }

  /// int8 C against expected float outputs (nnabla's) when no agreement limit is given: the
  /// cosine the int8 parity tests hold every fixture to. Cosine because it means the same for
  /// logits, probabilities and regression outputs; top-1 means nothing for the last, and RMSE
  /// depends on the output's scale.
  public static let int8AgreementDefault = VerifyThresholds(maxRel: 0, minCosine: 0.99)

  /// The limits int8 C is held to against expected float outputs: the agreement limits given,
  /// else `int8AgreementDefault`. Never `maxRel`, the bit-exact tolerance for the int8 reference,
  /// which a float reference cannot meet.
  var int8AgainstExpected: VerifyThresholds { hasAgreementLimits ? self : Self.int8AgreementDefault }

  /// `top-1 agreement ≥ 0.99, cosine ≥ 0.99`: the agreement limits that are set.
  var agreementText: String {
    var parts: [String] = []
    if let t = minTop1Agreement { parts.append("top-1 agreement ≥ \(t)") }
    if let t = maxRMSE { parts.append("RMSE ≤ \(t)") }
    if let t = minCosine { parts.append("cosine ≥ \(t)") }
    if let t = maxAbs { parts.append("max-abs ≤ \(t)") }
    return parts.joined(separator: ", ")
  }
}

/// `nncompile verify`: builds the generated C on the host, runs it on the samples, and compares
/// its outputs with the Swift float interpreter (and, when given, with expected outputs).
public struct VerifyReport: Sendable, Codable {
  public struct OutputResult: Sendable, Codable {
    public var name: String
    /// C against the Swift reference of the same arithmetic (the float interpreter, or the
    /// int8 reference interpreter for int8 builds).
    public var againstInterpreter: ComparisonMetrics
    /// int8 builds: C against the float model (what quantization cost).
    public var againstFloat: ComparisonMetrics?
    public var againstExpected: ComparisonMetrics?
    /// The C output's top-1 index per sample (what a classifier predicts).
    public var predictedClasses: [Int]
    /// The C output per sample when the output holds one value, else nil.
    public var singleValues: [Float]?

    /// The figures of one output: the C's `actual` values against each reference given.
    init(name: String, actual: [FloatTensor], interpreter: [FloatTensor], float: [FloatTensor]?, expected: [FloatTensor]?) {
      self.name = name
      againstInterpreter = ComparisonMetrics(actual: actual, reference: interpreter)
      againstFloat = float.map { ComparisonMetrics(actual: actual, reference: $0) }
      againstExpected = expected.map { ComparisonMetrics(actual: actual, reference: $0) }
      predictedClasses = actual.map { ComparisonMetrics.argmax($0.values) }
      singleValues = actual.first?.values.count == 1 ? actual.map { $0.values[0] } : nil
    }

    /// NaN or ±Inf (other than an infinity the reference holds too) in the C output: no figure
    /// describes such an output, so it fails on its own, first and in words.
    var nonFiniteFailure: String? {
      guard let m = [againstInterpreter, againstFloat, againstExpected].compactMap({ $0 }).first(where: { $0.nonFinite > 0 }) else {
        return nil
      }
      return "output '\(name)': the C output holds \(m.nonFinite) NaN or infinite value(s), first \(m.firstNonFinite ?? "?")"
    }
  }
  /// int8 builds: one layer's int8 output (dequantized) against the float model's tensor.
  public struct LayerResult: Sendable, Codable {
    public var name: String
    public var kernel: String
    public var metrics: ComparisonMetrics
  }
  /// `nncompile <version>`: how `verify --json` knows a report it may replace (`OwnOutputs`).
  public var generator = OwnOutputs.generator
  public var quantization: String
  public var samples: Int
  public var outputs: [OutputResult]
  public var layers: [LayerResult]
  /// int8 builds: steps whose C bytes differ from the Swift int8 reference (must be empty).
  public var mismatchedSteps: [String]?
  public var notes: [String]
  public var thresholds: VerifyThresholds
  /// `--emulate`: the Cortex-M4F run's figures and its comparison with the host run.
  public var emulation: EmulationReport?
  /// Every limit that was exceeded; empty means PASS.
  public var failures: [String]

  public var passed: Bool { failures.isEmpty }

  init(
    quantization: String, samples: Int, outputs: [OutputResult], thresholds: VerifyThresholds,
    layers: [LayerResult] = [], mismatchedSteps: [String]? = nil, notes: [String] = [], emulation: EmulationReport? = nil
  ) {
    self.quantization = quantization
    self.samples = samples
    self.outputs = outputs
    self.thresholds = thresholds
    self.layers = layers
    self.mismatchedSteps = mismatchedSteps
    self.notes = notes
    self.emulation = emulation
    var failures: [String] = []
    if let m = mismatchedSteps, !m.isEmpty {
      failures.append("the C differs from the Swift int8 reference in \(m.count) step(s), first '\(m[0])'")
    }
    for o in outputs {
      if let f = o.nonFiniteFailure { failures.append(f) }
      let m = o.againstInterpreter
      if !(m.maxRel <= thresholds.maxRel) {
        failures.append("output '\(o.name)': C differs from the interpreter by \(m.maxRel) of the range > \(thresholds.maxRel)")
      }
      failures += thresholds.failures(o.againstFloat ?? m, "output '\(o.name)'")
      guard let e = o.againstExpected else { continue }
      if quantization == "int8" {
        failures += thresholds.int8AgainstExpected.failures(e, "output '\(o.name)' against the expected outputs")
      } else if !(e.maxRel <= thresholds.maxRel * 10) {
        failures.append("output '\(o.name)': C differs from the expected outputs by \(e.maxRel) of the range > \(thresholds.maxRel * 10)")
      }
    }
    failures += emulation?.failures(quantization: quantization, maxRel: thresholds.maxRel) ?? []
    self.failures = failures
  }

  public var text: String { text(profile: false) }

  /// The report; with `profile`, the emulated run's per-step cycle table too (int8 builds).
  public func text(profile: Bool) -> String {
    var s = "verified \(samples) sample(s); " + toleranceText + "\n"
    func row(_ label: String, _ m: ComparisonMetrics) -> String {
      String(format: "  %-28@ max-abs %.3e  max-rel %.3e  rmse %.3e  cosine %.8f  top-1 %.1f%%\n",
             label as NSString, m.maxAbs, m.maxRel, m.rmse, m.cosine, m.top1Agreement * 100)
    }
    for o in outputs {
      s += "output '\(o.name)':\n"
      s += row(quantization == "int8" ? "C vs Swift int8 reference" : "C vs Swift interpreter", o.againstInterpreter)
      if let f = o.againstFloat { s += row("int8 C vs float model", f) }
      if let e = o.againstExpected { s += row(quantization == "int8" ? "int8 C vs expected (float)" : "C vs expected", e) }
      let more = o.predictedClasses.count > 20 ? " …" : ""
      if let values = o.singleValues {
        // A one-value output (a sigmoid score) has no class to pick: show the score.
        s += "  value per sample: " + values.prefix(20).map { String(format: "%.4f", $0) }.joined(separator: " ") + more + "\n"
      } else {
        s += "  top-1 class per sample: " + o.predictedClasses.prefix(20).map(String.init).joined(separator: " ") + more + "\n"
      }
    }
    if !layers.isEmpty {
      s += "per layer, int8 (dequantized) vs float model:\n"
      let width = max(5, layers.map(\.name.count).max() ?? 5), kernelWidth = max(13, layers.map(\.kernel.count).max() ?? 13)
      s += "  " + "layer".padding(toLength: width, withPad: " ", startingAt: 0) + "  " + "kernel".padding(toLength: kernelWidth, withPad: " ", startingAt: 0)
      s += "  max-abs     rmse        cosine\n"
      for l in layers {
        s += "  " + l.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + l.kernel.padding(toLength: kernelWidth, withPad: " ", startingAt: 0)
        s += String(format: "  %.3e   %.3e   %.6f\n", l.metrics.maxAbs, l.metrics.rmse, l.metrics.cosine)
      }
    }
    if let m = mismatchedSteps {
      s += m.isEmpty ? "int8 C is byte-identical to the Swift int8 reference in every step\n" : "int8 C differs from the Swift int8 reference in: \(m.joined(separator: ", "))\n"
    }
    if let e = emulation {
      s += e.text
      if profile { s += e.profileText ?? "note: no per-step profile: only int8 builds have the trace hook it needs\n" }
    }
    for n in notes { s += "note: \(n)\n" }
    for f in failures { s += "  FAILED: \(f)\n" }
    s += passed ? "PASS\n" : "FAIL\n"
    return s
  }

  /// Which comparison is held to which limit.
  var toleranceText: String {
    let expected = outputs.contains { $0.againstExpected != nil }
    guard quantization == "int8" else {
      return "tolerance: max-abs ≤ \(thresholds.maxRel) × output range" + (expected ? " (expected outputs: \(thresholds.maxRel * 10) ×)" : "")
    }
    var s = "int8 C vs the Swift int8 reference: bit-exact"
    if thresholds.hasAgreementLimits { s += "; int8 C vs the float model: \(thresholds.agreementText)" }
    if expected {
      s += "; int8 C vs expected float outputs: \(thresholds.int8AgainstExpected.agreementText)"
      if !thresholds.hasAgreementLimits { s += " (the default int8 limit; --min-cosine, --min-top1-agreement, --max-rmse, --max-abs replace it)" }
    }
    return s
  }

  /// The report as JSON, for CI.
  public func json() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return try encoder.encode(self)
  }
}

public enum Verifier {
  /// Float32 default: the generated C follows the interpreter's operation order, so 1e-5 of the
  /// output range leaves room only for libm and summation-order differences.
  public static let defaultTolerance = 1e-5

  public static func verify(
    _ compilation: Compilation, samples: [[FloatTensor]], expected: [[FloatTensor]]? = nil,
    tolerance: Double = defaultTolerance, thresholds: VerifyThresholds? = nil, emulate: Bool = false
  ) throws -> VerifyReport {
    let fm = FileManager.default
    let work = fm.temporaryDirectory.appendingPathComponent("nncompile-verify-\(UUID().uuidString.prefix(8))")
    try fm.createDirectory(at: work, withIntermediateDirectories: true)
    defer { try? fm.removeItem(at: work) }
    let src = work.appendingPathComponent("out")
    try Driver.write(compilation.code.files, to: src.path)
    if let program = compilation.program {
      return try verifyInt8(
        compilation, program: program, samples: samples, expected: expected, source: src, work: work,
        thresholds: thresholds ?? VerifyThresholds(maxRel: tolerance), emulate: emulate)
    }
    let graph = compilation.model.graph
    let host = try HostModel.build(sourceDirectory: src, prefix: compilation.options.prefix, graph: graph, workDirectory: work)
    let actual = try host.run(samples)
    let reference = samples.map { FloatInterpreter.run(graph, inputs: $0) }
    let results = graph.outputs.enumerated().map { k, t in
      VerifyReport.OutputResult(
        name: graph.tensors[t].name, actual: actual.map { $0[k] }, interpreter: reference.map { $0[k] }, float: nil,
        expected: expected.map { e in e.map { $0[k] } })
    }
    let emulation = try emulate
      ? EmulatedCheck.run(compilation, source: src, work: work, samples: samples, hostOutputs: actual, hostSteps: nil, stepNames: [])
      : nil
    return VerifyReport(
      quantization: compilation.options.quantization, samples: samples.count, outputs: results,
      thresholds: thresholds ?? VerifyThresholds(maxRel: tolerance), emulation: emulation)
  }

  /// int8: the C's bytes against the Swift int8 reference at every step, its outputs against the
  /// float model, and each layer's int8 tensor (dequantized) against the float tensor.
  static func verifyInt8(
    _ compilation: Compilation, program: Int8Program, samples: [[FloatTensor]], expected: [[FloatTensor]]?,
    source: URL, work: URL, thresholds: VerifyThresholds, emulate: Bool
  ) throws -> VerifyReport {
    let floatGraph = compilation.foldedGraph ?? compilation.model.graph
    let host = try HostModel.build(
      sourceDirectory: source, prefix: compilation.options.prefix,
      inputSizes: program.inputs.map { program.tensors[$0].elementCount },
      outputShapes: program.outputs.map { program.tensors[$0].shape }, workDirectory: work, trace: true)
    let (actual, traces) = try host.runTraced(samples, workDirectory: work)
    let references = samples.map { Int8ProgramInterpreter.runAll(program, inputs: $0) }
    let floats = samples.map { FloatInterpreter.runAll(floatGraph, inputs: $0) }

    var mismatched: [String] = []
    for (k, step) in program.steps.enumerated() {
      let differs = zip(traces, references).contains { trace, ref in
        k >= trace.count || trace[k] != ref[step.output]!.bytes
      }
      if differs || traces.count != samples.count { mismatched.append(step.name) }
    }

    var layers: [VerifyReport.LayerResult] = []
    for (k, step) in program.steps.enumerated() {
      let tensor = program.tensors[step.output]
      guard tensor.type == .int8, let q = tensor.quant, let f = tensor.floatTensor else { continue }
      if case .quantize = step.kernel { continue }
      let actualLayer = traces.map { trace in
        FloatTensor(shape: tensor.shape, values: (k < trace.count ? trace[k] : []).map { q.dequantize(Int8(bitPattern: $0)) })
      }
      guard actualLayer.allSatisfy({ $0.values.count == tensor.elementCount }) else { continue }
      let floatLayer = floats.map { $0[f]! }
      layers.append(.init(name: step.name, kernel: step.kernel.name, metrics: ComparisonMetrics(actual: actualLayer, reference: floatLayer)))
    }

    let results = program.outputs.enumerated().map { k, t in
      VerifyReport.OutputResult(
        name: program.tensors[t].name, actual: actual.map { $0[k] },
        interpreter: references.map { FloatTensor(shape: program.tensors[t].shape, values: $0[t]!.floatValues!) },
        float: floats.map { $0[floatGraph.outputs[k]]! }, expected: expected.map { e in e.map { $0[k] } })
    }
    let emulation = try emulate
      ? EmulatedCheck.run(
        compilation, source: source, work: work, samples: samples, hostOutputs: actual, hostSteps: traces,
        stepNames: program.steps.map(\.name))
      : nil
    var limits = thresholds
    limits.maxRel = 0  // int8 C must equal its reference exactly
    return VerifyReport(
      quantization: "int8", samples: samples.count, outputs: results, thresholds: limits, layers: layers,
      mismatchedSteps: mismatched, notes: program.notes, emulation: emulation)
  }
}
