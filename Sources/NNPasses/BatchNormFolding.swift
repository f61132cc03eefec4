import NNIR

/// Folds inference-form BatchNormalization into the weight layer that feeds it.
///
/// `y = (x - mean) / sqrt(var + eps) * gamma + beta` is an affine map per channel, so when `x` comes
/// straight from a Convolution, DepthwiseConvolution, Deconvolution or Affine it can be merged into
/// that layer's weights and bias:
///
/// - `s[c] = gamma[c] / sqrt(var[c] + eps)` (computed in Double, stored as Float);
/// - `W'` = `W` with every weight that produces output channel `c` multiplied by `s[c]`;
/// - `b'[c] = (b[c] - mean[c]) * s[c] + beta[c]` (`b = 0` when the layer has no bias: one is added).
///
/// A BatchNormalization is folded only when all of these hold (otherwise it is left untouched):
/// - it has one channel axis, and beta, gamma, mean and variance are parameters;
/// - its `x` is the only output of a Convolution, DepthwiseConvolution, Deconvolution or Affine whose
///   weight (and bias, if any) are parameters;
/// - nothing else reads that output (no other node, not a graph output);
/// - the BN axis is the producer's output-channel axis (`base_axis` for the convolutions; for Affine
///   any output axis from `base_axis` on, which maps to weight axis `axis - base_axis + 1`);
/// - every `var + eps` is positive and every folded value is finite.
///
/// Where each op keeps output channel `c` in its weight:
/// - Convolution `W [outC, inC/group, k…]`: row `c`.
/// - DepthwiseConvolution `W [C*multiplier, k…]`: row `c` (output channel `c` is `W[c]`).
/// - Deconvolution `W [inC, outC/group, k…]`: output channel `c = g*(outC/group) + j` is made from
///   `W[i, j, …]` for every input channel `i` of group `g` (`i / (inC/group) == g`).
/// - Affine `W [in, out…]`: the slice at index `c` of weight axis `axis - base_axis + 1`.
///
/// The graph stays valid: the producer keeps its place in the node order and now writes the BN's
/// output tensor, so the tensor name later stages and per-layer reports know survives. The BN node is
/// removed. Weight and bias tensors read only by the producer are rewritten in place (same name);
/// a weight or bias shared with another node is left alone and the producer gets a new tensor
/// (name + `_bnfold`). A missing bias becomes a new tensor named after the weight (`…/W` → `…/b`).
/// Tensors the folding leaves unread — the producer's old output, the BN statistics, replaced
/// weights — are removed and the remaining tensors renumbered in their original order; tensors that
/// were already unused before the pass are kept.
public enum BatchNormFolding {
  /// The folded graph and the names of the BatchNormalization nodes that were folded, in graph order.
  public static func fold(_ graph: ModelGraph) -> (ModelGraph, folded: [String]) {
    var g = graph
    var folded: [String] = []
    var removedNodes = Set<Int>()
    var orphaned = Set<Int>()
    for bnIndex in g.nodes.indices {
      guard let fold = plan(bnIndex, in: g, removedNodes: removedNodes) else { continue }
      apply(fold, to: &g, orphaned: &orphaned)
      removedNodes.insert(bnIndex)
      folded.append(g.nodes[bnIndex].name)
    }
    guard !folded.isEmpty else { return (graph, []) }
    g.nodes = g.nodes.indices.filter { !removedNodes.contains($0) }.map { g.nodes[$0] }
    let stillRead = TensorCompaction.referencedTensors(g)
    return (TensorCompaction.removing(orphaned.subtracting(stillRead), from: g), folded)
  }

  /// Everything needed to rewrite one producer/BN pair, decided before anything changes.
  private struct Fold {
    var producer: Int
    var bn: Int
    var weight: FloatTensor
    var bias: FloatTensor
    var hadBias: Bool
  }

