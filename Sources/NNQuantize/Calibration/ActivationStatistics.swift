import NNIR
import NNInterpreter

/// Ranges and `|x|` histograms of every activation tensor of a graph, over a calibration set.
///
/// Activation tensors are the graph inputs and every node output (parameters are not included).
///
/// Algorithm (two passes of the float interpreter over the samples):
/// 1. Run every sample; keep the running min and max of each activation tensor.
/// 2. Run every sample again; count `|x|` into `binCount` bins over `[0, max(|min|, |max|)]`, the
///    final range from pass 1.
///
/// Deterministic and independent of sample order: min and max do not depend on order, the histogram
/// edges are fixed before any value is counted, and the counts are integers. So every `RangeMethod`
/// gives the same range for the same samples in any order. The cost is running the model twice per
/// sample instead of holding every activation of every sample in memory.
public struct ActivationStatistics: Sendable {
  /// TensorRT's histogram size for entropy calibration.
  public static let defaultBinCount = 2048

  /// Statistics by tensor index of the calibrated graph.
  public var tensors: [Int: TensorStatistics]
  /// Number of samples the statistics were collected on.
  public var sampleCount: Int

  public init(tensors: [Int: TensorStatistics], sampleCount: Int) {
    self.tensors = tensors
    self.sampleCount = sampleCount
  }

  /// Runs `graph` on every sample (one tensor per graph input, in order) and collects the statistics.
  ///
  /// - Parameters:
  ///   - binCount: histogram bins per tensor; 0 collects ranges only (one pass), which is all
  ///     `RangeMethod.minMax` needs.
  ///   - progress: told after each sample of each pass (phases "ranges" and "histograms").
  public static func collect(
    _ graph: ModelGraph, samples: [[FloatTensor]], binCount: Int = defaultBinCount,
    progress: (any ProgressReporter)? = nil
  ) throws(CalibrationError) -> ActivationStatistics {
    precondition(binCount >= 0, "ActivationStatistics: binCount must not be negative")
    try check(samples, for: graph)
    let activations = activationTensors(of: graph)

    // Pass 1: ranges.
    var minimum = [Float](repeating: .infinity, count: activations.count)
    var maximum = [Float](repeating: -.infinity, count: activations.count)
    var finite = [Int](repeating: 0, count: activations.count)
    var nonFinite = [Int](repeating: 0, count: activations.count)
    for (s, sample) in samples.enumerated() {
      let values = FloatInterpreter.runAll(graph, inputs: sample)
      for (slot, tensor) in activations.enumerated() {
        guard let t = values[tensor] else { continue }
        var lo = minimum[slot]
        var hi = maximum[slot]
        var seen = 0
        for v in t.values where v.isFinite {
          if v < lo { lo = v }
          if v > hi { hi = v }
          seen += 1
        }
        minimum[slot] = lo
        maximum[slot] = hi
        finite[slot] += seen
        nonFinite[slot] += t.count - seen
      }
      progress?.update(phase: "ranges", completed: s + 1, total: samples.count)
    }

    // Pass 2: histograms of |x| over the final ranges (skipped when no bins are asked for).
    var statistics = activations.indices.map { slot in
      let seen = finite[slot] > 0
      return TensorStatistics(
        name: graph.tensors[activations[slot]].name, min: seen ? minimum[slot] : 0,
        max: seen ? maximum[slot] : 0, count: finite[slot], nonFiniteCount: nonFinite[slot],
        histogram: [Int](repeating: 0, count: binCount))
    }
    for (s, sample) in samples.enumerated() where binCount > 0 {
      let values = FloatInterpreter.runAll(graph, inputs: sample)
      for (slot, tensor) in activations.enumerated() {
        guard let t = values[tensor] else { continue }
        let width = statistics[slot].binWidth
        let last = binCount - 1
        statistics[slot].histogram.withUnsafeMutableBufferPointer { bins in
          for v in t.values where v.isFinite {
            let bin = width > 0 ? min(Int(Double(v.magnitude) / width), last) : 0
            bins[bin] += 1
          }
        }
      }
      progress?.update(phase: "histograms", completed: s + 1, total: samples.count)
    }
    progress?.finish()

    var byTensor: [Int: TensorStatistics] = [:]
    for (slot, tensor) in activations.enumerated() { byTensor[tensor] = statistics[slot] }
    return ActivationStatistics(tensors: byTensor, sampleCount: samples.count)
  }

  /// The statistics of the tensor called `name`, if it is an activation of the calibrated graph.
  public func statistics(named name: String) -> TensorStatistics? {
    tensors.values.first { $0.name == name }
  }

  /// The range of every activation tensor under `method`, by tensor index.
  public func ranges(_ method: RangeMethod) -> [Int: CalibratedRange] {
    tensors.mapValues { method.range(for: $0) }
  }

  /// The range of every activation tensor under `method`, by tensor name.
  public func rangesByName(_ method: RangeMethod) -> [String: CalibratedRange] {
    var out: [String: CalibratedRange] = [:]
    for s in tensors.values { out[s.name] = method.range(for: s) }
    return out
  }

  /// Graph inputs, then every node output, each once, in that order.
  static func activationTensors(of graph: ModelGraph) -> [Int] {
    var seen = Set<Int>()
    var out: [Int] = []
    for t in graph.inputs + graph.nodes.flatMap(\.outputs) where !graph.tensors[t].isParameter {
      if seen.insert(t).inserted { out.append(t) }
    }
    return out
  }

  private static func check(_ samples: [[FloatTensor]], for graph: ModelGraph) throws(CalibrationError) {
    guard !samples.isEmpty else { throw .noSamples }
    for (s, sample) in samples.enumerated() {
      guard sample.count == graph.inputs.count else {
        throw .badSample(index: s, "has \(sample.count) inputs, the graph takes \(graph.inputs.count)")
      }
      for (tensor, slot) in zip(sample, graph.inputs) where tensor.count != graph.tensors[slot].elementCount {
        let info = graph.tensors[slot]
        throw .badSample(index: s, "input '\(info.name)' has \(tensor.count) values, shape \(info.shape) needs \(info.elementCount)")
      }
    }
  }
}

/// Why calibration could not run.
public enum CalibrationError: Error, Sendable, Equatable, CustomStringConvertible {
  case noSamples
  case badSample(index: Int, String)

  public var description: String {
    switch self {
    case .noSamples: "calibration needs at least one sample"
    case .badSample(let index, let message): "calibration sample \(index) \(message)"
    }
  }
}

/// Calibration in one call: statistics over `samples`, then a range per activation tensor.
public enum Calibration {
  /// The range of every activation tensor (graph inputs and node outputs) of `graph`, by tensor index.
  public static func calibrate(
    _ graph: ModelGraph, samples: [[FloatTensor]], method: RangeMethod = .minMax,
    progress: (any ProgressReporter)? = nil
  ) throws(CalibrationError) -> [Int: CalibratedRange] {
    let bins = method == .minMax ? 0 : ActivationStatistics.defaultBinCount
    return try ActivationStatistics.collect(graph, samples: samples, binCount: bins, progress: progress).ranges(method)
  }
}
