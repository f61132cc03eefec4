import Foundation
import NNIR
import NNImport
import NNInterpreter
import NNQuantize
import Testing
import _NNTestSupport

/// Activation statistics and the range methods built on them.
@Suite struct CalibrationTests {
  // MARK: - Hand-built data

  /// `x → ReLU → MulScalar(-1)`, shape [n]: a signed input, a non-negative and a non-positive tensor.
  static func chainGraph(count n: Int) -> ModelGraph {
    ModelGraph(
      name: "chain",
      tensors: [
        TensorInfo(name: "x", shape: [n]), TensorInfo(name: "r", shape: [n]), TensorInfo(name: "m", shape: [n]),
      ],
      nodes: [
        Node(name: "relu", op: .relu, inputs: [0], outputs: [1]),
        Node(name: "neg", op: .mulScalar(value: -1), inputs: [1], outputs: [2]),
      ],
      inputs: [0], outputs: [2])
  }

  static func samples(_ rows: [[Float]]) -> [[FloatTensor]] {
    rows.map { [FloatTensor(shape: [$0.count], values: $0)] }
  }

  @Test func minMax_IsExact() throws {
    let data: [[Float]] = [[0.5, -3.25, 2], [7.125, -1, 0.25], [0.75, 1.5, -0.5]]
    let stats = try ActivationStatistics.collect(Self.chainGraph(count: 3), samples: Self.samples(data))
    let x = try #require(stats.statistics(named: "x"))
    #expect(x.min == -3.25 && x.max == 7.125)
    #expect(x.count == 9 && x.nonFiniteCount == 0)
    #expect(x.histogram.count == ActivationStatistics.defaultBinCount)
    #expect(x.histogram.reduce(0, +) == 9)
    #expect(x.histogram.last == 1)  // |7.125| = absMax lands in the last bin
    let r = try #require(stats.statistics(named: "r"))
    #expect(r.min == 0 && r.max == 7.125)
    let ranges = stats.rangesByName(.minMax)
    #expect(ranges["x"] == CalibratedRange(min: -3.25, max: 7.125))
    #expect(ranges["r"] == CalibratedRange(min: 0, max: 7.125))
    #expect(ranges["m"] == CalibratedRange(min: -7.125, max: 0))
    #expect(ranges.count == 3)
  }

  @Test func minMax_RangesIncludeZero() throws {
    // Every value positive: the range still starts at 0.
    let data: [[Float]] = [[2, 3, 4], [5, 2.5, 3]]
    let ranges = try Calibration.calibrate(Self.chainGraph(count: 3), samples: Self.samples(data), method: .minMax)
    #expect(ranges[0] == CalibratedRange(min: 0, max: 5))
    #expect(ranges[2] == CalibratedRange(min: -5, max: 0))
  }

  @Test func nonFiniteValues_AreCountedApart() throws {
    let data: [[Float]] = [[1, .nan, -2], [.infinity, 0.5, 3]]
    let x = try #require(try ActivationStatistics.collect(Self.chainGraph(count: 3), samples: Self.samples(data)).statistics(named: "x"))
    #expect(x.min == -2 && x.max == 3)
    #expect(x.count == 4 && x.nonFiniteCount == 2)
    #expect(x.histogram.reduce(0, +) == 4)
  }

  @Test func percentile_ClipsAPlantedOutlier() throws {
    var rng = SeededGenerator(seed: 1)
    var rows = (0..<20).map { _ in (0..<500).map { _ in rng.uniform(-1, 1) } }
    rows[7][123] = 100  // one outlier in 10,000 values
    let stats = try ActivationStatistics.collect(Self.chainGraph(count: 500), samples: Self.samples(rows))
    let x = stats.rangesByName(.percentile(99.9))["x"]!
    #expect(x.max < 1.2 && x.max > 0.9)
    #expect(x.min > -1.2 && x.min < -0.9)
    // ReLU output keeps its sign structure: [0, hi].
    let r = stats.rangesByName(.percentile(99.9))["r"]!
    #expect(r.min == 0 && r.max < 1.2)
    // 100% is min-max.
    #expect(stats.rangesByName(.percentile(100))["x"] == stats.rangesByName(.minMax)["x"])
  }

