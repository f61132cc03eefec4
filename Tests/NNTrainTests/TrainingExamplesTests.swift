import Foundation
import NNIR
import NNImport
import Testing
import _NNTestSupport
@testable import NNTrain

/// The hand-written networks of the training examples (`examples/train-*/net.nntxt`) import, train
/// on a slice of `examples/digits` for a few seeded epochs, and learn — so the examples cannot rot.
/// Each is a debug-build-sized run (a few hundred samples); the full runs are the examples' `run.sh`.
@Suite struct TrainingExamplesTests {
  static func example(_ folder: String) throws -> TrainingGraph {
    let path = Fixtures.repositoryRoot.appendingPathComponent("examples/\(folder)/net.nntxt").path
    return try NNablaImporter.importTrainingText(try String(contentsOfFile: path, encoding: .utf8))
  }

  static func data(_ csv: String) throws -> Dataset {
    try Dataset.loadCSV(path: Fixtures.repositoryRoot.appendingPathComponent("examples/\(csv)").path)
  }

  /// `epochs` passes over the first `samples` of `train`, shuffled with `seed`, batch `batch`;
  /// returns the mean loss of each epoch.
  static func train(
    _ trainer: inout Trainer, _ train: Dataset, samples: Int, epochs: Int, batch: Int, seed: UInt64
  ) throws -> [Float] {
    let slice = train.subset(Array(0..<min(samples, train.count)))
    var losses: [Float] = []
    for epoch in 0..<epochs {
      let batches = slice.batches(size: batch, seed: seed, epoch: epoch)
      var sum: Float = 0
      for b in batches { sum += try trainer.step(batch: slice.gather(b)) }
      losses.append(sum / Float(batches.count))
    }
    return losses
  }

  /// The output `name` on every sample of `data`, one row per sample.
  static func predict(_ trainer: inout Trainer, _ data: Dataset, output name: String) throws -> [[Float]] {
    let all = data.gather(Array(0..<data.count))
    let (_, outputs) = try trainer.evaluate(batch: ["x": all["x"]!])
    let out = try #require(outputs[name])
    let width = out.count / data.count
    return (0..<data.count).map { Array(out.values[($0 * width)..<(($0 + 1) * width)]) }
  }

  static func labels(_ data: Dataset) -> [Int] { data.gather(Array(0..<data.count))["y"]!.values.map { Int($0) } }

  @Test func logisticRegression4v9_separatesFoursFromNines() throws {
    let net = try Self.example("train-logreg-4v9")
    #expect(net.losses.map(\.function) == [.binaryCrossEntropy])
    var trainer = try Trainer(graph: net, optimizer: OptimizerSettings(solver: .adam(alpha: 0.01)), seed: 1)
    let losses = try Self.train(&trainer, try Self.data("digits/train_4_9.csv"), samples: 160, epochs: 5, batch: 16, seed: 1)
    let valid = try Self.data("digits/valid_4_9.csv")
    let p = try Self.predict(&trainer, valid, output: "Sigmoid")
    let correct = zip(p, Self.labels(valid)).filter { ($0[0] >= 0.5 ? 1 : 0) == $1 }.count
    #expect(losses.last! < losses.first! * 0.5, "epoch losses \(losses)")
    #expect(correct >= 36, "valid accuracy \(correct)/\(valid.count), epoch losses \(losses)")
  }

  @Test func mlp_learnsAllTenDigits() throws {
    let net = try Self.example("train-mlp")
    #expect(net.losses.map(\.function) == [.categoricalCrossEntropy(axis: 1)])
    var trainer = try Trainer(graph: net, optimizer: OptimizerSettings(solver: .adam(alpha: 0.003)), seed: 1)
    let losses = try Self.train(&trainer, try Self.data("digits/train.csv"), samples: 400, epochs: 5, batch: 20, seed: 1)
    let valid = try Self.data("digits/valid.csv")
    let p = try Self.predict(&trainer, valid, output: "Softmax")
    let correct = zip(p, Self.labels(valid)).filter { $0.firstIndex(of: $0.max()!)! == $1 }.count
    #expect(losses.last! < losses.first! * 0.3, "epoch losses \(losses)")
    #expect(correct >= 170, "valid accuracy \(correct)/\(valid.count), epoch losses \(losses)")
  }

  /// LeNet is the slowest to train in a debug build, so this one trains on 100 samples of the
  /// validation split and tests on its other 100 (the full run is `examples/train-lenet/run.sh`).
  @Test func lenet_learnsAllTenDigits() throws {
    let net = try Self.example("train-lenet")
    #expect(net.losses.map(\.function) == [.softmaxCrossEntropy(axis: 1)])
    var trainer = try Trainer(graph: net, optimizer: OptimizerSettings(solver: .adam(alpha: 0.003)), seed: 1)
    let digits = try Self.data("digits/valid.csv")
    let losses = try Self.train(&trainer, digits, samples: 100, epochs: 3, batch: 10, seed: 1)
    let heldOut = digits.subset(Array(100..<200))
    let p = try Self.predict(&trainer, heldOut, output: "a4")
    let correct = zip(p, Self.labels(heldOut)).filter { $0.firstIndex(of: $0.max()!)! == $1 }.count
    #expect(losses.last! < losses.first! * 0.6, "epoch losses \(losses)")
    #expect(correct >= 50, "held-out accuracy \(correct)/100, epoch losses \(losses)")
  }

  /// Trained on 0–4 only, the autoencoder reconstructs them better than 5–9: the per-image mean
  /// squared error separates seen from unseen digits (AUROC, as the example's README reports).
  @Test func autoencoder_reconstructionErrorFlagsUnseenDigits() throws {
    let net = try Self.example("train-autoencoder")
    #expect(net.losses.map(\.function) == [.squaredError])
    var trainer = try Trainer(graph: net, optimizer: OptimizerSettings(solver: .adam(alpha: 0.003)), seed: 1)
    let losses = try Self.train(
      &trainer, try Self.data("train-autoencoder/train_0_4.csv"), samples: 300, epochs: 6, batch: 20, seed: 1)
    func errors(_ csv: String) throws -> [Float] {
      let data = try Self.data(csv).subset(Array(0..<100))
      let inputs = data.gather(Array(0..<data.count))["x"]!.values
      return try Self.predict(&trainer, data, output: "Reshape").enumerated().map { i, row in
        zip(row, inputs[(i * 784)..<((i + 1) * 784)]).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / 784
      }
    }
    let seen = try errors("train-autoencoder/test_seen.csv")
    let unseen = try errors("train-autoencoder/test_unseen.csv")
    let auroc = Self.auroc(negatives: seen, positives: unseen)
    #expect(losses.last! < losses.first! * 0.5, "epoch losses \(losses)")
    #expect(auroc >= 0.8, "AUROC \(auroc), mean error seen \(seen.reduce(0, +) / 100) unseen \(unseen.reduce(0, +) / 100)")
  }

  @Test func auroc_countsPairsRankedRight() {
    #expect(Self.auroc(negatives: [1, 2], positives: [3, 4]) == 1)
    #expect(Self.auroc(negatives: [3, 4], positives: [1, 2]) == 0)
    #expect(Self.auroc(negatives: [1, 3], positives: [2, 3]) == 0.625)  // (1 + 1 + 0 + ½) / 4
  }

  /// The probability that a random positive scores above a random negative (ties count ½).
  static func auroc(negatives: [Float], positives: [Float]) -> Double {
    var wins = 0.0
    for p in positives { for n in negatives { wins += p > n ? 1 : (p == n ? 0.5 : 0) } }
    return wins / Double(positives.count * negatives.count)
  }
}