  private static func plan(_ bnIndex: Int, in g: ModelGraph, removedNodes: Set<Int>) -> Fold? {
    let bn = g.nodes[bnIndex]
    guard case .batchNormalization(let attrs) = bn.op, attrs.axes.count == 1, bn.inputs.count == 5,
      bn.outputs.count == 1
    else { return nil }
    let x = bn.inputs[0]
    let stats = bn.inputs[1...].compactMap { g.tensors[$0].data }
    guard stats.count == 4 else { return nil }
    // The producer: the one earlier node that writes x, and nothing else may read x.
    guard let producerIndex = g.nodes[..<bnIndex].indices.last(where: { !removedNodes.contains($0) && g.nodes[$0].outputs.contains(x) }),
      g.nodes[producerIndex].outputs == [x],
      !g.outputs.contains(x), !g.inputs.contains(x),
      readers(of: x, in: g, removedNodes: removedNodes) == [bnIndex],
      bn.inputs.filter({ $0 == x }).count == 1
    else { return nil }
    let producer = g.nodes[producerIndex]
    guard producer.inputs.count >= 2, let w = g.tensors[producer.inputs[1]].data else { return nil }
    let b: FloatTensor?
    if producer.inputs.count > 2 {
      guard let data = g.tensors[producer.inputs[2]].data else { return nil }
      b = data
    } else {
      b = nil
    }
    let outShape = g.tensors[x].shape
    let axis = attrs.axes[0]
    guard axis >= 0, axis < outShape.count else { return nil }
    let channels = outShape[axis]
    guard let layout = ChannelLayout(producer.op, weight: w.shape, axis: axis, outputRank: outShape.count),
      layout.channels == channels, stats.allSatisfy({ $0.count == channels })
    else { return nil }

    // Per-channel scale and shift in Double.
    let (beta, gamma, mean, variance) = (stats[0].values, stats[1].values, stats[2].values, stats[3].values)
    var scale = [Double](repeating: 0, count: channels)
    for c in 0..<channels {
      let denominator = Double(variance[c]) + Double(attrs.eps)
      guard denominator > 0 else { return nil }
      scale[c] = Double(gamma[c]) / denominator.squareRoot()
    }
    var newWeight = w
    for (i, c) in layout.channelOfEachWeight(w.shape).enumerated() {
      newWeight.values[i] = Float(Double(w.values[i]) * scale[c])
    }
    let biasShape = b?.shape ?? layout.biasShape(w.shape)
    var newBias = FloatTensor(zeros: biasShape)
    for (i, c) in layout.channelOfEachBias(w.shape).enumerated() {
      let old = b.map { Double($0.values[i]) } ?? 0
      newBias.values[i] = Float((old - Double(mean[c])) * scale[c] + Double(beta[c]))
    }
    guard newWeight.values.allSatisfy(\.isFinite), newBias.values.allSatisfy(\.isFinite) else { return nil }

    // The rewritten producer must still have the BN's output shape.
    let inputShapes = [g.tensors[producer.inputs[0]].shape, w.shape, biasShape]
    guard let shape = try? ShapeInference.outputShape(of: producer.op, inputs: inputShapes),
      shape == g.tensors[bn.outputs[0]].shape
    else { return nil }
    return Fold(producer: producerIndex, bn: bnIndex, weight: newWeight, bias: newBias, hadBias: b != nil)
  }

  private static func apply(_ f: Fold, to g: inout ModelGraph, orphaned: inout Set<Int>) {
    let bn = g.nodes[f.bn]
    var producer = g.nodes[f.producer]
    producer.inputs[1] = replace(producer.inputs[1], with: f.weight, reader: f.producer, in: &g, orphaned: &orphaned)
    if f.hadBias {
      producer.inputs[2] = replace(producer.inputs[2], with: f.bias, reader: f.producer, in: &g, orphaned: &orphaned)
    } else {
      let weightName = g.tensors[producer.inputs[1]].name
      let base = weightName.hasSuffix("/W") ? String(weightName.dropLast()) + "b" : "\(producer.name)/b"
      producer.inputs.append(addTensor(named: base, data: f.bias, to: &g))
    }
    orphaned.insert(producer.outputs[0])
    orphaned.formUnion(bn.inputs[1...])
    producer.outputs = bn.outputs
    g.nodes[f.producer] = producer
  }

