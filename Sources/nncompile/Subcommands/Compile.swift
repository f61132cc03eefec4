import Foundation
import NNCompileKit

enum CompileCommand: Subcommand {
  static let name = "compile"
  static let usage = "nncompile [compile] <model.nnp> [--target <target>] -o <dir> [options]"
  static let help = """
    OVERVIEW: Compile a model to C99: <prefix>.h, <prefix>.c, <prefix>_weights.{h,c} and the kernels it uses.

    USAGE: \(usage)

    OPTIONS:
      -o, --output <dir>      output folder (default: out); replaced as a whole, never half-written
      --format <format>       c (default): the C files; arduino: an Arduino library folder (src/ holds
                              the C, examples/run_<name>/ a sketch that runs one input and prints
                              the top class over Serial)
      --example-input <file>  arduino: the input the sketch runs (as verify --input takes;
                              default: the first calibration sample, else zeros)
    \(CompileOptionGroup.help)
    """

  static func run(_ args: [String]) throws -> Int32 {
    let a = try Arguments(
      args, options: CompileOptionGroup.options.union(["output", "format", "example-input"]), flags: CompileOptionGroup.flags,
      aliases: ["o": "output"])
    let model = try a.model()
    let options = try CompileOptionGroup.parse(a)
    let output = a.value("output") ?? "out"
    let arduino = try isArduino(a)
    let start = Date()
    let compilation = try Driver.compile(modelPath: model, options: options, progress: TerminalProgressBar.forStandardError())
    try Driver.write(
      arduino ? try Driver.arduinoLibrary(compilation, exampleInput: a.value("example-input")) : compilation.code.files, to: output)
    let plan = compilation.code.plan
    let g = compilation.model.graph
    let macs = g.nodes.map { Cost.macs($0, in: g) }.reduce(0, +)
    print("""
      \(model) → \(output.hasSuffix("/") ? output : output + "/") (\(options.quantization), target \(options.target.name))
        \(g.nodes.count) layers, \(macs) MACs
        weights: \(compilation.code.weightBytes) bytes (const, flash)\(compilation.code.requantizationBytes > 0 ? " + \(compilation.code.requantizationBytes) bytes of requantization multipliers, shifts and tables" : "")
        arena:   \(plan.arenaBytes) bytes (\(plan.plannerName); lower bound \(plan.lowerBound))
        files:   \(compilation.code.files.map(\.name).joined(separator: " "))\(compilation.program.map { p in p.notes.map { "\n  note:    \($0)" }.joined() } ?? "")
        time:    \(String(format: "%.3f", Date().timeIntervalSince(start))) s
      """)
    if arduino { print("  arduino: library '\(options.prefix)' (src/, library.properties), sketch examples/run_\(options.prefix)/") }
    return 0
  }

  /// `--format arduino` writes an Arduino library folder instead of the bare C files.
  static func isArduino(_ a: Arguments) throws -> Bool {
    let format = a.value("format") ?? "c"
    guard ["c", "arduino"].contains(format) else { throw Arguments.UsageError(message: "'--format' must be c or arduino, got '\(format)'") }
    if format == "c" && a.value("example-input") != nil {
      throw Arguments.UsageError(message: "'--example-input' needs '--format arduino'")
    }
    return format == "arduino"
  }
}
