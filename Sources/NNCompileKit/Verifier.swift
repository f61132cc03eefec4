import Foundation
import NNHostSim
import NNIR
import NNInterpreter

/// `nncompile verify`: builds the generated C on the host, runs it on the samples, and compares
/// its outputs with the Swift float interpreter (and, when given, with expected outputs).
public struct VerifyReport: Sendable {
  public struct OutputResult: Sendable {
    public var name: String
    public var againstInterpreter: ComparisonMetrics
    public var againstExpected: ComparisonMetrics?
    /// The C output's top-1 index per sample (what a classifier predicts).
    public var predictedClasses: [Int]
    /// The C output per sample when the output holds one value, else nil.
    public var singleValues: [Float]?
  }
  public var samples: Int
  public var outputs: [OutputResult]
  public var tolerance: Double

  /// True when every output is within `tolerance` (max-abs relative to the output range).
  public var passed: Bool {
    outputs.allSatisfy { $0.againstInterpreter.maxRel <= tolerance && ($0.againstExpected?.maxRel ?? 0) <= tolerance * 10 }
  }

  public var text: String {
    var s = "verified \(samples) sample(s); tolerance: max-abs ≤ \(tolerance) × output range (expected outputs: \(tolerance * 10) ×)\n"
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
    s += passed ? "PASS\n" : "FAIL\n"
    return s
  }
}

public enum Verifier {
  /// Float32 default: the generated C follows the interpreter's operation order, so 1e-5 of the
  /// output range leaves room only for libm and summation-order differences.
  public static let defaultTolerance = 1e-5

  public static func verify(
    _ compilation: Compilation, samples: [[FloatTensor]], expected: [[FloatTensor]]? = nil,
    tolerance: Double = defaultTolerance
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
    return VerifyReport(samples: samples.count, outputs: results, tolerance: tolerance)
  }
}