  @Test func entropy_GaussianWithOutliers_ThresholdWellInsideTheMax() throws {
    var rng = SeededGenerator(seed: 2)
    var rows = (0..<20).map { _ in (0..<2000).map { _ in rng.gaussian() } }
    rows[3][5] = 40
    rows[11][900] = -38
    rows[17][17] = 35
    let stats = try ActivationStatistics.collect(Self.chainGraph(count: 2000), samples: Self.samples(rows))
    let x = stats.rangesByName(.entropy)["x"]!
    #expect(x.max > 2 && x.max < 15, "\(x)")
    #expect(x.min < -2 && x.min > -15, "\(x)")
    let r = stats.rangesByName(.entropy)["r"]!
    #expect(r.min == 0 && r.max > 2 && r.max < 15, "\(r)")
  }

  @Test func entropy_UniformData_KeepsNearlyTheWholeRange() throws {
    // Nothing to clip: the divergence is least near the top.
    var rng = SeededGenerator(seed: 3)
    let rows = (0..<10).map { _ in (0..<2000).map { _ in rng.uniform(0, 4) } }
    let stats = try ActivationStatistics.collect(Self.chainGraph(count: 2000), samples: Self.samples(rows))
    let x = stats.rangesByName(.entropy)["x"]!
    #expect(x.min == 0 && x.max > 3.5, "\(x)")
  }

  @Test func entropy_MatchesPytorchQuantizationsSearch() {
    // A heavy-tailed histogram with a zero spike and two outliers; thresholds computed by
    // pytorch-quantization's `_compute_amax_entropy` (numpy/scipy) on the same counts.
    var histogram = (0..<2048).map { j in 1_000_000 / (1 + j * j / 400) }.map { $0 > 200 ? $0 : 0 }
    histogram[1500] += 5
    histogram[2047] += 2
    histogram[0] += 3_000_000
    let s = TensorStatistics(name: "t", min: 0, max: 2048, count: histogram.reduce(0, +), histogram: histogram)
    #expect(s.binWidth == 1)
    #expect(EntropyCalibration.threshold(s, levels: 128) == 1280)
    #expect(EntropyCalibration.threshold(s, levels: 255) == 1275)
  }

  @Test func constantZeroTensor_GetsZeroRangeUnderEveryMethod() throws {
    let data: [[Float]] = [[-1, -2, -3]]
    let stats = try ActivationStatistics.collect(Self.chainGraph(count: 3), samples: Self.samples(data))
    for method in [RangeMethod.minMax, .percentile(99.99), .entropy] {
      #expect(stats.rangesByName(method)["r"] == CalibratedRange(min: 0, max: 0), "\(method)")
    }
  }

  @Test func badSamples_AreErrorsNotCrashes() throws {
    let g = Self.chainGraph(count: 3)
    #expect(throws: CalibrationError.noSamples) { try Calibration.calibrate(g, samples: []) }
    #expect(throws: CalibrationError.self) { try Calibration.calibrate(g, samples: Self.samples([[1, 2]])) }
    #expect(throws: CalibrationError.self) { try Calibration.calibrate(g, samples: [[]]) }
  }

  // MARK: - Determinism

  @Test func sameDataTwiceOrShuffled_GivesIdenticalStatisticsAndRanges() throws {
    var rng = SeededGenerator(seed: 4)
    let rows = (0..<12).map { _ in (0..<300).map { _ in rng.gaussian() * 3 + 0.5 } }
    var shuffled = rows
    shuffled.shuffle(using: &rng)
    #expect(shuffled != rows)
    let g = Self.chainGraph(count: 300)
    let first = try ActivationStatistics.collect(g, samples: Self.samples(rows))
    let second = try ActivationStatistics.collect(g, samples: Self.samples(rows))
    let reordered = try ActivationStatistics.collect(g, samples: Self.samples(shuffled))
    #expect(first.tensors == second.tensors)
    #expect(first.tensors == reordered.tensors)
    for method in [RangeMethod.minMax, .percentile(99.99), .percentile(99), .entropy] {
      #expect(first.ranges(method) == reordered.ranges(method), "\(method)")
    }
  }

