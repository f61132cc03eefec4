import Foundation
import NNCompileKit
import NNFunctions
import NNIR
import NNInterpreter
import NNPasses
import Testing
import _NNTestSupport

/// nnabla's LSTM, GRU and RNN (`Sources/NNFunctions/Recurrent`): the function's own reference
/// (`evaluate`) against nnabla, its expansion into core ops against `evaluate`, and the float and
/// int8 C of the expansion. Fixtures: `Tests/Fixtures/recurrent` (T 5, B 1, I 3, H 4).
@Suite struct RecurrentFunctionTests {
  static let cases = [
    "lstm_l1", "lstm_l2", "lstm_l1_bidirectional", "lstm_l2_bidirectional",
    "gru_l1", "gru_l2", "gru_l1_bidirectional", "gru_l2_bidirectional",
    "rnn_l1", "rnn_l1_relu", "rnn_l2", "rnn_l1_bidirectional", "rnn_l2_bidirectional",
  ]

  /// The case's model, its inputs and nnabla's outputs (the `.bin` holds inputs then outputs).
  static func fixture(_ name: String) throws -> (path: String, graph: ModelGraph, inputs: [FloatTensor], expected: [FloatTensor]) {
    let path = Fixtures.path("recurrent/\(name).nnp")
    let graph = try ModelLoader.load(path: path).graph
    let floats = try Fixtures.floats("recurrent/\(name).bin")
    var offset = 0
    func take(_ t: Int) -> FloatTensor {
      let shape = graph.tensors[t].shape
      defer { offset += shape.reduce(1, *) }
      return FloatTensor(shape: shape, values: Array(floats[offset..<(offset + shape.reduce(1, *))]))
    }
    let inputs = graph.inputs.map(take)
    let expected = graph.outputs.map(take)
    #expect(offset == floats.count, "\(name).bin holds \(floats.count) floats, the model's shapes \(offset)")
    return (path, graph, inputs, expected)
  }

  static func maxAbs(_ a: FloatTensor, _ b: FloatTensor) -> Float {
    zip(a.values, b.values).map { abs($0 - $1) }.max() ?? 0
  }

  @Test(arguments: cases) func evaluate_matchesNNabla(_ name: String) throws {
    let f = try Self.fixture(name)
    #expect(f.graph.nodes.count == 1 && f.graph.nodes[0].outputs.count == f.expected.count)
    let got = FloatInterpreter.run(f.graph, inputs: f.inputs)
    for (g, e) in zip(got, f.expected) {
      #expect(g.shape == e.shape)
      #expect(Self.maxAbs(g, e) <= 2e-6, "\(name): \(g.values) vs nnabla \(e.values)")
    }
  }

  @Test(arguments: cases) func expansion_computesWhatEvaluateDoes(_ name: String) throws {
    let f = try Self.fixture(name)
    let (expanded, names) = try FunctionExpansion.expand(f.graph)
    #expect(names == [f.graph.nodes[0].name])
    #expect(expanded.nodes.allSatisfy { $0.outputs.count == 1 && $0.op.function == nil })
    let reference = FloatInterpreter.run(f.graph, inputs: f.inputs)
    let got = FloatInterpreter.run(expanded, inputs: f.inputs)
    for (g, r) in zip(got, reference) {
      #expect(g == r, "\(name): the expansion differs from evaluate by \(Self.maxAbs(g, r))")
    }
  }

  @Test(arguments: cases) func floatC_matchesInterpreterAndNNabla(_ name: String) throws {
    let f = try Self.fixture(name)
    try FunctionConformance.checkFloat(f.path, samples: [f.inputs], expected: [f.expected], expectedTolerance: 1e-5)
  }

  @Test(arguments: ["lstm_l1", "gru_l1_bidirectional", "rnn_l2"]) func int8C_matchesSwiftReference(_ name: String) throws {
    let f = try Self.fixture(name)
    var rng = SeededRandom(seed: 7)
    let more = (0..<3).map { _ in f.inputs.map { t in FloatTensor(shape: t.shape, values: t.values.map { _ in Float(rng.double(-1...1)) }) } }
    try FunctionConformance.checkInt8(f.path, samples: [f.inputs] + more)
  }

  @Test func wrongWeightShapeIsNamed() throws {
    let path = try FunctionConformance.write(
      InlineModel(function: "GRU", param: "gru_param { num_layers: 1 }", input: [4, 1, 3],
                  parameters: [("h", [1, 1, 1, 2], ["0", "0"]), ("w", [1, 4, 2, 5], Array(repeating: "0.1", count: 40))]).text)
    #expect { try ModelLoader.load(path: path) } throws: { error in
      "\(error)".contains("GRU: weight_l0 is [1, 4, 2, 5]; it must be [1, 3, 2, 5]")
    }
  }

  @Test func absentNonlinearityIsProto3EmptyAndRejected() throws {
    let path = try FunctionConformance.write(
      InlineModel(function: "RNN", param: "rnn_param { num_layers: 1 }", input: [4, 1, 3],
                  parameters: [("h", [1, 1, 1, 2], ["0", "0"]), ("w", [1, 2, 5], Array(repeating: "0.1", count: 10))]).text)
    #expect { try ModelLoader.load(path: path) } throws: { error in
      "\(error)".contains("RNN: nonlinearity is \"\"; it must be \"tanh\" or \"relu\"")
    }
  }

  @Test func absentNumLayersIsProto3ZeroAndRejected() throws {
    let path = try FunctionConformance.write(
      InlineModel(function: "RNN", param: "rnn_param { nonlinearity: \"tanh\" }", input: [4, 1, 3],
                  parameters: [("h", [1, 1, 1, 2], ["0", "0"]), ("w", [1, 2, 5], Array(repeating: "0.1", count: 10))]).text)
    #expect { try ModelLoader.load(path: path) } throws: { error in
      "\(error)".contains("num_layers is 0; it must be at least 1")
    }
  }
}
