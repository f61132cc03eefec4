import Foundation
import NNIR
import NNTrain

/// Trains a `TrainingSetup` on datasets for its epochs, measuring validation error after each,
/// and keeps the best parameters so far, so an interrupted run still has a model to write.
///
/// Best means lowest validation error when there is validation data, else the last completed
/// epoch. `shouldStop` is asked between mini-batches (Ctrl-C sets it).
public struct TrainingSession {
  /// How validation is scored, from the first loss: classifiers by top-1 error (softmax / categorical
  /// cross entropy: arg-max against the class index; sigmoid / binary cross entropy: the prediction
  /// on the right side of 0 / 0.5), everything else (regression, autoencoders) by mean loss.
  public enum Metric: Sendable, Equatable {
    case topOneError
    case binaryError(threshold: Float)
    case loss

    /// `valid error 2.50%` or `valid loss 0.0123`.
    public func format(_ value: Float) -> String {
      switch self {
      case .topOneError, .binaryError: String(format: "error %.2f%%", value * 100)
      case .loss: String(format: "loss %.4f", value)
      }
    }
  }

  public struct EpochReport: Sendable {
    public var epoch: Int
    public var epochs: Int
    /// Mean training loss over the epoch's mini-batches.
    public var loss: Float
    public var validation: Float?
    public var isBest: Bool
  }

  public struct Outcome {
    /// Parameters to write: the best epoch's (or the current ones when no epoch completed).
    public var parameters: [String: FloatTensor]
    public var bestEpoch: Int?
    public var bestValidation: Float?
    public var completedEpochs: Int
    public var interrupted: Bool
    /// Set when training stopped because the numbers broke down ("the loss became NaN at epoch 3,
    /// step 17"); `parameters` are then the best epoch's, or empty when no epoch completed.
    public var divergence: String?
  }

  public let setup: TrainingSetup
  public let metric: Metric
  public private(set) var trainer: Trainer
  private let seed: UInt64

  public init(setup: TrainingSetup, seed: UInt64) throws {
    self.setup = setup
    self.seed = seed
    trainer = try Trainer(graph: setup.graph, optimizer: setup.optimizer, seed: seed)
    switch setup.graph.losses.first?.function {
    case .softmaxCrossEntropy, .categoricalCrossEntropy: metric = .topOneError
    case .sigmoidCrossEntropy: metric = .binaryError(threshold: 0)
    case .binaryCrossEntropy: metric = .binaryError(threshold: 0.5)
    default: metric = .loss
    }
  }

  /// Network feeds (data inputs, then labels) by name.
  var feedNames: [String] {
    (setup.graph.graph.inputs + setup.graph.labels).map { setup.graph.graph.tensors[$0].name }
  }

  /// Checks that `data` has a column of the right size for every network input and label, and
  /// only values the network can take: finite numbers, and for a class-index loss (softmax or
  /// categorical cross entropy) a class `0 ≤ label < classes` — caught here, where the file and
  /// line are known, rather than as a NaN loss or a failed step. `file` names the dataset in the
  /// error. Returns warnings: fractional class labels, which nnabla truncates (2.5 is class 2).
  @discardableResult
  public func check(_ data: Dataset, file: String) throws -> [String] {
    let g = setup.graph.graph
    var warnings: [String] = []
    for i in g.inputs + setup.graph.labels {
      let name = g.tensors[i].name
      let column = setup.column(for: name)
      guard let k = data.variables.firstIndex(where: { $0.name == column }) else {
        throw CompileError(file: file, "error: no column '\(column)' for the network's variable '\(name)' (the dataset has: \(data.variables.map(\.name).joined(separator: ", ")))")
      }
      let v = data.variables[k]
      let wanted = g.tensors[i].shape.dropFirst().reduce(1, *)
      guard v.elementCount == wanted else {
        throw CompileError(file: file, "error: column '\(column)' holds \(v.shape) per sample (\(v.elementCount) values); the network's '\(name)' takes \(Array(g.tensors[i].shape.dropFirst())) (\(wanted))")
      }
      warnings += try checkValues(data, variable: k, feeding: i, file: file)
    }
    return warnings
  }

  /// The values of variable `k` feeding tensor `tensor`: the first bad one throws, naming its
  /// place; a warning for class labels with a fractional part.
  private func checkValues(_ data: Dataset, variable k: Int, feeding tensor: Int, file: String) throws -> [String] {
    let values = data.data[k]
    let terms = setup.graph.losses.filter { $0.label == tensor }
    // The common case, a data input of finite numbers (often millions of pixels), in one pass.
    if terms.isEmpty && values.allSatisfy(\.isFinite) { return [] }
    let g = setup.graph.graph
    let per = data.variables[k].elementCount
    /// `train.csv:12` or `labels-idx1-ubyte`, and the place within (`column 'y'`, `index 7, column 'y'`).
    func place(_ n: Int) -> (file: String, place: String) {
      let at = data.location(of: data.variables[k].name, sample: n / per, element: n % per)
      let name = at.file.isEmpty ? file : at.file
      return (at.line.map { "\(name):\($0)" } ?? name, at.place)
    }
    var truncated: [Int] = []
    for (n, value) in values.enumerated() {
      let problem = terms.isEmpty
        ? (value.isFinite ? nil : "value \(value) is not a finite number")
        : terms.lazy.compactMap { t in
          t.function.labelProblem(value, classes: t.function.classCount(prediction: g.tensors[t.prediction].shape))
            .map { "\($0) (\(t.function.typeName) '\(t.name)')" }
        }.first
      if let problem {
        let at = place(n)
        throw CompileError(file: at.file, "error: \(at.place): \(problem)")
      }
      if terms.contains(where: { $0.function.truncatesLabel(value) }) { truncated.append(n) }
    }
    guard let first = truncated.first else { return [] }
    let at = place(first)
    let more = truncated.count > 1 ? " (\(truncated.count) such labels)" : ""
    return ["\(at.file): warning: \(at.place): label \(values[first]) is not a whole number; read as class \(Int(values[first])), as nnabla does\(more)"]
  }

