import Foundation
import NNCompileKit

enum CompileCommand: Subcommand {
  static let name = "compile"
  static let usage = "nncompile [compile] <model.nnp> [--target <target>] -o <dir> [options]"
  static let help = """
    OVERVIEW: Compile a model to C99: <prefix>.h, <prefix>.c, <prefix>_weights.{h,c}, the kernels it uses,
      and report.{txt,json,html} (per layer MACs, weights and arena; flash and RAM against the target).

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
    try Driver.write(compilation.code.files + compilation.report.files, to: output)
    let folder = output.hasSuffix("/") ? output : output + "/"
    let report = compilation.report
    print("""
      \(model) → \(folder) (\(options.quantization), target \(options.target.name))
        \(compilation.model.graph.nodes.count) layers, \(report.totals.macs) MACs
      \(report.summaryLines.dropFirst().map { "  " + $0 }.joined(separator: "\n"))
        files:  \(compilation.code.files.map(\.name).joined(separator: " "))\(report.notes.map { "\n  note:   \($0)" }.joined())
        report: \(folder)report.html (and report.txt, report.json)
        time:   \(String(format: "%.3f", Date().timeIntervalSince(start))) s
      """)
    return 0
  }
}
