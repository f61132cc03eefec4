import Foundation
import NNCompileKit
import NNSearch

enum SearchCommand: Subcommand {
  static let name = "search"
  static let usage =
    "nncompile search <model.nnp | net.nntxt> --data <train.csv> --valid <valid.csv> [--target <target>] [budgets] [options] -o <folder>"
  static let help = """
    OVERVIEW: Search network structures under a microcontroller's budgets: error against cycles, flash and RAM.

    Candidate 0 is the file's Main network; each further candidate mutates one chosen (seeded) from
    the current Pareto front (int8 validation error × cycles × flash × RAM, within budget; a
    classifier at 50 % int8 error or more is not mutated while a better one is there), is
    trained with the file's optimizer from fresh initial values (candidate 0 too, so every candidate
    gets the same training), written as candidates/<id>.nnp, compiled int8 (calibrated on
    the training data) and measured: flash, RAM (arena + stack), MACs, cycles, time at the
    target's clock, float and int8 validation error.

    Budgets prune before training: with --max-flash, --max-ram or --max-ms, each candidate is first
    compiled untrained (its sizes and predicted cycles do not depend on the trained values) and,
    over a budget, recorded as "over budget (predicted before training)" without training. Cycles
    are predicted by the cost model for every candidate (cycles_predicted); with QEMU and the Arm
    toolchain installed, each candidate that lands on the Pareto front is also run on the emulated
    target, one validation sample (cycles_emulated), and the front recomputed with the emulated
    cycles. The cycles column is the emulated figure when there, else the predicted one
    (cycles_source says which); the end of the run prints how close the front's predictions came.

    Candidates over a budget stay in the table, marked so, and off the front. After every
    candidate the folder holds results.csv, results.json, report.html (error against cycles and
    against flash, the front highlighted) and best/*.nnp (lowest error within each budget, and the
    front's min-error, min-cycles, min-flash).
    Progress goes to stderr. Ctrl-C stops after the current mini-batch with everything measured so
    far written (the unfinished candidate is dropped); running the same command again on the same
    folder resumes with the next candidate.

    USAGE: \(usage)

    OPTIONS:
      --data <file>             training data (an NNC dataset CSV or MNIST IDX images); also calibrates
      --valid <file>            validation data: the error every candidate is compared by
      --target <target>         cortex-m4f (default) or host, or a path to a target .json
      --max-flash <size>        flash budget (64K, 1.5M, bytes)
      --max-ram <size>          RAM budget: arena plus stack
      --max-ms <ms>             time budget per inference at the target's clock
      --trials <n>              candidates in all, the file's own network included (default 20)
      --epochs <n>              epochs per candidate (default: the file's max_epoch, else 10)
      --time-limit <t>          start no candidate after this long (90s, 30m, 2h)
      --seed <n>                the seed of every choice, initialisation and shuffle (default 1)
      --calibration-samples <n> calibrate on the first n training samples (default 200)
      --kernels <set>           int8 kernels: optimized (SMLAD, the default on cortex-m4f) or reference
                                (slower, a few KB less flash: for tight flash budgets)
      --emulate                 emulate every trained candidate, not only those on the front
      --no-emulate              emulate none: cycles are the cost model's prediction only
      -o, --output <folder>     the search folder: new, empty, or one an earlier search wrote (resumed)
      --force                   use a folder holding other files too (they are never replaced)
    """

