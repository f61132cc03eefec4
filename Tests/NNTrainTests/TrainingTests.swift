import Foundation
import NNIR
import NNImport
import Testing
import _NNTestSupport
@testable import NNTrain

/// End to end: import an NNC-style `Main` network with its loss, initialise it as nnabla would,
/// train it on real digits, and check that it learned.
@Suite struct TrainingTests {
  static func lenet() throws -> TrainingGraph { try network("train_lenet") }

  static func network(_ name: String) throws -> TrainingGraph {
    let text = try String(contentsOfFile: Fixtures.path("nnabla/\(name)/net.nntxt"), encoding: .utf8)
    return try NNablaImporter.importTrainingText(text)
  }

  /// The digits fixture: 400 images `[1, 28, 28]` in 0…1 and their labels.
  static func digits() throws -> (images: [Float], labels: [Float]) {
    let images = try Fixtures.floats("nnabla/digits_lenet/test_inputs.bin")
    let labels = try Fixtures.bytes("nnabla/digits_lenet/test_labels.bin").map(Float.init)
    return (images, labels)
  }

  static func batch(_ data: (images: [Float], labels: [Float]), _ rows: Range<Int>) -> [String: FloatTensor] {
    [
      "x": FloatTensor(shape: [rows.count, 1, 28, 28], values: Array(data.images[(rows.lowerBound * 784)..<(rows.upperBound * 784)])),
      "y": FloatTensor(shape: [rows.count, 1], values: Array(data.labels[rows])),
    ]
  }

  @Test func importKeepsLossLabelAndInitializers() throws {
    let t = try Self.lenet()
    #expect(t.graph.name == "Main")
    #expect(t.graph.inputs.map { t.graph.tensors[$0].name } == ["x"])
    #expect(t.graph.outputs.map { t.graph.tensors[$0].name } == ["a4"])
    #expect(t.labels.map { t.graph.tensors[$0].name } == ["y"])
    #expect(t.losses.map(\.function) == [.softmaxCrossEntropy(axis: 1)])
    #expect(t.uninitialized.count == 8)
    let conv1 = try #require(t.graph.tensorIndex(named: "conv1/W"))
    #expect(t.uninitialized[conv1] == .some(ParameterInitializer(type: "NormalConvolutionGlorot", multiplier: 1)))
  }

  @Test func presentParametersAreContinuedNotReinitialised() throws {
    let text = try String(contentsOfFile: Fixtures.path("nnabla/train_lenet/net.nntxt"), encoding: .utf8)
    let bias = ParameterDef(name: "fc4/b", shape: [10], values: (0..<10).map(Float.init))
    let t = try NNablaImporter.importTrainingText(text, extraParameters: [bias])
    #expect(t.uninitialized.count == 7)
    let trainer = try Trainer(graph: t, optimizer: OptimizerSettings(), seed: 1)
    #expect(trainer.parameters["fc4/b"]?.values == (0..<10).map(Float.init))
  }

  @Test func unknownNetworkAndMissingFeedAreOneLineErrors() throws {
    let text = try String(contentsOfFile: Fixtures.path("nnabla/train_lenet/net.nntxt"), encoding: .utf8)
    do {
      _ = try NNablaImporter.importTrainingText(text, network: "MainValidation")
      Issue.record("expected an error")
    } catch {
      #expect("\(error)".contains("no network named 'MainValidation' (the file has: Main)"))
    }
    var trainer = try Trainer(graph: try Self.lenet(), optimizer: OptimizerSettings(), seed: 1)
    #expect(throws: TrainingError("the batch has no 'y'")) {
      try trainer.step(batch: ["x": FloatTensor(zeros: [2, 1, 28, 28])])
    }
    #expect(throws: TrainingError("'x' holds 10 values; the network takes [2, 1, 28, 28] (1568)")) {
      try trainer.step(batch: ["x": FloatTensor(zeros: [2, 5]), "y": FloatTensor(zeros: [2, 1])])
    }
  }

  @Test func missingLossIsOneClearError() throws {
    let text = """
      network { name: "Main" variable { name: "x" type: "Buffer" shape: { dim: -1 dim: 2 } }
        variable { name: "y" type: "Buffer" shape: { dim: -1 dim: 2 } }
        function { name: "r" type: "ReLU" input: "x" output: "y" } }
      """
    #expect(throws: DiagnosticError.self) { try NNablaImporter.importTrainingText(text) }
    do {
      _ = try NNablaImporter.importTrainingText(text)
    } catch {
      #expect("\(error)".contains("network 'Main' has no loss function"))
    }
  }

  @Test func initializationFollowsNNablaScales() throws {
    var t = try Self.lenet()
    try ParameterInitialization.initialize(&t, seed: 5)
    func std(_ name: String) -> Double {
      let v = t.graph.tensors[t.graph.tensorIndex(named: name)!].data!.values.map(Double.init)
      let mean = v.reduce(0, +) / Double(v.count)
      return (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(v.count)).squareRoot()
    }
    // NormalConvolutionGlorot: σ = √(2 / (in·k + out·k)) = √(2 / (16·25 + 16·25)) for conv2.
    let expected = (2.0 / (16 * 25 + 16 * 25)).squareRoot()
    #expect(abs(std("conv2/W") - expected) < 0.05 * expected)
    #expect(t.graph.tensors[t.graph.tensorIndex(named: "conv2/b")!].data!.values.allSatisfy { $0 == 0 })
  }

  /// A small CNN (average-pool to 14×14, conv 6@3×3, BatchNormalization in training mode, ReLU,
  /// max-pool, conv 8@3×3, ReLU, max-pool, Dropout 0.1, affine 10) on 300 digits, the other 100
  /// held out; 6 epochs of Adam at 0.01, batch 30. Small enough for a debug build.
  @Test func smallCNNLearnsDigits() throws {
    let data = try Self.digits()
    var trainer = try Trainer(graph: try Self.network("train_small_cnn"), optimizer: OptimizerSettings(solver: .adam(alpha: 0.01)), seed: 42)
    let (before, _) = try trainer.evaluate(batch: Self.batch(data, 300..<400))
    var epochLosses: [Float] = []
    for _ in 0..<6 {
      var sum: Float = 0
      for start in stride(from: 0, to: 300, by: 30) { sum += try trainer.step(batch: Self.batch(data, start..<(start + 30))) }
      epochLosses.append(sum / 10)
    }
    let (after, outputs) = try trainer.evaluate(batch: Self.batch(data, 300..<400))
    let logits = try #require(outputs["a3"])
    var correct = 0
    for r in 0..<100 {
      let row = Array(logits.values[(r * 10)..<(r * 10 + 10)])
      if row.firstIndex(of: row.max()!)! == Int(data.labels[300 + r]) { correct += 1 }
    }
    #expect(epochLosses.last! < epochLosses.first! * 0.5, "epoch losses \(epochLosses)")
    #expect(after < before * 0.5, "held-out loss \(before) → \(after)")
    #expect(correct >= 80, "held-out accuracy \(correct)/100, epoch losses \(epochLosses)")
  }
}
