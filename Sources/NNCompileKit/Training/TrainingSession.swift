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

  /// Checks that `data` has a column of the right size for every network input and label;
  /// `file` names the dataset in the error.
  public func check(_ data: Dataset, file: String) throws {
    let g = setup.graph.graph
    for i in g.inputs + setup.graph.labels {
      let name = g.tensors[i].name
      let column = setup.column(for: name)
      guard let v = data.variable(column) else {
        throw CompileError(file: file, "error: no column '\(column)' for the network's variable '\(name)' (the dataset has: \(data.variables.map(\.name).joined(separator: ", ")))")
      }
      let wanted = g.tensors[i].shape.dropFirst().reduce(1, *)
      guard v.elementCount == wanted else {
        throw CompileError(file: file, "error: column '\(column)' holds \(v.shape) per sample (\(v.elementCount) values); the network's '\(name)' takes \(Array(g.tensors[i].shape.dropFirst())) (\(wanted))")
      }
    }
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
    var outcome = Outcome(parameters: [:], bestEpoch: nil, bestValidation: nil, completedEpochs: 0, interrupted: false)
    for epoch in 1...setup.epochs {
      let batches = train.batches(size: setup.batchSize, seed: seed, epoch: epoch - 1)
      var sum: Double = 0
      for (b, indices) in batches.enumerated() {
        if shouldStop() {
          outcome.interrupted = true
          if outcome.bestEpoch == nil { outcome.parameters = trainer.parameters }
          return outcome
        }
        sum += Double(try trainer.step(batch: feed(train, indices)))
        batchDone(epoch, b + 1, batches.count, Float(sum / Double(b + 1)))
      }
      let validation = try valid.map { try score($0) }
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

  /// Loads `parameters` into the trainer (e.g. the best epoch's, before scoring a test set).
  public mutating func restore(_ parameters: [String: FloatTensor]) throws {
    for (name, t) in parameters { try trainer.setParameter(name, t) }
  }
}
