import Foundation
import NNCompileKit

/// One `nncompile` subcommand: its name, help text, and what it does with its arguments.
protocol Subcommand {
  static var name: String { get }
  static var usage: String { get }
  static var help: String { get }
  /// Runs the command; returns the exit code, throws `Arguments.UsageError` for bad usage and any
  /// other error for a failure (printed as is).
  static func run(_ args: [String]) throws -> Int32
}

/// Options shared by `compile` and `verify`.
enum CompileOptionGroup {
  static let options: Set<String> = ["target", "quantize", "name", "executor", "planner", "calibrate", "calibration-method", "calibration-samples", "kernels"]
  static let flags: Set<String> = ["no-image-normalization"]
  static let help = """
      --target <target>       cortex-m4f (default) or host, or a path to a target .json
      --quantize <type>       int8 or float32 (default: the target's, int8 for cortex-m4f)
      --calibrate <data>      int8: data to calibrate activation ranges on: an NNC dataset CSV, a
                              folder of images, an image, .npy or raw float32 .bin
      --calibration-method <m>  minmax (default), percentile[:99.99] or entropy (KL divergence)
      --calibration-samples <n>  calibrate on the first n samples only (default: \(CompileOptions.defaultCalibrationSamples))
      --no-image-normalization  feed image pixels as 0–255 instead of pixel / 255
      --name <prefix>         prefix of the files and symbols (default: model)
      --executor <name>       which executor of the .nnp to compile (default: the first)
      --planner <planner>     arena planner: best (default; the best of several greedy orders, then a local search), greedy (by size) or linear
      --kernels <set>         int8 kernels: optimized (SMLAD; default where the target has DSP)
                              or reference (plain loops, int8 weights; default elsewhere)
    """

  /// The files these options make the command read (calibration data, a target `.json`): an
  /// output may not replace them.
  static func inputs(_ a: Arguments) -> [String] {
    [a.value("calibrate"), a.value("target").flatMap { $0.hasSuffix(".json") ? $0 : nil }].compactMap { $0 }
  }

  static func parse(_ a: Arguments) throws -> CompileOptions {
    let target: TargetDescription
    do { target = try TargetDescription.named(a.value("target") ?? "cortex-m4f") } catch {
      // A target file is input (one line naming it, exit 1); an unknown name is bad usage.
      if let file = error.file { throw CompileError(file: file, "error: \(error.message)") }
      throw Arguments.UsageError(message: error.message)
    }
    if let name = a.value("name"), let problem = CNames.prefixProblem(name) {
      throw Arguments.UsageError(message: "--name \(problem)")
    }
    if let q = a.value("quantize"), !["float32", "int8"].contains(q) {
      throw Arguments.UsageError(message: "'--quantize' must be float32 or int8, got '\(q)'")
    }
    if let p = a.value("planner"), !["best", "greedy", "linear"].contains(p) {
      throw Arguments.UsageError(message: "'--planner' must be best, greedy or linear, got '\(p)'")
    }
    let kernels = try kernelSet(a)
    var method = RangeMethod.minMax
    if let m = a.value("calibration-method") {
      let parts = m.split(separator: ":", maxSplits: 1).map(String.init)
      switch parts[0] {
      case "minmax": method = .minMax
      case "entropy": method = .entropy
      case "percentile":
        let p = parts.count > 1 ? Double(parts[1]) : 99.99
        guard let p, p > 0, p <= 100 else { throw Arguments.UsageError(message: "'--calibration-method percentile:<p>' needs 0 < p ≤ 100") }
        method = .percentile(p)
      default: throw Arguments.UsageError(message: "'--calibration-method' must be minmax, percentile[:p] or entropy, got '\(m)'")
      }
    }
    return CompileOptions(
      target: target, quantization: a.value("quantize"), prefix: a.value("name") ?? "model",
      executor: a.value("executor"), planner: a.value("planner") ?? "best", calibrationData: a.value("calibrate"),
      calibrationMethod: method,
      calibrationSamples: try TrainCommand.positive(a, "calibration-samples") ?? CompileOptions.defaultCalibrationSamples,
      normalizeImages: !a.flag("no-image-normalization"), kernels: kernels)
  }
}

/// `--kernels optimized|reference`, nil when not given (the target's default).
func kernelSet(_ a: Arguments) throws -> KernelSet? {
  guard let k = a.value("kernels") else { return nil }
  guard let set = KernelSet(rawValue: k) else { throw Arguments.UsageError(message: "'--kernels' must be optimized or reference, got '\(k)'") }
  return set
}

func printError(_ s: String) {
  FileHandle.standardError.write(Data((s + "\n").utf8))
}
