// NNTrain — module map (kept here: a README inside a target would be an unhandled resource).
// Reverse-mode training of an imported network (`TrainingGraph`, from
// `NNablaImporter.importTrainingText`/`importTrainingNNP`), so nncompile can train small models itself.
//
// | file | what it holds |
// |---|---|
// | `Trainer.swift` | the API: `Trainer(graph:optimizer:seed:)`, `step(batch:)`, `evaluate(batch:)`, `parameters`, `trainedGraph` |
// | `GraphExecutor.swift` | forward with what backward needs (dropout masks, BN batch statistics, im2col columns, reused from step to step) and backward from the losses |
// | `Rebatching.swift` | the batch-1 imported graph at the mini-batch size (axis 0 of inputs, labels, Reshape targets) |
// | `MatrixMultiply.swift` | the one blocked SIMD matrix multiply (6×8 `SIMD8<Float>` tiles, packing, `concurrentPerform`) |
// | `Gradients/` | Affine/Convolution/Deconvolution through the multiply (`LayerGradients`, `ConvolutionLowering`; a convolution runs sample by sample in parallel so its columns stay in cache), BN in training mode, pointwise and data-movement rules, losses |
// | `Optimizer.swift` | SGD, Momentum, Adam with nnabla's defaults and form; weight decay; step schedule |
// | `ParameterInitialization.swift` | nnabla's initialisers for parameters the file lacks |
//
// Every backward rule is checked against central finite differences in `Tests/NNTrainTests`.
// `bench/train-speed.sh` prints images/second next to nnabla's CPU training of the same LeNet.
//
// Limits: the batch is axis 0 of every data input; Slice/Concatenate along the batch axis are not
// rebatched; losses must take a prediction and a label that no function computes.

import NNIR

/// Trains a `TrainingGraph`: forward, backward and update per mini-batch, decoupled from where the
/// batches come from.
///
/// ```swift
/// var trainer = try Trainer(graph: imported, optimizer: OptimizerSettings(), seed: 1)
/// let loss = try trainer.step(batch: ["x": images, "y": labels])   // [B, …] each
/// let (validLoss, outputs) = try trainer.evaluate(batch: validBatch)
/// let trained = trainer.trainedGraph                               // parameters to save
/// ```
/// Batches are keyed by variable name (data inputs and labels); axis 0 is the batch. BN running
/// statistics move in `step` and are what `evaluate` uses; Dropout is active only in `step`.
public struct Trainer {
  /// The batch-1 graph; its parameter tensors hold the current values.
  private var master: TrainingGraph
  /// Executors by (batch size, whether input gradients are wanted).
  private var batched: [Int: GraphExecutor] = [:]
  private var optimizer: Optimizer
  private var random: TrainingRandom
  /// Current values of every parameter tensor (trained or statistics), by tensor index.
  private var values: [Int: FloatTensor]
  /// Parameters the optimizer updates (BN running statistics excluded).
  public let trainedIndices: Set<Int>

  public init(graph: TrainingGraph, optimizer: OptimizerSettings, seed: UInt64) throws {
    var g = graph
    try ParameterInitialization.initialize(&g, seed: seed)
    master = g
    self.optimizer = Optimizer(optimizer)
    random = TrainingRandom(seed: seed ^ 0x5EED_D809)
    values = [:]
    for i in g.graph.parameterIndices { values[i] = g.graph.tensors[i].data }
    var statistics = Set<Int>()
    for node in g.graph.nodes { if case .batchNormalization = node.op { statistics.formUnion(node.inputs.dropFirst(3)) } }
    trainedIndices = Set(g.graph.parameterIndices).subtracting(statistics)
  }

  /// Parameter values by tensor name (trained weights and BN running statistics).
  public var parameters: [String: FloatTensor] {
    var out: [String: FloatTensor] = [:]
    for (i, t) in values { out[master.graph.tensors[i].name] = t }
    return out
  }

  /// The training graph with the current parameter values.
  public var trainedGraph: TrainingGraph {
    var g = master
    for (i, t) in values { g.graph.tensors[i].data = t }
    return g
  }

  /// The first parameter (by tensor order) holding NaN or ±Inf, e.g. after an update too large
  /// for float; nil when every value is finite.
  public var nonFiniteParameter: String? {
    values.keys.sorted().first { !values[$0]!.values.allSatisfy(\.isFinite) }.map { master.graph.tensors[$0].name }
  }

