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
    \(CompileOptionGroup.help)
    """

  static func run(_ args: [String]) throws -> Int32 {
    let a = try Arguments(args, options: CompileOptionGroup.options.union(["output"]), flags: CompileOptionGroup.flags, aliases: ["o": "output"])
    let model = try a.model()
    let options = try CompileOptionGroup.parse(a)
    let output = a.value("output") ?? "out"
    let start = Date()
    let compilation = try Driver.compile(modelPath: model, options: options, progress: TerminalProgressBar.forStandardError())
    try Driver.write(compilation.code.files, to: output)
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
    return 0
  }
}
