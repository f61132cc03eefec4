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
