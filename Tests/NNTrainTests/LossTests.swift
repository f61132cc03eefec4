import Foundation
import Testing
import NNIR
import _NNTestSupport
@testable import NNTrain

/// Loss functions: values as nnabla defines them, and their gradients against finite differences.
@Suite struct LossTests {
  /// `x → op → y`, `loss = mean(lossFunction(y, t))`.
  static func trainer(op: Op, x: [Int], loss: LossFunction, labelShape: [Int]) throws -> Trainer {
    let y = try ShapeInference.outputShape(of: op, inputs: [x])
    let graph = ModelGraph(
      name: "loss", tensors: [TensorInfo(name: "x", shape: x), TensorInfo(name: "y", shape: y), TensorInfo(name: "t", shape: labelShape)],
      nodes: [Node(name: "op", op: op, inputs: [0], outputs: [1])], inputs: [0], outputs: [1])
    let t = TrainingGraph(graph: graph, labels: [2], losses: [LossTerm(name: "l", function: loss, prediction: 1, label: 2)])
    return try Trainer(graph: t, optimizer: OptimizerSettings(), seed: 1)
  }

  @Test func valuesFollowNNabla() throws {
    // SoftmaxCrossEntropy of logits [0, ln 3] for class 1: −log(3/4); class 0: −log(1/4). Mean.
    var sce = try Self.trainer(op: .identity, x: [2, 2], loss: .softmaxCrossEntropy(axis: 1), labelShape: [2, 1])
    let x = FloatTensor(shape: [2, 2], values: [0, Float(Foundation.log(3.0)), 0, Float(Foundation.log(3.0))])
    let l1 = try sce.evaluate(batch: ["x": x, "t": FloatTensor(shape: [2, 1], values: [1, 0])]).loss
    #expect(abs(l1 - Float((-Foundation.log(0.75) - Foundation.log(0.25)) / 2)) < 1e-6)
    // SquaredError: mean((x − t)²).
    var se = try Self.trainer(op: .identity, x: [1, 3], loss: .squaredError, labelShape: [1, 3])
    let l2 = try se.evaluate(batch: ["x": FloatTensor(shape: [1, 3], values: [1, 2, 3]), "t": FloatTensor(shape: [1, 3], values: [0, 0, 1])]).loss
    #expect(l2 == 3)
    // SigmoidCrossEntropy at x = 0 is log 2 for any t; BinaryCrossEntropy of 0.5 likewise.
    var sig = try Self.trainer(op: .identity, x: [1, 2], loss: .sigmoidCrossEntropy, labelShape: [1, 2])
    let l3 = try sig.evaluate(batch: ["x": FloatTensor(zeros: [1, 2]), "t": FloatTensor(shape: [1, 2], values: [0, 1])]).loss
    #expect(abs(l3 - Float(Foundation.log(2.0))) < 1e-6)
    var bce = try Self.trainer(op: .identity, x: [1, 2], loss: .binaryCrossEntropy, labelShape: [1, 2])
    let l4 = try bce.evaluate(batch: ["x": FloatTensor(shape: [1, 2], values: [0.5, 0.5]), "t": FloatTensor(shape: [1, 2], values: [0, 1])]).loss
    #expect(abs(l4 - Float(Foundation.log(2.0))) < 1e-6)
  }

  /// A library caller feeding a bad class label gets a thrown error from every entry point, never
  /// a trap; a fractional label is truncated as nnabla's `static_cast<int>` does.
  @Test(arguments: [Float(2), -1, 1e9, .nan, .infinity, -.infinity])
  func badClassLabel_throwsInsteadOfTrapping(_ label: Float) throws {
    var sce = try Self.trainer(op: .identity, x: [1, 2], loss: .softmaxCrossEntropy(axis: 1), labelShape: [1, 1])
    let batch = ["x": FloatTensor(shape: [1, 2], values: [0, 1]), "t": FloatTensor(shape: [1, 1], values: [label])]
    #expect(throws: TrainingError.self) { try sce.step(batch: batch) }
    #expect(throws: TrainingError.self) { try sce.evaluate(batch: batch) }
    #expect(throws: TrainingError.self) { try sce.gradients(batch: batch) }
    let problem = LossFunction.softmaxCrossEntropy(axis: 1).labelProblem(label, classes: 2)
    #expect(problem?.hasSuffix("is not a class index 0 ≤ label < 2") == true, "\(String(describing: problem))")
  }

  /// A graph built by hand may pair a prediction with a label of the wrong size or a class axis it
  /// lacks: the loss throws instead of reading past the label's end.
  @Test func labelOfTheWrongShape_throwsInsteadOfTrapping() throws {
    var se = try Self.trainer(op: .identity, x: [1, 3], loss: .squaredError, labelShape: [1, 1])
    let batch = ["x": FloatTensor(shape: [1, 3], values: [0, 1, 2]), "t": FloatTensor(shape: [1, 1], values: [1])]
    #expect(throws: TrainingError("SquaredError: the label holds 1 values; a prediction of shape [1, 3] needs [1, 3]")) { try se.step(batch: batch) }
    var sce = try Self.trainer(op: .identity, x: [1, 3], loss: .softmaxCrossEntropy(axis: 2), labelShape: [1, 1])
    #expect(throws: TrainingError.self) { try sce.evaluate(batch: batch) }
  }

