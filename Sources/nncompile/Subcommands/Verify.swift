import Foundation
import NNCompileKit

enum VerifyCommand: Subcommand {
  static let name = "verify"
  static let usage = "nncompile verify <model.nnp|model.onnx> --input <file> [--input <file>…] [--emulate] [options]"
  static let help = """
    OVERVIEW: Compile, build the C with the host compiler, run it on inputs, and compare with the Swift reference interpreter.

    Prints max-abs, max-rel (max-abs / output range), RMSE, cosine similarity and top-1 agreement
    per output. Exits 1 when the C differs from the interpreter by more than the tolerance
    (max-abs > tolerance × output range), or from --expected outputs by more than 10 × tolerance,
    or when any output holds NaN or an infinity the reference does not. int8 builds must match
    the Swift int8 reference bit for bit; against --expected float outputs they are held to the
    agreement limits below, by default cosine ≥ 0.99.

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
      --profile                 with --emulate on an int8 build: also print the cycles of every step
                                (kernel, MACs, cycles, MAC/cycle, share of the call)
      --json <file>             also write the report as JSON (for CI); replaces only a report
                                nncompile wrote, unless --force
      -o, --output <dir>        also keep the generated C there (the folder rules of compile -o)
      --force                   also replace a foreign -o folder or --json file (never an input,
                                a link, the current folder or one above it)
    \(CompileOptionGroup.help)
    """

  static func run(_ args: [String]) throws -> Int32 {
    let a = try Arguments(
      args, options: CompileOptionGroup.options.union([
        "input", "expected", "tolerance", "output", "json", "min-top1-agreement", "max-rmse", "min-cosine", "max-abs",
      ]),
      flags: CompileOptionGroup.flags.union(["emulate", "profile", "force"]), aliases: ["o": "output"])
    let model = try a.model()
    let options = try CompileOptionGroup.parse(a)
    guard !a.all("input").isEmpty else { throw Arguments.UsageError(message: "missing '--input <file>'") }
    let thresholds = VerifyThresholds(
      maxRel: try a.double("tolerance") ?? Verifier.defaultTolerance,
      minTop1Agreement: try a.double("min-top1-agreement"), maxRMSE: try a.double("max-rmse"),
      minCosine: try a.double("min-cosine"), maxAbs: try a.double("max-abs"))
    let emulate = a.flag("emulate")
    if a.flag("profile") && !emulate { throw Arguments.UsageError(message: "--profile needs --emulate (the cycles are measured on the emulated Cortex-M4F)") }
    // Checked before the work, so a refused path costs nothing; checked again when written.
    let inputs = [model] + a.all("input") + CompileOptionGroup.inputs(a) + (a.value("expected").map { [$0] } ?? [])
    let folder = try a.value("output").map { try OutputFolder($0, inputs: inputs, force: a.flag("force")) }
    let json = try a.value("json").map { try OutputFile($0, inputs: inputs, force: a.flag("force"), recognizes: OwnOutputs.isOwnJSONReport) }
    if emulate { try Verifier.checkEmulationTools(target: options.target) }
    let compilation = try Driver.compile(modelPath: model, options: options, progress: TerminalProgressBar.forStandardError())
    compilation.warnings.forEach(printError)
    let loader = InputLoader(graph: compilation.model.graph, normalizeImages: compilation.normalizeImages)
    let samples = try a.all("input").flatMap { try loader.load(path: $0) }
    var expected: [[FloatTensor]]?
    if let path = a.value("expected") {
      expected = try ExpectedOutputs.load(path: path, graph: compilation.model.graph, samples: samples.count)
    }
    try folder?.write(compilation.code.files)
    let report = try Verifier.verify(compilation, samples: samples, expected: expected, thresholds: thresholds, emulate: emulate)
    print(report.text(profile: a.flag("profile")), terminator: "")
    try json?.write([UInt8](try report.json()))
    return report.passed ? 0 : 1
  }
}
