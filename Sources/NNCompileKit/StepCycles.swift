import Foundation
import NNEmulation
import NNIR

/// One row of the per-step cycle profile of an emulated int8 run (`verify --emulate --profile`).
public struct StepCycles: Sendable, Codable, Equatable {
  public var name: String
  /// The C function the step calls (read from the generated model source), else the Int8Program
  /// kernel's name.
  public var kernel: String
  public var macs: Int
  public var instructions: Int
  public var cycles: Int

  public var macsPerCycle: Double { cycles > 0 ? Double(macs) / Double(cycles) : 0 }

  /// The first sample's rows, one per program step.
  static func rows(program: Int8Program, profile: StepProfile, modelSource: String?) -> [StepCycles] {
    let called = modelSource.map(kernelCalls) ?? [:]
    return program.steps.enumerated().map { k, step in
      StepCycles(
        name: step.name, kernel: called[k] ?? step.kernel.name, macs: Cost.macs(step, in: program),
        instructions: k < profile.instructions.count ? profile.instructions[k] : 0,
        cycles: k < profile.cycles.count ? profile.cycles[k] : 0)
    }
  }

  /// Per step index: the last `nnc_…(` function the generated source calls before the step's
  /// `NNC_TRACE_STEP(k, …)` (steps that only copy or alias have none).
  public static func kernelCalls(_ source: String) -> [Int: String] {
    var result: [Int: String] = [:]
    var last: String?
    for line in source.split(separator: "\n") {
      let text = line.trimmingCharacters(in: .whitespaces)
      if text.hasPrefix("NNC_TRACE_STEP(") {
        let index = text.dropFirst("NNC_TRACE_STEP(".count).prefix { $0.isNumber }
        if let k = Int(index), let last { result[k] = last }
        last = nil
      } else if let name = firstCall(text) {
        last = name
      }
    }
    return result
  }

  /// `nnc_conv_s8_opt` in `nnc_conv_s8_opt(&p, …);`, or `memcpy`; nil for other lines.
  private static func firstCall(_ line: String) -> String? {
    guard line.hasPrefix("nnc_") || line.hasPrefix("memcpy(") else { return nil }
    let name = line.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
    return line.dropFirst(name.count).hasPrefix("(") && !line.hasPrefix("nnc_trace(") ? String(name) : nil
  }

  /// A step name short enough for a table row: converters name nodes by their whole TensorFlow
  /// scope (`tf2onnx/functional_1/…;…/Convolution_1+tf2onnx/Relu__8/ReLU_1`); the last path
  /// component of each fused part says which layer it is (`Convolution_1+ReLU_1`).
  public static func displayName(_ name: String) -> String {
    let short = name.split(separator: "+", omittingEmptySubsequences: false).map { part in
      part.split(separator: "/").last.map(String.init) ?? String(part)
    }.joined(separator: "+")
    return short.count <= 48 ? short : String(short.prefix(47)) + "…"
  }

  /// The table `verify --emulate --profile` prints: step, kernel, MACs, cycles, MAC/cycle, share
  /// of the call, then the tail and the hook overhead that was taken off.
  static func table(_ rows: [StepCycles], tailCycles: Int, hookOverheadCycles: Int, wholeCallCycles: Int) -> String {
    let rows = rows.map { r in
      var short = r
      short.name = displayName(r.name)
      return short
    }
    let total = max(rows.map(\.cycles).reduce(0, +) + tailCycles, 1)
    let nameWidth = max(4, rows.map(\.name.count).max() ?? 4), kernelWidth = max(6, rows.map(\.kernel.count).max() ?? 6)
    func pad(_ s: String, _ w: Int) -> String { s.padding(toLength: max(w, s.count), withPad: " ", startingAt: 0) }
    func right(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
    func share(_ c: Int) -> String { right(String(format: "%.1f%%", Double(c) * 100 / Double(total)), 8) }
    var s = "per step on the emulated Cortex-M4F (first sample; one trace hook, \(hookOverheadCycles) cycles, taken off each step):\n"
    s += "  " + pad("step", nameWidth) + "  " + pad("kernel", kernelWidth) + right("MACs", 12) + right("cycles", 12) + right("MAC/cycle", 11) + right("% total", 9) + "\n"
    for r in rows {
      let rate = r.macs > 0 ? String(format: "%.3f", r.macsPerCycle) : "-"
      s += "  " + pad(r.name, nameWidth) + "  " + pad(r.kernel, kernelWidth) + right("\(r.macs)", 12) + right("\(r.cycles)", 12) + right(rate, 11) + " " + share(r.cycles) + "\n"
    }
    s += "  " + pad("(return)", nameWidth) + "  " + pad("", kernelWidth) + right("", 12) + right("\(tailCycles)", 12) + right("", 11) + " " + share(tailCycles) + "\n"
    s += "  steps + return: \(total) cycles; the call without hooks: \(wholeCallCycles) cycles\n"
    return s
  }
}