  // MARK: - Real model

  @Test func lenet28_EveryNodeOutputGetsARange_ReLUOutputsStartAtZero() throws {
    let graph = try NNablaImporter.importNNP(bytes: Fixtures.bytes("nnabla/lenet28/model.nnp")).graph
    let pixels = try Fixtures.floats("nnabla/lenet28/inputs.bin")
    let inputShape = graph.tensors[graph.inputs[0]].shape
    let size = inputShape.reduce(1, *)
    #expect(pixels.count == 16 * size)
    let samples = (0..<16).map { s in [FloatTensor(shape: inputShape, values: Array(pixels[s * size..<(s + 1) * size]))] }
    let stats = try ActivationStatistics.collect(graph, samples: samples)
    #expect(stats.sampleCount == 16)
    let reluOutputs = graph.nodes.filter { $0.op == .relu }.map { $0.outputs[0] }
    #expect(!reluOutputs.isEmpty)
    for method in [RangeMethod.minMax, .percentile(99.99), .entropy] {
      let ranges = stats.ranges(method)
      #expect(ranges[graph.inputs[0]] != nil)
      for node in graph.nodes {
        let range = try #require(ranges[node.outputs[0]], "\(method): no range for \(node.name)")
        #expect(range.min <= 0 && range.max >= 0)
        #expect(range.max > range.min, "\(method): \(node.name) \(range)")
      }
      for t in reluOutputs {
        #expect(ranges[t]!.min == 0, "\(method): \(graph.tensors[t].name)")
      }
      #expect(ranges.keys.allSatisfy { !graph.tensors[$0].isParameter })
    }
    // Clipping never widens a range.
    let minMax = stats.ranges(.minMax)
    for (t, r) in stats.ranges(.entropy) {
      #expect(r.min >= minMax[t]!.min && r.max <= minMax[t]!.max)
    }
    // The one-call form agrees with the statistics.
    #expect(try Calibration.calibrate(graph, samples: samples, method: .minMax) == minMax)
  }

  // MARK: - Progress

  @Test func progressBar_RendersAndReportsBothPasses() throws {
    #expect(TerminalProgressBar.render(phase: "", completed: 37, total: 100, width: 10, unit: "samples") == "[###.......] 37/100 samples")
    #expect(TerminalProgressBar.render(phase: "ranges", completed: 16, total: 16, width: 4, unit: "samples") == "ranges [####] 16/16 samples")
    let output = TextBox()
    let bar = TerminalProgressBar(width: 8) { output.text += $0 }
    _ = try ActivationStatistics.collect(Self.chainGraph(count: 2), samples: Self.samples([[1, 2], [3, 4]]), progress: bar)
    #expect(output.text.contains("\rranges [########] 2/2 samples"))
    #expect(output.text.contains("\rhistograms [####....] 1/2 samples"))
    #expect(output.text.hasSuffix("histograms [########] 2/2 samples\n"))
    // Not a terminal under `swift test` with redirected output: no bar at all.
    if isatty(2) == 0 { #expect(TerminalProgressBar.forStandardError() == nil) }
  }
}

final class TextBox: @unchecked Sendable {
  var text = ""
}

/// SplitMix64: the same numbers on every platform and run.
struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func uniform(_ lo: Float, _ hi: Float) -> Float {
    lo + (hi - lo) * Float(next() >> 40) / Float(1 << 24)
  }

  /// Standard normal (Box–Muller).
  mutating func gaussian() -> Float {
    let u1 = max(Double(next() >> 11) / Double(1 << 53), 1e-300)
    let u2 = Double(next() >> 11) / Double(1 << 53)
    return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
  }
}
