import Foundation
import NNCompileKit
import Testing
import _NNTestSupport

/// The optimizer, epochs, batch size and column mapping come from the file unless overridden.
@Suite struct TrainingSetupTests {
  @Test func handWrittenNNTXT_givesItsSections() throws {
    let s = try TrainingSetup.load(path: Fixtures.path("train/mlp.nntxt"))
    #expect(s.optimizer == OptimizerSettings(solver: .momentum(learningRate: 0.05, momentum: 0.9)))
    #expect(s.epochs == 3 && s.batchSize == 32 && s.normalizeImages)
    #expect(s.column(for: "image") == "x" && s.column(for: "label") == "y")
    #expect(s.originalNNP == nil)
  }

  @Test func nncExport_givesItsSections() throws {
    let s = try TrainingSetup.load(path: Fixtures.path("real/nnc_result.nnp"))
    #expect(s.networkName == "Main")
    #expect(s.optimizer == OptimizerSettings(solver: .adam(alpha: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8)))
    #expect(s.epochs == 100 && s.batchSize == 64)
    #expect(s.column(for: "Input") == "x" && s.column(for: "BinaryCrossEntropy_T") == "y")
    #expect(s.originalNNP != nil)
  }

  @Test func commandLine_overrides() throws {
    let s = try TrainingSetup.load(
      path: Fixtures.path("train/mlp.nntxt"),
      overrides: .init(epochs: 7, batchSize: 5, learningRate: 0.01, solver: "adam"))
    #expect(s.optimizer == OptimizerSettings(solver: .adam(alpha: 0.01)))
    #expect(s.epochs == 7 && s.batchSize == 5)
    // Only the rate: the file's solver keeps its momentum.
    let r = try TrainingSetup.load(path: Fixtures.path("train/mlp.nntxt"), overrides: .init(learningRate: 0.2))
    #expect(r.optimizer == OptimizerSettings(solver: .momentum(learningRate: 0.2, momentum: 0.9)))
  }

  @Test func lrDecay_isAStepSchedule() throws {
    var text = try String(contentsOfFile: Fixtures.path("train/mlp.nntxt"), encoding: .utf8)
    text = text.replacingOccurrences(of: "lr_decay: 1 lr_decay_interval: 1", with: "lr_decay: 0.5 lr_decay_interval: 100")
    let dir = try Fixtures.temporaryDirectory("setup")
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("decay.nntxt").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let s = try TrainingSetup.load(path: path)
    #expect(s.optimizer.stepSchedule?.stepSize == 100 && s.optimizer.stepSchedule?.gamma == 0.5)
  }
}
