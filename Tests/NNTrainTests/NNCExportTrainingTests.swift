import Foundation
import NNIR
import NNImport
import Testing
import _NNTestSupport
@testable import NNTrain

/// A real Neural Network Console export (`Tests/Fixtures/real/nnc_result.nnp`: Main = MaxPooling,
/// Affine, ReLU, Affine, Sigmoid, BinaryCrossEntropy with label `BinaryCrossEntropy_T`).
@Suite struct NNCExportTrainingTests {
  static func images() throws -> FloatTensor {
    let values = try (1...4).flatMap { try Fixtures.floats("real/nnc_result__nnc_00\($0).input.bin") }
    return FloatTensor(shape: [4, 1, 28, 28], values: values)
  }

  static func expected() throws -> [Float] {
    try (1...4).flatMap { try Fixtures.floats("real/nnc_result__nnc_00\($0).output.bin") }
  }

  @Test func importsMainWithItsLossAndStoredParameters() throws {
    let t = try NNablaImporter.importTrainingNNP(bytes: try Fixtures.bytes("real/nnc_result.nnp"))
    #expect(t.graph.name == "Main")
    #expect(t.losses.map(\.function) == [.binaryCrossEntropy])
    #expect(t.labels.map { t.graph.tensors[$0].name } == ["BinaryCrossEntropy_T"])
    #expect(t.uninitialized.isEmpty)
  }

  /// The training graph at batch 4 (matrix-multiply kernels) predicts what the runtime network
  /// predicted for each image at batch 1 (the fixture's outputs), within 1e-5.
  @Test func batchedForwardMatchesTheRuntimeOutputs() throws {
    let t = try NNablaImporter.importTrainingNNP(bytes: try Fixtures.bytes("real/nnc_result.nnp"))
    var trainer = try Trainer(graph: t, optimizer: OptimizerSettings(), seed: 1)
    let (_, outputs) = try trainer.evaluate(batch: ["Input": try Self.images()])
    let sigmoid = try #require(outputs["Sigmoid"])
    for (got, want) in zip(sigmoid.values, try Self.expected()) { #expect(abs(got - want) <= 1e-5, "\(got) vs \(want)") }
  }

  /// Continued training toward the opposite labels lowers the loss step after step (SGD 0.01).
  @Test func continuedTrainingLowersTheLoss() throws {
    let t = try NNablaImporter.importTrainingNNP(bytes: try Fixtures.bytes("real/nnc_result.nnp"))
    var trainer = try Trainer(graph: t, optimizer: OptimizerSettings(solver: .sgd(learningRate: 0.01)), seed: 1)
    let flipped = FloatTensor(shape: [4, 1], values: try Self.expected().map { $0 < 0.5 ? 1 : 0 })
    let batch = ["Input": try Self.images(), "BinaryCrossEntropy_T": flipped]
    var losses: [Float] = []
    for _ in 0..<5 { losses.append(try trainer.step(batch: batch)) }
    #expect(zip(losses, losses.dropFirst()).allSatisfy { $0 > $1 }, "losses \(losses)")
  }
}
