import Dispatch
import Foundation
import NNCompileKit

enum TrainCommand: Subcommand {
  static let name = "train"
  static let usage = "nncompile train <model.nnp | model.nntxt> --data <train.csv> [--valid <valid.csv>] [options] -o <trained.nnp>"
  static let help = """
    OVERVIEW: Train a network (NNC's Main, with its loss) on a dataset and write the trained .nnp.

    The optimizer, epochs and batch size named in the file (optimizer, training_config and
    dataset sections) are used unless given here; without them Adam, 10 epochs, batch 64.
    Dataset columns feed the network variables the optimizer's data_variable names, else the
    variables of the same name. Parameters the file lacks start as nnabla initialises them.
    Per epoch: the mean training loss and, with --valid, the validation error (top-1 for
    classifiers, loss otherwise); the written model is the epoch with the lowest validation
    error (the last epoch without --valid). Ctrl-C stops after the current mini-batch, writes
    the best model so far and exits 130. A loss or parameter that becomes NaN or infinite (a
    learning rate too large) stops training with exit 1, keeping the best model so far if an
    epoch completed before it, else writing nothing. Labels are checked before training: a
    class index must be 0 ≤ label < classes (2.5 reads as class 2, as in nnabla).

    USAGE: \(usage)

    OPTIONS:
      --data <file>             training data: an NNC dataset CSV or MNIST IDX images
      --valid <file>            validation data, scored after every epoch
      --test <file>             after training, print the written model's error on this data
      --epochs <n>              epochs (default: the file's max_epoch, else 10)
      --batch-size <n>          mini-batch size (default: the file's batch_size, else 64)
      --seed <n>                initialisation, shuffling and dropout seed (default 1)
      --solver <s>              sgd, momentum or adam (default: the file's, else adam)
      --learning-rate <x>       SGD/Momentum lr or Adam alpha (default: the file's, else 0.001)
      --network <name>          the network to train (default: Main)
      --no-image-normalization  feed image pixels as 0–255 instead of pixel / 255
      -o, --output <file>       the trained .nnp to write (written whole, then renamed into place);
                                replaces only a .nnp nncompile wrote
      --force                   also replace another regular file (never a folder, a link or an input)
    """

  static func run(_ args: [String]) throws -> Int32 {
    let a = try Arguments(
      args, options: ["data", "valid", "test", "epochs", "batch-size", "seed", "solver", "learning-rate", "network", "output"],
      flags: ["no-image-normalization", "force"], aliases: ["o": "output"])
    let model = try a.model()
    guard let dataPath = a.value("data") else { throw Arguments.UsageError(message: "missing '--data <train.csv>'") }
    guard let output = a.value("output") else { throw Arguments.UsageError(message: "missing '-o <trained.nnp>'") }
    if let s = a.value("solver"), !TrainingSetup.solverNames.contains(s) {
      throw Arguments.UsageError(message: "'--solver' must be sgd, momentum or adam, got '\(s)'")
    }
    let overrides = TrainingSetup.Overrides(
      network: a.value("network"), epochs: try positive(a, "epochs"), batchSize: try positive(a, "batch-size"),
      learningRate: try a.double("learning-rate"), solver: a.value("solver"))
    let seed = UInt64(try positive(a, "seed", allowZero: true) ?? 1)
    // Checked before training, so a refused -o costs nothing; checked again when written.
    let destination = try OutputFile(
      output, inputs: [model, dataPath] + [a.value("valid"), a.value("test")].compactMap { $0 }, force: a.flag("force"),
      recognizes: OwnOutputs.isOwnNNP)

    let setup = try TrainingSetup.load(path: model, overrides: overrides)
    let normalize = setup.normalizeImages && !a.flag("no-image-normalization")
    var session = try TrainingSession(setup: setup, seed: seed)
    func dataset(_ path: String) throws -> Dataset {
      let d: Dataset
      do { d = try Dataset.load(path: path, normalizeImages: normalize) } catch let e as DatasetError {
        throw CompileError(file: e.location(fallback: path), "error: \(e.message)")
      } catch { throw CompileError(file: path, wrapping: error) }
      for warning in try session.check(d, file: path) { printError(warning) }
      return d
    }
    let train = try dataset(dataPath)
    let valid = try a.value("valid").map(dataset)
    let test = try a.value("test").map { ($0, try dataset($0)) }

    Interrupt.install()
    let terminal = isatty(2) != 0
    let metric = session.metric
    var barLength = 0
    let outcome: TrainingSession.Outcome
    do {
      outcome = try session.run(
        train: train, valid: valid,
        batchDone: { epoch, batch, batches, loss in
          guard terminal else { return }
          let line = TerminalProgressBar.render(phase: "epoch \(epoch)/\(setup.epochs)", completed: batch, total: batches, width: 30, unit: "batches")
            + String(format: "  loss %.4f", loss)
          FileHandle.standardError.write(Data(("\r" + line).utf8))
          barLength = line.count
        },
        epochDone: { r in
          var line = "epoch \(r.epoch)/\(r.epochs)  " + String(format: "loss %.4f", r.loss)
          if let v = r.validation { line += "  valid \(metric.format(v))" + (r.isBest ? "  (best)" : "") }
          let clear = terminal ? "\r" + String(repeating: " ", count: barLength) + "\r" : ""
          FileHandle.standardError.write(Data((clear + line + "\n").utf8))
        },
        shouldStop: Interrupt.requested)
    } catch let e as CompileError {
      throw e
    } catch {
      throw CompileError(file: dataPath, wrapping: error)
    }
    Interrupt.uninstall()  // from here Ctrl-C undoes the write and stops at once

    if terminal && (outcome.interrupted || outcome.divergence != nil) { FileHandle.standardError.write(Data("\n".utf8)) }
    let brokenAt = outcome.divergence.map { "\($0) (learning rate \(String(format: "%g", session.trainer.learningRate)))" }
    if let brokenAt, outcome.bestEpoch == nil {
      // Nothing finite to keep: the parameters before training are no trained model.
      throw CompileError(file: model, "error: \(brokenAt); no epoch completed before it, so nothing was written; try a smaller --learning-rate")
    }
    let bytes = try TrainedModelWriter.nnp(setup: setup, parameters: outcome.parameters, dataURI: dataPath, samples: train.count)
    try destination.write(bytes)
    var which = outcome.bestEpoch.map { "epoch \($0)" } ?? "no epoch completed: the parameters as they were"
    if let v = outcome.bestValidation { which += ", valid \(session.metric.format(v))" }
    if let brokenAt {
      printError("\(model): error: \(brokenAt); wrote the best model so far (\(which)) to \(output)")
      return 1
    }
    if outcome.interrupted {
      printError("Interrupted after \(outcome.completedEpochs) of \(setup.epochs) epochs: wrote the best model so far (\(which)) to \(output)")
      return 130
    }
    print("Wrote \(output) (\(which))")
    if let (path, data) = test {
      try session.restore(outcome.parameters)
      let score = try session.score(data)
      let accuracy = session.metric == .loss ? "" : String(format: " (accuracy %.2f%%)", (1 - score) * 100)
      print("test \(session.metric.format(score))\(accuracy) on \(data.count) samples of \(path)")
    }
    return 0
  }

  static func positive(_ a: Arguments, _ name: String, allowZero: Bool = false) throws -> Int? {
    guard let s = a.value(name) else { return nil }
    guard let n = Int(s), n > 0 || (allowZero && n == 0) else {
      throw Arguments.UsageError(message: "'--\(name)' needs a \(allowZero ? "non-negative" : "positive") whole number, got '\(s)'")
    }
    return n
  }
}