  static func run(_ args: [String]) throws -> Int32 {
    let a = try Arguments(
      args,
      options: ["data", "valid", "target", "max-flash", "max-ram", "max-ms", "trials", "epochs", "time-limit", "seed", "calibration-samples", "kernels", "output"],
      flags: ["emulate", "no-emulate", "force"], aliases: ["o": "output"])
    let model = try a.model()
    guard let data = a.value("data") else { throw Arguments.UsageError(message: "missing '--data <train.csv>'") }
    guard let valid = a.value("valid") else { throw Arguments.UsageError(message: "missing '--valid <valid.csv>'") }
    guard let output = a.value("output") else { throw Arguments.UsageError(message: "missing '-o <folder>'") }
    let target: TargetDescription
    do { target = try TargetDescription.named(a.value("target") ?? "cortex-m4f") } catch {
      if let file = error.file { throw CompileError(file: file, "error: \(error.message)") }
      throw Arguments.UsageError(message: error.message)
    }
    func bytes(_ name: String) throws -> Int? {
      guard let s = a.value(name) else { return nil }
      guard let b = SearchBudgets.parseBytes(s) else { throw Arguments.UsageError(message: "'--\(name)' needs a size such as 64K, 1.5M or 4096, got '\(s)'") }
      return b
    }
    var budgets = SearchBudgets(flashBytes: try bytes("max-flash"), ramBytes: try bytes("max-ram"))
    if let ms = a.value("max-ms") {
      guard let v = Double(ms), v.isFinite, v > 0 else { throw Arguments.UsageError(message: "'--max-ms' needs a positive number, got '\(ms)'") }
      budgets.milliseconds = v
    }
    guard !(a.flag("emulate") && a.flag("no-emulate")) else {
      throw Arguments.UsageError(message: "'--emulate' (every candidate) and '--no-emulate' (none) exclude each other")
    }
    let emulation: SearchEmulation = a.flag("emulate") ? .all : a.flag("no-emulate") ? .none : .front
    var timeLimit: Double?
    if let t = a.value("time-limit") {
      guard let s = SearchBudgets.parseDuration(t) else { throw Arguments.UsageError(message: "'--time-limit' needs a duration such as 90s, 30m or 2h, got '\(t)'") }
      timeLimit = s
    }
    var config = SearchConfiguration(
      modelPath: model, trainPath: data, validPath: valid, outputPath: output, target: target, budgets: budgets,
      candidates: try TrainCommand.positive(a, "trials") ?? 20, epochs: try TrainCommand.positive(a, "epochs"), timeLimit: timeLimit,
      seed: UInt64(try TrainCommand.positive(a, "seed", allowZero: true) ?? 1), emulation: emulation,
      calibrationSamples: try TrainCommand.positive(a, "calibration-samples") ?? 200, force: a.flag("force"), kernels: try kernelSet(a))
    // Emulation runs the Cortex-M4F build; without it (or QEMU and the Arm toolchain) cycles are
    // predicted, said so unless nothing was asked of a target that has no emulator.
    if emulation != .none {
      let unemulated = target.cpu != "cortex-m4"
      if unemulated || (try? Toolchain.locate(crossCompiler: target.crossCompiler)) == nil {
        let why = unemulated
          ? "target \(target.name) has no emulator (the emulated board is the Cortex-M4F)"
          : "QEMU or the Arm toolchain is missing (\(Toolchain.installCommand))"
        if emulation == .all { printError("warning: --emulate: \(why); cycles are predicted, not emulated") } else if !unemulated {
          printError("note: \(why); cycles are predicted, not emulated")
        }
        config.emulation = .none
      }
    }

    let driver = try SearchDriver(config, log: printError, shouldStop: Interrupt.requested)
    Interrupt.install()
    let outcome = try driver.run()
    Interrupt.uninstall()
    let front = outcome.rows.filter(\.onFront).map { "#\($0.id)" }.joined(separator: " ")
    let summary = "\(outcome.rows.count) candidates in \(output) (front: \(front.isEmpty ? "none" : front))"
    switch outcome.stoppedBy {
    case "interrupted"?:
      printError("Interrupted: wrote \(summary); run the same command again to continue")
      return 130
    case let why?:
      print("Stopped (\(why)): wrote \(summary)")
    case nil:
      print("Wrote \(summary)")
    }
    if let prediction = outcome.predictionSummary { print(prediction) }
    return 0
  }
}
