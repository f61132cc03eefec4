import NNIR
import NNInterpreter

/// Runs a (batched) training graph forward, keeping what backward needs, and backward from the
/// losses to every tensor.
struct GraphExecutor {
  let training: TrainingGraph
  /// Tensors whose gradient is wanted: trained parameters, and graph inputs when
  /// `inputGradients`, and everything computed from them. Layers skip the rest (a first
  /// convolution never computes the gradient of the images).
  let needsGradient: [Bool]
  /// Column matrices handed back after a step, reused by the next one: a fresh multi-megabyte
  /// buffer per convolution and step costs page faults and the kernel's zeroing of every page.
  let recycledColumns = ColumnWorkspace()

  final class ColumnWorkspace {
    var byNode: [Int: [Float]] = [:]
  }

  init(training: TrainingGraph, trained: Set<Int>, inputGradients: Bool) {
    self.training = training
    var needs = [Bool](repeating: false, count: training.graph.tensors.count)
    for i in trained { needs[i] = true }
    if inputGradients { for i in training.graph.inputs { needs[i] = true } }
    for node in training.graph.nodes where node.inputs.contains(where: { needs[$0] }) {
      for o in node.outputs { needs[o] = true }
    }
    needsGradient = needs
  }

  /// Every function a gradient must pass through has a rule, checked before the first step.
  static func checkTrainable(_ graph: ModelGraph, needsGradient: [Bool]) throws {
    let stuck = graph.nodes.filter { node in
      guard let f = node.op.function, !f.isTrainable else { return false }
      return node.outputs.contains { needsGradient[$0] }
    }
    guard stuck.isEmpty else {
      let names = Set(stuck.map { $0.op.typeName }).sorted().joined(separator: ", ")
      throw TrainingError("cannot train through \(names) ('\(stuck[0].name)'\(stuck.count > 1 ? " and \(stuck.count - 1) more" : "")): no gradient for it yet")
    }
  }

  /// Per-node state that backward reads.
  enum NodeState {
    case dropoutMask([Float])
    case batchNorm(BatchNormalizationKernels.Saved)
    /// A convolution's im2col matrices, one `[C·K, S]` per sample.
    case columns([Float])
    /// The input index that won each max-pooling window (-1: none).
    case winners([Int32])
  }

  struct ForwardResult {
    var values: [FloatTensor?]
    var states: [Int: NodeState]
    /// New running statistics (tensor index → values) from BN nodes in training mode.
    var runningStatistics: [Int: FloatTensor]
    var lossOutputs: [FloatTensor]
    /// Σ over loss terms of the mean of each loss output.
    var loss: Float
  }

  var graph: ModelGraph { training.graph }

  /// `values` must hold every parameter, input and label.
  func forward(_ start: [FloatTensor?], training isTraining: Bool, random: inout TrainingRandom) throws -> ForwardResult {
    var values = start
    var states: [Int: NodeState] = [:]
    var running: [Int: FloatTensor] = [:]
    for (n, node) in graph.nodes.enumerated() {
      let x = node.inputs.map { values[$0]! }
      if case .function(let f) = node.op {
        for (out, var result) in zip(node.outputs, f.function.evaluate(x)) {
          result.shape = graph.tensors[out].shape
          values[out] = result
        }
        continue
      }
      let outShape = graph.tensors[node.outputs[0]].shape
      var y: FloatTensor
      switch node.op {
      case .affine(let a):
        y = LayerKernels.affineForward(x[0], x[1], x.count > 2 ? x[2] : nil, baseAxis: a.baseAxis, outShape: outShape)
      case .convolution(let a):
        var columns = reusableColumns(n, isTraining)
        y = LayerKernels.convolutionForward(x[0], x[1], x.count > 2 ? x[2] : nil, Self.conv(a), outShape: outShape, columns: &columns)
        if isTraining { states[n] = .columns(columns) }
      case .depthwiseConvolution(let a):
        let (w, c) = Self.depthwiseAsGrouped(x[1], a, channels: x[0].shape[a.baseAxis])
        var columns = reusableColumns(n, isTraining)
        y = LayerKernels.convolutionForward(x[0], w, x.count > 2 ? x[2] : nil, c, outShape: outShape, columns: &columns)
        if isTraining { states[n] = .columns(columns) }
      case .deconvolution(let a):
        y = LayerKernels.deconvolutionForward(x[0], x[1], x.count > 2 ? x[2] : nil, Self.conv(a), outShape: outShape)
      case .batchNormalization(let a) where isTraining && batchStat(node):
        let axis = a.axes[0]
        let r = BatchNormalizationKernels.forward(x: x[0], beta: x[1], gamma: x[2], axis: axis, eps: a.eps)
        y = r.y
        states[n] = .batchNorm(r.saved)
        var mean = x[3], variance = x[4]
        let (outer, _, inner) = BatchNormalizationKernels.layout(x[0].shape, axis: axis)
        BatchNormalizationKernels.updateRunning(
          mean: &mean, variance: &variance, batchMean: r.saved.mean, batchVariance: r.variance,
          count: outer * inner, decay: self.training.batchNormalization[node.name]?.decayRate ?? 0.9)
        running[node.inputs[3]] = mean
        running[node.inputs[4]] = variance
      case .maxPooling(let a) where isTraining:
        let winners: [Int32]
        (y, winners) = MaxPoolingTraining.forward(x[0], a, outShape: outShape)
        states[n] = .winners(winners)
      case .dropout(let p) where isTraining && p > 0:
        // nnabla: keep an element when a uniform draw exceeds p, and scale kept ones by 1/(1-p).
        let scale = Float(1 / (1 - p))
        let mask = (0..<x[0].count).map { _ in random.unit() > p ? scale : 0 }
        y = FloatTensor(shape: outShape, values: zip(x[0].values, mask).map { $0 * $1 })
        states[n] = .dropoutMask(mask)
      default:
        y = FloatInterpreter.evaluate(node.op, x)
      }
      y.shape = outShape
      values[node.outputs[0]] = y
    }
    var lossOutputs: [FloatTensor] = []
    var loss: Float = 0
    for term in training.losses {
      let out = try LossKernels.forward(term.function, x: values[term.prediction]!, t: values[term.label]!)
      loss += Float(out.values.reduce(0.0) { $0 + Double($1) } / Double(out.count))
      lossOutputs.append(out)
    }
    return ForwardResult(values: values, states: states, runningStatistics: running, lossOutputs: lossOutputs, loss: loss)
  }

