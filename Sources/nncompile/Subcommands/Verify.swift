import Foundation
import NNCompileKit

enum VerifyCommand: Subcommand {
  static let name = "verify"
  static let usage = "nncompile verify <model.nnp> --input <file> [--input <file>…] [--emulate] [options]"
  static let help = """
    OVERVIEW: Compile, build the C with the host compiler, run it on inputs, and compare with the Swift reference interpreter.

    Prints max-abs, max-rel (max-abs / output range), RMSE, cosine similarity and top-1 agreement
    per output. Exits 1 when the C differs from the interpreter by more than the tolerance
    (max-abs > tolerance × output range), or from --expected outputs by more than 10 × tolerance.

    USAGE: \(usage)

    OPTIONS:
      --input <file>            .bin (raw float32, fed as is), .npy, .png/.pgm/.ppm, or an NNC dataset .csv
      --expected <file>         raw float32 outputs to compare with too (e.g. nnabla's), one per sample
      --tolerance <x>           max-abs ÷ output range, C against the interpreter (default 1e-5)
      --min-top1-agreement <x>  fail below this top-1 agreement (0…1)
      --max-rmse <x>            fail above this RMSE
      --min-cosine <x>          fail below this cosine similarity
      --max-abs <x>             fail above this max-abs error
      --emulate                 also cross-compile for the Cortex-M4F, run on QEMU (mps2-an386) and
                                check the outputs against the host run (int8: bit-exact, every step);
                                prints flash, RAM, peak stack, executed instructions, a Cortex-M4
                                cycle estimate and MAC/cycle (needs arm-none-eabi-gcc, qemu-system-arm)
      --json <file>             also write the report as JSON (for CI)
      -o, --output <dir>        also keep the generated C there
    \(CompileOptionGroup.help)
    """

  static func run(_ args: [String]) throws -> Int32 {
    let a = try Arguments(
      args, options: CompileOptionGroup.options.union([
        "input", "expected", "tolerance", "output", "json", "min-top1-agreement", "max-rmse", "min-cosine", "max-abs",
      ]),
      flags: CompileOptionGroup.flags.union(["emulate"]), aliases: ["o": "output"])
    let model = try a.model()
    let options = try CompileOptionGroup.parse(a)
    guard !a.all("input").isEmpty else { throw Arguments.UsageError(message: "missing '--input <file>'") }
    let thresholds = VerifyThresholds(
      maxRel: try a.double("tolerance") ?? Verifier.defaultTolerance,
      minTop1Agreement: try a.double("min-top1-agreement"), maxRMSE: try a.double("max-rmse"),
      minCosine: try a.double("min-cosine"), maxAbs: try a.double("max-abs"))
    let emulate = a.flag("emulate")
    if emulate { try Verifier.checkEmulationTools(target: options.target) }
    let compilation = try Driver.compile(modelPath: model, options: options, progress: TerminalProgressBar.forStandardError())
    compilation.warnings.forEach(printError)
    let loader = InputLoader(graph: compilation.model.graph, normalizeImages: compilation.normalizeImages)
    let samples = try a.all("input").flatMap { try loader.load(path: $0) }
    var expected: [[FloatTensor]]?
    if let path = a.value("expected") {
      expected = try ExpectedOutputs.load(path: path, graph: compilation.model.graph, samples: samples.count)
    }
    if let out = a.value("output") { try Driver.write(compilation.code.files, to: out) }
    let report = try Verifier.verify(compilation, samples: samples, expected: expected, thresholds: thresholds, emulate: emulate)
    print(report.text, terminator: "")
    if let path = a.value("json") {
      do { try report.json().write(to: URL(fileURLWithPath: path)) } catch {
        throw CompileError(file: path, "error: cannot write the JSON report: \(error.localizedDescription)")
      }
    }
    return report.passed ? 0 : 1
  }
}
