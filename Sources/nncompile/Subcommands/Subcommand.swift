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
  static let options: Set<String> = ["target", "quantize", "name", "executor", "planner"]
  static let help = """
      --target <target>       cortex-m4f (default) or host, or a path to a target .json
      --quantize <type>       float32 (int8 is planned)
      --name <prefix>         prefix of the files and symbols (default: model)
      --executor <name>       which executor of the .nnp to compile (default: the first)
      --planner <planner>     arena planner: greedy (default) or linear
    """

  static func parse(_ a: Arguments) throws -> CompileOptions {
    let target: TargetDescription
    do { target = try TargetDescription.named(a.value("target") ?? "cortex-m4f") } catch {
      throw Arguments.UsageError(message: "\(error)")
    }
    if let q = a.value("quantize"), !["float32", "int8"].contains(q) {
      throw Arguments.UsageError(message: "'--quantize' must be float32 or int8, got '\(q)'")
    }
    if let p = a.value("planner"), !["greedy", "linear"].contains(p) {
      throw Arguments.UsageError(message: "'--planner' must be greedy or linear, got '\(p)'")
    }
    return CompileOptions(
      target: target, quantization: a.value("quantize"), prefix: a.value("name") ?? "model",
      executor: a.value("executor"), planner: a.value("planner") ?? "greedy")
  }
}

func printError(_ s: String) {
  FileHandle.standardError.write(Data((s + "\n").utf8))
}