  /// Last step's columns of node `n`, taken out of the workspace so that they are uniquely
  /// referenced and written in place.
  private func reusableColumns(_ n: Int, _ isTraining: Bool) -> [Float] {
    isTraining ? recycledColumns.byNode.removeValue(forKey: n) ?? [] : []
  }

  /// Hands a finished step's column matrices back for the next step to overwrite.
  func recycle(_ states: [Int: NodeState]) {
    for (n, state) in states { if case .columns(let c) = state { recycledColumns.byNode[n] = c } }
  }

  func batchStat(_ node: Node) -> Bool { training.batchNormalization[node.name]?.batchStat ?? true }

  /// Gradients of the loss for every tensor that needs one (parameters included), by index.
  func backward(_ f: ForwardResult) throws -> [FloatTensor?] {
    var grads = [FloatTensor?](repeating: nil, count: graph.tensors.count)
    func accumulate(_ i: Int, _ g: FloatTensor) {
      if var existing = grads[i] {
        for k in 0..<g.count { existing.values[k] += g.values[k] }
        grads[i] = existing
      } else {
        grads[i] = FloatTensor(shape: graph.tensors[i].shape, values: g.values)
      }
    }
    for (term, out) in zip(training.losses, f.lossOutputs) {
      let scale = 1 / Float(out.count)
      accumulate(term.prediction, try LossKernels.backward(term.function, x: f.values[term.prediction]!, t: f.values[term.label]!, scale: scale))
    }
    for (n, node) in graph.nodes.enumerated().reversed() {
      if case .function(let function) = node.op {
        guard node.outputs.contains(where: { needsGradient[$0] && grads[$0] != nil }) else { continue }
        // Outputs no loss depends on contribute zero.
        let dys = node.outputs.map { grads[$0] ?? FloatTensor(shape: graph.tensors[$0].shape, values: [Float](repeating: 0, count: graph.tensors[$0].elementCount)) }
        let x = node.inputs.map { f.values[$0]! }
        let ys = node.outputs.map { f.values[$0]! }
        guard let gs = function.function.gradients(inputs: x, outputs: ys, outputGradients: dys) else {
          throw TrainingError("'\(node.name)' (\(node.op.typeName)) cannot be trained through: no gradient for it yet")
        }
        for (slot, g) in gs.enumerated() {
          if let g, needsGradient[node.inputs[slot]] { accumulate(node.inputs[slot], g) }
        }
        continue
      }
      guard needsGradient[node.outputs[0]], let dy = grads[node.outputs[0]] else { continue }
      let x = node.inputs.map { f.values[$0]! }
      let y = f.values[node.outputs[0]]!
      for (slot, g) in inputGradients(node, n, x: x, y: y, dy: dy, states: f.states).enumerated() {
        if let g, needsGradient[node.inputs[slot]] { accumulate(node.inputs[slot], g) }
      }
    }
    return grads
  }

