import Foundation
import NNExport
import NNFormats
import NNIR
import NNImport
import NNInterpreter
import Testing
import _NNTestSupport

/// `.nnp` files we write load in the real nnabla and compute what our interpreter computes.
///
/// Each case takes a fixture model, perturbs every parameter with a fixed seed (so nothing could
/// pass by reading the original file), and writes it two ways: the original definition with new
/// values (`replaced`, what training does) and the network rebuilt from our IR (`graph`). The
/// written files are checked in under `Tests/Fixtures/export/` together with nnabla's outputs
/// for them; the test proves we still write exactly those bytes and that our interpreter on them
/// matches nnabla within 1e-5 of the output range.
///
/// Re-record after changing the writer (needs the nnabla venv, see the script):
///     RECORD_EXPORT_FIXTURES=1 swift test --filter NNPRoundTripTests
///     scripts/make-export-fixtures.sh
@Suite struct NNPRoundTripTests {
  struct Case: CustomStringConvertible, Sendable {
    var model: String
    var variant: String
    var description: String { "\(model).\(variant)" }
  }

  static let models: [String: (nnp: String, inputs: [String])] = [
    "iris_mlp": ("nnabla/iris_mlp/model.nnp", ["nnabla/iris_mlp/inputs.bin"]),
    "lenet28": ("nnabla/lenet28/model.nnp", ["nnabla/lenet28/inputs.bin"]),
    "cnn_bn": ("nnabla/cnn_bn/model.nnp", ["nnabla/cnn_bn/inputs.bin"]),
    // An NNC export: three networks, optimizer, datasets, monitors, executor, all kept.
    "nnc_result2": ("real/nnc_result2.nnp", (1...4).map { "real/nnc_result2__nnc_00\($0).input.bin" }),
  ]

  static let cases = [
    Case(model: "iris_mlp", variant: "replaced"), Case(model: "iris_mlp", variant: "graph"),
    Case(model: "iris_mlp", variant: "sections"),
    Case(model: "lenet28", variant: "replaced"), Case(model: "lenet28", variant: "graph"),
    Case(model: "cnn_bn", variant: "replaced"), Case(model: "cnn_bn", variant: "graph"),
    Case(model: "nnc_result2", variant: "replaced"),
  ]

  static let recording = ProcessInfo.processInfo.environment["RECORD_EXPORT_FIXTURES"] == "1"

  /// Every parameter scaled by 1 ± 20 % and shifted by ± 0.01 (variances only scaled, so they
  /// stay positive), from SplitMix64 seeded per model.
  static func perturbed(_ graph: ModelGraph, seed: UInt64) -> [String: FloatTensor] {
    var rng = SeededRandom(seed: seed)
    let variances = Set(graph.nodes.compactMap { n -> Int? in
      if case .batchNormalization = n.op { return n.inputs[4] }
      return nil
    })
    var values: [String: FloatTensor] = [:]
    for i in graph.parameterIndices {
      let t = graph.tensors[i]
      let shift: Float = variances.contains(i) ? 0 : 0.01
      let v = t.data!.values.map { $0 * (1 + 0.2 * rng.float()) + shift * rng.float() }
      values[t.name] = FloatTensor(shape: t.shape, values: v)
    }
    return values
  }

