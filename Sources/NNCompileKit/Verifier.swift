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

  /// The problems of `m` against the optional limits, one phrase each.
  func failures(_ m: ComparisonMetrics, _ what: String) -> [String] {
    var f: [String] = []
    if let t = minTop1Agreement, m.top1Agreement < t { f.append("\(what): top-1 agreement \(m.top1Agreement) < \(t)") }
    if let t = maxRMSE, m.rmse > t { f.append("\(what): RMSE \(m.rmse) > \(t)") }
    if let t = minCosine, m.cosine < t { f.append("\(what): cosine \(m.cosine) < \(t)") }
    if let t = maxAbs, m.maxAbs > t { f.append("\(what): max-abs \(m.maxAbs) > \(t)") }
    return f
  }
}

/// `nncompile verify`: builds the generated C on the host, runs it on the samples, and compares
/// its outputs with the Swift float interpreter (and, when given, with expected outputs).
public struct VerifyReport: Sendable, Codable {
  public struct OutputResult: Sendable, Codable {
    public var name: String
    /// C against the Swift reference of the same arithmetic (the float interpreter here).
    public var againstInterpreter: ComparisonMetrics
    public var againstExpected: ComparisonMetrics?
    /// The C output's top-1 index per sample (what a classifier predicts).
    public var predictedClasses: [Int]
    /// The C output per sample when the output holds one value, else nil.
    public var singleValues: [Float]?
  }
  public var quantization: String
  public var samples: Int
  public var outputs: [OutputResult]
  public var thresholds: VerifyThresholds
  /// Every limit that was exceeded; empty means PASS.
  public var failures: [String]

  public var passed: Bool { failures.isEmpty }

  init(quantization: String, samples: Int, outputs: [OutputResult], thresholds: VerifyThresholds) {
    self.quantization = quantization
    self.samples = samples
    self.outputs = outputs
    self.thresholds = thresholds
    var failures: [String] = []
    for o in outputs {
      let m = o.againstInterpreter
      if !(m.maxRel <= thresholds.maxRel) {
        failures.append("output '\(o.name)': C differs from the interpreter by \(m.maxRel) of the range > \(thresholds.maxRel)")
      }
      failures += thresholds.failures(m, "output '\(o.name)'")
      if let e = o.againstExpected, !(e.maxRel <= thresholds.maxRel * 10) {
        failures.append("output '\(o.name)': C differs from the expected outputs by \(e.maxRel) of the range > \(thresholds.maxRel * 10)")
      }
    }
    self.failures = failures
  }

  public var text: String {
    var s = "verified \(samples) sample(s); tolerance: max-abs ≤ \(thresholds.maxRel) × output range (expected outputs: \(thresholds.maxRel * 10) ×)\n"
    func row(_ label: String, _ m: ComparisonMetrics) -> String {
      String(format: "  %-28@ max-abs %.3e  max-rel %.3e  rmse %.3e  cosine %.8f  top-1 %.1f%%\n",
             label as NSString, m.maxAbs, m.maxRel, m.rmse, m.cosine, m.top1Agreement * 100)
    }
    for o in outputs {
      s += "output '\(o.name)':\n"
      s += row("C vs Swift interpreter", o.againstInterpreter)
      if let e = o.againstExpected { s += row("C vs expected", e) }
      let more = o.predictedClasses.count > 20 ? " …" : ""
      if let values = o.singleValues {
        // A one-value output (a sigmoid score) has no class to pick: show the score.
        s += "  value per sample: " + values.prefix(20).map { String(format: "%.4f", $0) }.joined(separator: " ") + more + "\n"
      } else {
        s += "  top-1 class per sample: " + o.predictedClasses.prefix(20).map(String.init).joined(separator: " ") + more + "\n"
      }
    }
    for f in failures { s += "  FAILED: \(f)\n" }
    s += passed ? "PASS\n" : "FAIL\n"
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
    tolerance: Double = defaultTolerance, thresholds: VerifyThresholds? = nil
  ) throws -> VerifyReport {
    let fm = FileManager.default
    let work = fm.temporaryDirectory.appendingPathComponent("nncompile-verify-\(UUID().uuidString.prefix(8))")
    try fm.createDirectory(at: work, withIntermediateDirectories: true)
    defer { try? fm.removeItem(at: work) }
    let src = work.appendingPathComponent("out")
    try Driver.write(compilation.code.files, to: src.path)
    let graph = compilation.model.graph
    let host = try HostModel.build(sourceDirectory: src, prefix: compilation.options.prefix, graph: graph, workDirectory: work)
    let actual = try host.run(samples)
    let reference = samples.map { FloatInterpreter.run(graph, inputs: $0) }
    var results: [VerifyReport.OutputResult] = []
    for (k, t) in graph.outputs.enumerated() {
      let a = actual.map { $0[k] }
      let expectedMetrics = expected.map { e in ComparisonMetrics(actual: a, reference: e.map { $0[k] }) }
      results.append(.init(
        name: graph.tensors[t].name,
        againstInterpreter: ComparisonMetrics(actual: a, reference: reference.map { $0[k] }),
        againstExpected: expectedMetrics,
        predictedClasses: a.map { ComparisonMetrics.argmax($0.values) },
        singleValues: graph.tensors[t].elementCount == 1 ? a.map { $0.values[0] } : nil))
    }
    return VerifyReport(
      quantization: compilation.options.quantization, samples: samples.count, outputs: results,
      thresholds: thresholds ?? VerifyThresholds(maxRel: tolerance))
  }
}