  /// The gradient for each input of one node (nil where none flows).
  func inputGradients(_ node: Node, _ n: Int, x: [FloatTensor], y: FloatTensor, dy: FloatTensor, states: [Int: NodeState]) -> [FloatTensor?] {
    let hasBias = x.count > 2
    let wantsX = needsGradient[node.inputs[0]]
    switch node.op {
    case .affine(let a):
      let (dx, dw, db) = LayerKernels.affineBackward(x[0], x[1], hasBias: hasBias, dy, baseAxis: a.baseAxis, inputGradient: wantsX)
      return [dx, dw] + (hasBias ? [db] : [])
    case .convolution(let a):
      let (dx, dw, db) = LayerKernels.convolutionBackward(x[0], x[1], hasBias: hasBias, dy, Self.conv(a), columns: columns(states[n]), inputGradient: wantsX)
      return [dx, dw] + (hasBias ? [db] : [])
    case .depthwiseConvolution(let a):
      let (w, c) = Self.depthwiseAsGrouped(x[1], a, channels: x[0].shape[a.baseAxis])
      let (dx, dw, db) = LayerKernels.convolutionBackward(x[0], w, hasBias: hasBias, dy, c, columns: columns(states[n]), inputGradient: wantsX)
      return [dx, FloatTensor(shape: x[1].shape, values: dw.values)] + (hasBias ? [db] : [])
    case .deconvolution(let a):
      let (dx, dw, db) = LayerKernels.deconvolutionBackward(x[0], x[1], hasBias: hasBias, dy, Self.conv(a))
      return [dx, dw] + (hasBias ? [db] : [])
    case .batchNormalization(let a):
      let axis = a.axes[0]
      let (dx, dbeta, dgamma): (FloatTensor, FloatTensor, FloatTensor)
      if case .batchNorm(let saved) = states[n] {
        (dx, dbeta, dgamma) = BatchNormalizationKernels.backward(x: x[0], gamma: x[2], saved: saved, dy: dy, axis: axis)
      } else {
        (dx, dbeta, dgamma) = BatchNormalizationKernels.backwardWithStoredStatistics(
          x: x[0], gamma: x[2], mean: x[3], variance: x[4], dy: dy, axis: axis, eps: a.eps)
      }
      return [dx, dbeta, dgamma, nil, nil]
    case .maxPooling:
      if case .winners(let w) = states[n] { return [MaxPoolingTraining.backward(xShape: x[0].shape, winners: w, dy: dy)] }
      return [PointwiseGradients.pooling(node.op, x: x[0], dy: dy)]
    case .averagePooling, .sumPooling:
      return [PointwiseGradients.pooling(node.op, x: x[0], dy: dy)]
    case .globalAveragePooling:
      return [PointwiseGradients.globalAveragePooling(xShape: x[0].shape, dy: dy)]
    case .relu, .relu6, .leakyReLU, .elu, .sigmoid, .tanh, .swish, .addScalar, .mulScalar:
      return [PointwiseGradients.activation(node.op, x: x[0], y: y, dy: dy)]
    case .softmax(let axis):
      return [PointwiseGradients.softmax(y: y, dy: dy, axis: axis)]
    case .add2, .sub2, .mul2, .div2:
      let (da, db) = PointwiseGradients.binary(node.op, a: x[0], b: x[1], dy: dy)
      return [da, db]
    case .concatenate(let axis):
      return PointwiseGradients.concatenate(inputs: x, axis: axis, dy: dy)
    case .reshape, .identity:
      return [FloatTensor(shape: x[0].shape, values: dy.values)]
    case .dropout:
      guard case .dropoutMask(let mask) = states[n] else { return [FloatTensor(shape: x[0].shape, values: dy.values)] }
      return [FloatTensor(shape: x[0].shape, values: zip(dy.values, mask).map { $0 * $1 })]
    case .transpose, .slice:
      return [PointwiseGradients.routed({ FloatInterpreter.evaluate(node.op, [$0]) }, xShape: x[0].shape, dy: dy)]
    case .pad(var a):
      // Padding positions are marked -1 in the index map and receive nothing.
      if a.mode == .constant { a.constantValue = -1 }
      return [PointwiseGradients.routed({ FloatInterpreter.evaluate(.pad(a), [$0]) }, xShape: x[0].shape, dy: dy)]
    case .function:
      preconditionFailure("functions are differentiated in backward()")
    }
  }

  private func columns(_ state: NodeState?) -> [Float]? {
    if case .columns(let c) = state { return c }
    return nil
  }

  static func conv(_ a: ConvolutionAttributes) -> LayerKernels.Conv {
    .init(baseAxis: a.baseAxis, pad: a.pad, stride: a.stride, dilation: a.dilation, group: a.group)
  }

  static func conv(_ a: DeconvolutionAttributes) -> LayerKernels.Conv {
    .init(baseAxis: a.baseAxis, pad: a.pad, stride: a.stride, dilation: a.dilation, group: a.group)
  }

  /// Depthwise convolution is a grouped convolution with one group per input channel:
  /// W `[C·multiplier, k…]` seen as `[C·multiplier, 1, k…]`.
  static func depthwiseAsGrouped(_ w: FloatTensor, _ a: DepthwiseConvolutionAttributes, channels: Int) -> (FloatTensor, LayerKernels.Conv) {
    let shape = [w.shape[0], 1] + Array(w.shape[1...])
    return (FloatTensor(shape: shape, values: w.values),
            .init(baseAxis: a.baseAxis, pad: a.pad, stride: a.stride, dilation: a.dilation, group: channels))
  }
}