  static func write(_ c: Case) throws -> (bytes: [UInt8], values: [String: FloatTensor]) {
    let (nnp, _) = models[c.model]!
    let original = try Fixtures.bytes(nnp)
    let graph = try NNablaImporter.importNNP(bytes: original).graph
    let values = perturbed(graph, seed: UInt64(c.model.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) }))
    if c.variant == "replaced" {
      return (try NNPWriter.replacingParameters(inNNP: original, with: values), values)
    }
    var g = graph
    for i in g.parameterIndices { g.tensors[i].data = values[g.tensors[i].name] }
    if c.variant == "graph" { return (try NNPWriter.archive(graph: g), values) }
    // "sections": the rebuilt network plus every training section nnabla's loader links up.
    let writer = NNablaNetworkWriter(graph: g)
    let x = g.tensors[g.inputs[0]].name, y = g.tensors[g.outputs[0]].name
    var definition = ProtoTextMessage()
    definition.add("global_config", NNablaTrainingSections.globalConfig())
    definition.add("training_config", NNablaTrainingSections.trainingConfig(maxEpoch: 3, iterPerEpoch: 2))
    definition.add("network", try writer.network(name: "Main"))
    definition.add("dataset", NNablaTrainingSections.dataset(name: "Training", uri: "train.csv", batchSize: 8, shuffle: true))
    definition.add("optimizer", NNablaTrainingSections.optimizer(
      network: "Main", dataset: "Training", solver: .adam(), data: [(x, "x")], loss: y,
      parameters: writer.parameters().map(\.name)))
    definition.add("monitor", NNablaTrainingSections.monitor(
      name: "train_error", network: "Main", dataset: "Training", data: [(x, "x")], errors: [y]))
    definition.add("executor", writer.executor(name: "Executor", networkName: "Main"))
    return (try NNPWriter.archive(definition: definition, parameters: writer.parameters()), values)
  }

  @Test(arguments: cases)
  func writtenNNP_runsInNNablaWithOurOutputs(_ c: Case) throws {
    let (bytes, values) = try Self.write(c)
    let path = "export/\(c.model).\(c.variant).nnp"
    if Self.recording {
      try Data(bytes).write(to: URL(fileURLWithPath: Fixtures.path(path)))
      let inputs = try Self.models[c.model]!.inputs.flatMap { try Fixtures.bytes($0) }
      try Data(inputs).write(to: URL(fileURLWithPath: Fixtures.path("export/\(c.model).inputs.bin")))
      return
    }
    #expect(bytes == (try Fixtures.bytes(path)), "the writer no longer writes the bytes nnabla was run on; re-record")

    // import → our parameters, bit for bit
    let graph = try NNablaImporter.importNNP(bytes: bytes).graph
    for i in graph.parameterIndices {
      let t = graph.tensors[i]
      #expect(t.data?.values.map(\.bitPattern) == values[t.name]?.values.map(\.bitPattern), "parameter \(t.name)")
    }

    // our interpreter vs nnabla, sample by sample
    let inputs = try Fixtures.floats("export/\(c.model).inputs.bin")
    let expected = try Fixtures.floats("export/\(c.model).\(c.variant).nnabla.bin")
    let inShape = graph.tensors[graph.inputs[0]].shape
    let n = inShape.reduce(1, *)
    #expect(inputs.count % n == 0)
    var ours: [Float] = []
    for s in 0..<(inputs.count / n) {
      let x = FloatTensor(shape: inShape, values: Array(inputs[(s * n)..<((s + 1) * n)]))
      ours += FloatInterpreter.run(graph, inputs: [x]).flatMap(\.values)
    }
    #expect(ours.count == expected.count)
    let range = (expected.max() ?? 0) - (expected.min() ?? 0)
    let worst = zip(ours, expected).map { abs($0 - $1) }.max() ?? .infinity
    #expect(worst <= 1e-5 * max(range, 1), "max-abs \(worst), output range \(range)")
  }

  /// import → write from the IR → import gives the same graph and the same parameter bits.
  @Test(arguments: ["iris_mlp", "lenet28", "cnn_bn", "digits_lenet"])
  func graphWrittenAndReadBack_isTheSameGraph(_ model: String) throws {
    let first = try NNablaImporter.importNNP(bytes: Fixtures.bytes("nnabla/\(model)/model.nnp")).graph
    let second = try NNablaImporter.importNNP(bytes: NNPWriter.archive(graph: first)).graph
    #expect(second.nodes.map(\.op) == first.nodes.map(\.op))
    #expect(second.nodes.map(\.name) == first.nodes.map(\.name))
    #expect(second.tensors.map(\.name) == first.tensors.map(\.name))
    #expect(second.tensors.map(\.shape) == first.tensors.map(\.shape))
    #expect(second.tensors.map { $0.data?.values.map(\.bitPattern) } == first.tensors.map { $0.data?.values.map(\.bitPattern) })
    #expect(second.inputs == first.inputs && second.outputs == first.outputs)
  }

  @Test func replacingParameters_namesAMissingValue() throws {
    let original = try Fixtures.bytes("nnabla/iris_mlp/model.nnp")
    #expect(throws: FormatError("nnp", "no value given for parameter 'fc1/affine/W'")) {
      _ = try NNPWriter.replacingParameters(inNNP: original, with: [:])
    }
  }

  @Test func parameterProtobuf_hasNNablasFieldNumbers() {
    let bytes = NNPWriter.parameterProtobuf([NNPParameter(name: "w", shape: [2], values: [1, -2], needGrad: false)])
    // 200 → key 0xC2 0x0C; name (1), shape (20) with packed dims (1), packed data (100), need_grad (101) = 0.
    #expect(bytes == [0xC2, 0x0C, 23, 0x0A, 1, 0x77, 0xA2, 0x01, 3, 0x0A, 1, 2,
                      0xA2, 0x06, 8, 0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0, 0xA8, 0x06, 0])
  }
}
