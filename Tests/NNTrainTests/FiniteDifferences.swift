import NNIR
import Testing
@testable import NNTrain

/// What the gradient checks share: the one-node network they train and the central finite
/// differences (h = 1e-2, tolerance 1e-2 relative plus 2e-3 absolute; see `GradientCheckTests`).
enum FiniteDifferences {
  static let h: Float = 1e-2

  /// `loss = mean((op(x, p0, p1, …) − t)²)`: input "x" of shape `x`, parameters "p<k>", label "t".
  static func oneNodeTrainer(_ name: String, _ op: Op, x: [Int], params: [FloatTensor]) throws -> (Trainer, outShape: [Int]) {
    var tensors = [TensorInfo(name: "x", shape: x)]
    for (i, p) in params.enumerated() { tensors.append(TensorInfo(name: "p\(i)", shape: p.shape, data: p)) }
    let outShape = try ShapeInference.outputShape(of: op, inputs: tensors.map(\.shape))
    tensors += [TensorInfo(name: "y", shape: outShape), TensorInfo(name: "t", shape: outShape)]
    let n = tensors.count
    let graph = ModelGraph(
      name: name, tensors: tensors, nodes: [Node(name: "op", op: op, inputs: Array(0..<(n - 2)), outputs: [n - 2])],
      inputs: [0], outputs: [n - 2])
    let training = TrainingGraph(
      graph: graph, labels: [n - 1], losses: [LossTerm(name: "loss", function: .squaredError, prediction: n - 2, label: n - 1)])
    return (try Trainer(graph: training, optimizer: OptimizerSettings(), seed: 3), outShape)
  }

  /// Moves each element of `v` by ±h and expects (loss(v + h) − loss(v − h)) / 2h to match `analytic`.
  static func expectMatches(
    _ label: String, at v: FloatTensor, analytic: FloatTensor, sourceLocation: SourceLocation = #_sourceLocation,
    loss: (FloatTensor) throws -> Float
  ) rethrows {
    for i in 0..<v.count {
      var plus = v, minus = v
      plus.values[i] += h
      minus.values[i] -= h
      let numeric = (try loss(plus) - loss(minus)) / (2 * h)
      #expect(
        abs(numeric - analytic.values[i]) <= 1e-2 * abs(numeric) + 2e-3,
        "\(label)[\(i)]: analytic \(analytic.values[i]) numeric \(numeric)", sourceLocation: sourceLocation)
    }
  }

  /// The same for the trainer's parameter `name` (at `p0`, restored afterwards); `loss()` is the
  /// loss at the parameter currently set.
  static func expectParameterMatches(
    _ label: String, _ name: String, at p0: FloatTensor, analytic: FloatTensor, trainer: inout Trainer,
    sourceLocation: SourceLocation = #_sourceLocation, loss: (inout Trainer) throws -> Float
  ) throws {
    try expectMatches(label, at: p0, analytic: analytic, sourceLocation: sourceLocation) { p in
      try trainer.setParameter(name, p)
      return try loss(&trainer)
    }
    try trainer.setParameter(name, p0)
  }
}
