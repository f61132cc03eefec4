import Foundation
import NNCompileKit

enum CompileCommand: Subcommand {
  static let name = "compile"
  static let usage = "nncompile [compile] <model.nnp|model.onnx> [--target <target>] -o <dir> [options]"
  static let help = """
    OVERVIEW: Compile a model to C99: <prefix>.h, <prefix>.c, <prefix>_weights.{h,c}, the kernels it uses,
      and report.{txt,json,html} (per layer MACs, weights and arena; flash and RAM against the target).

    USAGE: \(usage)

    OPTIONS:
      -o, --output <dir>      output folder (default: out): a new or empty folder, or one nncompile
                              wrote (marked by its .nncompile file); replaced whole, never half-written
      --force                 also replace a folder nncompile did not write (never a file, a link,
                              the current folder or one above it, or a folder holding an input)
      --format <format>       c (default): the C files; arduino: an Arduino library folder (src/ holds
                              the C, examples/run_<name>/ a sketch that runs one input and prints
                              the top class over Serial)
      --example-input <file>  arduino: the input the sketch runs (as verify --input takes;
                              default: the first calibration sample, else zeros)
    \(CompileOptionGroup.help)
    """

  static func run(_ args: [String]) throws -> Int32 {
    let a = try Arguments(
      args, options: CompileOptionGroup.options.union(["output", "format", "example-input"]),
      flags: CompileOptionGroup.flags.union(["force"]),
      aliases: ["o": "output"])
    let model = try a.model()
    let options = try CompileOptionGroup.parse(a)
    let output = a.value("output") ?? "out"
    let arduino = try isArduino(a)
    // Checked before compiling, so a refused -o costs nothing; checked again when written.
    let destination = try OutputFolder(
      output, inputs: [model] + CompileOptionGroup.inputs(a) + (a.value("example-input").map { [$0] } ?? []), force: a.flag("force"))
    let start = Date()
    let compilation = try Driver.compile(modelPath: model, options: options, progress: TerminalProgressBar.forStandardError())
    compilation.warnings.forEach(printError)
    // The report sits beside the C, or in an Arduino library's extras/, which the IDE leaves alone.
    let files = arduino ? try Driver.arduinoLibrary(compilation, exampleInput: a.value("example-input")) : compilation.code.files
    let reportFolder = arduino ? "extras/" : ""
    try destination.write(files + compilation.report.files.map { (reportFolder + $0.name, $0.contents) })
    let folder = output.hasSuffix("/") ? output : output + "/"
    let report = compilation.report
    print("""
      \(model) → \(folder) (\(options.quantization), target \(options.target.name))
        \(compilation.model.graph.nodes.count) layers, \(report.totals.macs) MACs
      \(report.summaryLines.dropFirst().map { "  " + $0 }.joined(separator: "\n"))
        files:  \(compilation.code.files.map(\.name).joined(separator: " "))\(report.notes.map { "\n  note:   \($0)" }.joined())
        report: \(folder)\(reportFolder)report.html (and report.txt, report.json)
        time:   \(String(format: "%.3f", Date().timeIntervalSince(start))) s
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