  /// Learning rate the next step uses.
  public var learningRate: Float { optimizer.learningRate }

  /// One update on `batch`; returns the loss before the update.
  @discardableResult
  public mutating func step(batch: [String: FloatTensor]) throws -> Float {
    let (executor, start) = try prepare(batch)
    var forward = try executor.forward(start, training: true, random: &random)
    let gradients = try executor.backward(forward)
    executor.recycle(forward.states)
    forward.states = [:]
    for (i, t) in forward.runningStatistics { values[i] = t }
    var trained = values.filter { trainedIndices.contains($0.key) }
    optimizer.update(&trained, gradients: gradients)
    for (i, t) in trained { values[i] = t }
    return forward.loss
  }

  /// Loss and predictions (by name) on `batch`, in inference mode; labels may be absent (loss 0).
  public mutating func evaluate(batch: [String: FloatTensor]) throws -> (loss: Float, outputs: [String: FloatTensor]) {
    let (executor, start) = try prepare(batch, labelsRequired: false)
    var scratch = random
    let labelsPresent = master.labels.allSatisfy { start[$0] != nil }
    var e = executor
    if !labelsPresent {
      let inference = TrainingGraph(graph: executor.graph, labels: [], losses: [], batchNormalization: executor.training.batchNormalization)
      e = GraphExecutor(training: inference, trained: [], inputGradients: false)
    }
    let r = try e.forward(start, training: false, random: &scratch)
    var outputs: [String: FloatTensor] = [:]
    for i in executor.graph.outputs { outputs[executor.graph.tensors[i].name] = r.values[i] }
    return (r.loss, outputs)
  }

  /// Gradients of the loss on `batch` for every parameter, by name, without updating (for checks).
  public mutating func gradients(batch: [String: FloatTensor], training: Bool = true) throws -> (loss: Float, gradients: [String: FloatTensor]) {
    let (executor, start) = try prepare(batch, inputGradients: true)
    var scratch = random
    let forward = try executor.forward(start, training: training, random: &scratch)
    let grads = try executor.backward(forward)
    var out: [String: FloatTensor] = [:]
    for i in trainedIndices.union(master.graph.inputs) { if let g = grads[i] { out[master.graph.tensors[i].name] = g } }
    return (forward.loss, out)
  }

  /// Sets a parameter (by name), e.g. to probe finite differences.
  public mutating func setParameter(_ name: String, _ t: FloatTensor) throws {
    guard let i = master.graph.tensorIndex(named: name), values[i] != nil else { throw TrainingError("no parameter named '\(name)'") }
    values[i] = t
  }

  private mutating func prepare(_ batch: [String: FloatTensor], labelsRequired: Bool = true, inputGradients: Bool = false) throws -> (GraphExecutor, [FloatTensor?]) {
    let feeds = master.graph.inputs + master.labels
    guard let first = feeds.first, let size = batch[master.graph.tensors[first].name]?.shape.first else {
      throw TrainingError("the batch has no '\(feeds.first.map { master.graph.tensors[$0].name } ?? "?")'")
    }
    let key = size * 2 + (inputGradients ? 1 : 0)
    if batched[key] == nil {
      let executor = GraphExecutor(
        training: try Rebatching.rebatched(master, batch: size), trained: trainedIndices, inputGradients: inputGradients)
      try GraphExecutor.checkTrainable(executor.graph, needsGradient: executor.needsGradient)
      batched[key] = executor
    }
    let executor = batched[key]!
    var start = [FloatTensor?](repeating: nil, count: master.graph.tensors.count)
    for (i, t) in values { start[i] = t }
    for i in feeds {
      let info = executor.graph.tensors[i]
      guard let t = batch[info.name] else {
        if !labelsRequired && master.labels.contains(i) { continue }
        throw TrainingError("the batch has no '\(info.name)'")
      }
      guard t.count == info.elementCount else {
        throw TrainingError("'\(info.name)' holds \(t.count) values; the network takes \(info.shape) (\(info.elementCount))")
      }
      start[i] = FloatTensor(shape: info.shape, values: t.values)
    }
    return (executor, start)
  }
}