  /// A batch keyed by the network's variable names.
  func feed(_ data: Dataset, _ indices: [Int]) -> [String: FloatTensor] {
    let gathered = data.gather(indices)
    var batch: [String: FloatTensor] = [:]
    for name in feedNames { batch[name] = gathered[setup.column(for: name)] }
    return batch
  }

  /// The metric on all of `data` (mini-batches of the training batch size, the last one partial).
  public mutating func score(_ data: Dataset) throws -> Float {
    guard let term = setup.graph.losses.first else { return 0 }
    let g = setup.graph.graph
    let predictionName = g.tensors[term.prediction].name
    let labelName = g.tensors[term.label].name
    var wrong = 0, total = 0
    var lossSum: Double = 0
    for indices in data.batches(size: setup.batchSize, seed: nil, epoch: 0, dropLast: false) {
      let batch = feed(data, indices)
      let (loss, outputs) = try trainer.evaluate(batch: batch)
      lossSum += Double(loss) * Double(indices.count)
      total += indices.count
      guard let prediction = outputs[predictionName]?.values, let label = batch[labelName]?.values else { continue }
      switch metric {
      case .topOneError:
        let classes = prediction.count / indices.count
        for s in 0..<indices.count {
          let row = prediction[(s * classes)..<((s + 1) * classes)]
          let best = row.indices.max { row[$0] < row[$1] }! - s * classes
          if best != Int(label[s]) { wrong += 1 }
        }
      case .binaryError(let threshold):
        let per = prediction.count / indices.count
        for s in 0..<indices.count {
          let miss = (0..<per).contains { k in (prediction[s * per + k] > threshold) != (label[s * per + k] > 0.5) }
          if miss { wrong += 1 }
        }
      case .loss: break
      }
    }
    guard total > 0 else { return 0 }
    return metric == .loss ? Float(lossSum / Double(total)) : Float(wrong) / Float(total)
  }

  /// Runs every epoch (or until `shouldStop`), calling `batchDone(epoch, batch, batches, meanLoss)`
  /// after each update and `epochDone` after each epoch.
  public mutating func run(
    train: Dataset, valid: Dataset?,
    batchDone: (Int, Int, Int, Float) -> Void = { _, _, _, _ in },
    epochDone: (EpochReport) -> Void = { _ in },
    shouldStop: () -> Bool = { false }
  ) throws -> Outcome {
    guard train.count >= setup.batchSize else {
      throw TrainingError("the training data has \(train.count) samples, fewer than one batch of \(setup.batchSize)")
    }
    var outcome = Outcome(parameters: [:], bestEpoch: nil, bestValidation: nil, completedEpochs: 0, interrupted: false, divergence: nil)
    for epoch in 1...setup.epochs {
      let batches = train.batches(size: setup.batchSize, seed: seed, epoch: epoch - 1)
      var sum: Double = 0
      for (b, indices) in batches.enumerated() {
        if shouldStop() {
          outcome.interrupted = true
          if outcome.bestEpoch == nil { outcome.parameters = trainer.parameters }
          return outcome
        }
        let loss = try trainer.step(batch: feed(train, indices))
        if let broken = divergence(loss: loss) {
          outcome.divergence = "\(broken) at epoch \(epoch), step \(b + 1)"
          return outcome
        }
        sum += Double(loss)
        batchDone(epoch, b + 1, batches.count, Float(sum / Double(b + 1)))
      }
      let validation = try valid.map { try score($0) }
      if let v = validation, !v.isFinite {
        outcome.divergence = "the validation loss became \(v.isNaN ? "NaN" : "infinite") at epoch \(epoch)"
        return outcome
      }
      let isBest = validation.map { v in outcome.bestValidation.map { v < $0 } ?? true } ?? true
      if isBest {
        outcome.parameters = trainer.parameters
        outcome.bestEpoch = epoch
        outcome.bestValidation = validation
      }
      outcome.completedEpochs = epoch
      epochDone(EpochReport(epoch: epoch, epochs: setup.epochs, loss: Float(sum / Double(batches.count)), validation: validation, isBest: isBest))
    }
    return outcome
  }

  /// What broke after a step whose loss (before the update) was `loss`: the loss itself, or a
  /// parameter the update made NaN or infinite (a learning rate too large for float). Caught at
  /// once, so that the best epoch's parameters, all finite, are still there to keep.
  private func divergence(loss: Float) -> String? {
    if !loss.isFinite { return "the loss became \(loss.isNaN ? "NaN" : "infinite")" }
    return trainer.nonFiniteParameter.map { "parameter '\($0)' became NaN or infinite" }
  }

  /// Loads `parameters` into the trainer (e.g. the best epoch's, before scoring a test set).
  public mutating func restore(_ parameters: [String: FloatTensor]) throws {
    for (name, t) in parameters { try trainer.setParameter(name, t) }
  }
}