  @Test func fractionalClassLabel_isTruncated_otherLossesTakeAnyFiniteTarget() throws {
    var sce = try Self.trainer(op: .identity, x: [1, 3], loss: .softmaxCrossEntropy(axis: 1), labelShape: [1, 1])
    let x = FloatTensor(shape: [1, 3], values: [0, 1, 2])
    let truncated = try sce.evaluate(batch: ["x": x, "t": FloatTensor(shape: [1, 1], values: [1.75])]).loss
    let whole = try sce.evaluate(batch: ["x": x, "t": FloatTensor(shape: [1, 1], values: [1])]).loss
    #expect(truncated == whole)
    #expect(LossFunction.softmaxCrossEntropy(axis: 1).truncatesLabel(1.75))
    #expect(!LossFunction.softmaxCrossEntropy(axis: 1).truncatesLabel(1))
    // A BinaryCrossEntropy target outside [0, 1] has a finite loss (nnabla takes it too); NaN never.
    #expect(LossFunction.binaryCrossEntropy.labelProblem(1.5, classes: nil) == nil)
    #expect(LossFunction.squaredError.labelProblem(.nan, classes: nil) == "label nan is not a finite number")
    #expect(LossFunction.sigmoidCrossEntropy.labelProblem(-.infinity, classes: nil) == "label -inf is not a finite number")
  }

  struct Case: CustomStringConvertible {
    var name: String
    var op: Op
    var loss: LossFunction
    var classes: Bool
    var description: String { name }
  }

  static let cases: [Case] = [
    Case(name: "SoftmaxCrossEntropy", op: .identity, loss: .softmaxCrossEntropy(axis: 1), classes: true),
    Case(name: "CategoricalCrossEntropy", op: .softmax(axis: 1), loss: .categoricalCrossEntropy(axis: 1), classes: true),
    Case(name: "SigmoidCrossEntropy", op: .identity, loss: .sigmoidCrossEntropy, classes: false),
    Case(name: "BinaryCrossEntropy", op: .sigmoid, loss: .binaryCrossEntropy, classes: false),
    Case(name: "SquaredError", op: .identity, loss: .squaredError, classes: false),
  ]

  /// Same finite-difference rule and tolerance as `GradientCheckTests`.
  @Test(arguments: cases)
  func gradientMatchesFiniteDifferences(_ c: Case) throws {
    let shape = [3, 4]
    let labelShape = c.classes ? [3, 1] : shape
    var trainer = try Self.trainer(op: c.op, x: shape, loss: c.loss, labelShape: labelShape)
    var random = SeededRandom(seed: 9)
    let x = FloatTensor(shape: shape, values: (0..<12).map { _ in random.float() * 2 })
    let t = FloatTensor(
      shape: labelShape,
      values: c.classes ? [2, 0, 3] : (0..<12).map { _ in Float(random.int(0...1)) })
    let dx = try #require(try trainer.gradients(batch: ["x": x, "t": t]).gradients["x"])
    let h: Float = 1e-2
    for i in 0..<x.count {
      var plus = x, minus = x
      plus.values[i] += h
      minus.values[i] -= h
      let numeric = (try trainer.gradients(batch: ["x": plus, "t": t]).loss - trainer.gradients(batch: ["x": minus, "t": t]).loss) / (2 * h)
      #expect(abs(numeric - dx.values[i]) <= 1e-2 * abs(numeric) + 2e-3, "\(c.name) dx[\(i)]: analytic \(dx.values[i]) numeric \(numeric)")
    }
  }
}

/// BatchNormalization's running statistics after one training step, against nnabla 1.39
/// (`F.batch_normalization(batch_stat=True, decay_rate=0.9)` on x = [1, 2, 3, 6] with mean 0 and
/// variance 1 gives mean 0.3 and variance 1.3666668: the batch variance enters unbiased).
@Suite struct BatchNormalizationRunningStatisticsTests {
  @Test func runningStatisticsMatchNNabla() throws {
    let stat = [1, 1]
    let graph = ModelGraph(
      name: "bn",
      tensors: [
        TensorInfo(name: "x", shape: [4, 1]),
        TensorInfo(name: "beta", shape: stat, data: FloatTensor(shape: stat, values: [0])),
        TensorInfo(name: "gamma", shape: stat, data: FloatTensor(shape: stat, values: [1])),
        TensorInfo(name: "mean", shape: stat, data: FloatTensor(shape: stat, values: [0])),
        TensorInfo(name: "var", shape: stat, data: FloatTensor(shape: stat, values: [1])),
        TensorInfo(name: "y", shape: [4, 1]), TensorInfo(name: "t", shape: [4, 1]),
      ],
      nodes: [Node(name: "bn", op: .batchNormalization(.init(axes: [1])), inputs: [0, 1, 2, 3, 4], outputs: [5])],
      inputs: [0], outputs: [5])
    let t = TrainingGraph(
      graph: graph, labels: [6], losses: [LossTerm(name: "l", function: .squaredError, prediction: 5, label: 6)],
      batchNormalization: ["bn": BatchNormalizationTraining(decayRate: 0.9)])
    var trainer = try Trainer(graph: t, optimizer: OptimizerSettings(solver: .sgd(learningRate: 0)), seed: 1)
    try trainer.step(batch: ["x": FloatTensor(shape: [4, 1], values: [1, 2, 3, 6]), "t": FloatTensor(zeros: [4, 1])])
    #expect(abs(trainer.parameters["mean"]!.values[0] - 0.3) < 1e-6)
    #expect(abs(trainer.parameters["var"]!.values[0] - 1.3666668) < 1e-6)
    // Evaluation normalises with the running statistics: (1 − 0.3)/√(1.3666668 + 1e-5).
    let (_, out) = try trainer.evaluate(batch: ["x": FloatTensor(shape: [4, 1], values: [1, 2, 3, 6])])
    #expect(abs(out["y"]!.values[0] - 0.7 / (1.3666668 + 1e-5 as Float).squareRoot()) < 1e-5)
  }
}