  /// Puts `data` where `tensor` was for node `reader`: in place when only that node reads it,
  /// otherwise as a new tensor.
  private static func replace(
    _ tensor: Int, with data: FloatTensor, reader: Int, in g: inout ModelGraph, orphaned: inout Set<Int>
  ) -> Int {
    let sharedNodes = g.nodes.indices.contains { $0 != reader && g.nodes[$0].inputs.contains(tensor) }
    let readTwice = g.nodes[reader].inputs.filter { $0 == tensor }.count > 1
    if !sharedNodes, !readTwice, !g.outputs.contains(tensor) {
      g.tensors[tensor].data = data
      g.tensors[tensor].quantization = nil  // the file's codes were for the unfolded values
      return tensor
    }
    orphaned.insert(tensor)
    return addTensor(named: g.tensors[tensor].name + "_bnfold", data: data, to: &g)
  }

  private static func addTensor(named base: String, data: FloatTensor, to g: inout ModelGraph) -> Int {
    let names = Set(g.tensors.map(\.name))
    var name = base
    var n = 1
    while names.contains(name) {
      name = "\(base)_\(n)"
      n += 1
    }
    g.tensors.append(TensorInfo(name: name, shape: data.shape, data: data))
    return g.tensors.count - 1
  }

  private static func readers(of tensor: Int, in g: ModelGraph, removedNodes: Set<Int>) -> [Int] {
    g.nodes.indices.filter { !removedNodes.contains($0) && g.nodes[$0].inputs.contains(tensor) }
  }
}

/// Which weight and bias elements feed which output channel, for one producer op.
private struct ChannelLayout {
  enum Kind {
    /// Weight `[channels, rest…]`: row `c` (Convolution, DepthwiseConvolution).
    case leading
    /// Deconvolution `W [inC, outC/group, k…]` with `group` groups.
    case deconvolution(group: Int)
    /// Affine `W [in, out…]`, channel on weight axis `weightAxis` (≥ 1).
    case affine(weightAxis: Int)
  }
  var kind: Kind
  var channels: Int

  init?(_ op: Op, weight w: [Int], axis: Int, outputRank: Int) {
    switch op {
    case .convolution(let a):
      guard axis == a.baseAxis, w.count >= 3 else { return nil }
      (kind, channels) = (.leading, w[0])
    case .depthwiseConvolution(let a):
      guard axis == a.baseAxis, w.count >= 2 else { return nil }
      (kind, channels) = (.leading, w[0])
    case .deconvolution(let a):
      guard axis == a.baseAxis, w.count >= 3, a.group >= 1, w[0] % a.group == 0 else { return nil }
      (kind, channels) = (.deconvolution(group: a.group), w[1] * a.group)
    case .affine(let a):
      let weightAxis = axis - a.baseAxis + 1
      guard axis >= a.baseAxis, axis < outputRank, w.count >= 2, weightAxis < w.count else { return nil }
      (kind, channels) = (.affine(weightAxis: weightAxis), w[weightAxis])
    default:
      return nil
    }
  }

  /// The bias shape to create when the producer has none (what ShapeInference expects).
  func biasShape(_ w: [Int]) -> [Int] {
    if case .affine = kind { return Array(w[1...]) }
    return [channels]
  }

  /// The output channel of every weight element, in row-major order.
  func channelOfEachWeight(_ w: [Int]) -> [Int] {
    let count = w.reduce(1, *)
    switch kind {
    case .leading:
      let inner = count / max(channels, 1)
      return (0..<count).map { $0 / inner }
    case .deconvolution(let group):
      let inC = w[0]
      let outPerGroup = w[1]
      let kernel = w[2...].reduce(1, *)
      let inPerGroup = inC / group
      return (0..<count).map { i in
        let ic = i / (outPerGroup * kernel)
        let j = (i / kernel) % outPerGroup
        return (ic / inPerGroup) * outPerGroup + j
      }
    case .affine(let weightAxis):
      let inner = w[(weightAxis + 1)...].reduce(1, *)
      return (0..<count).map { ($0 / inner) % channels }
    }
  }

  /// The output channel of every bias element (bias has the producer's output-channel shape).
  func channelOfEachBias(_ w: [Int]) -> [Int] {
    switch kind {
    case .leading, .deconvolution:
      return Array(0..<channels)
    case .affine(let weightAxis):
      let count = w[1...].reduce(1, *)
      let inner = w[(weightAxis + 1)...].reduce(1, *)
      return (0..<count).map { ($0 / inner) % channels }
    }
  }
}
