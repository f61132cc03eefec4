import Foundation
import NNCompileKit
import NNFunctions
import NNImport
import NNIR
import NNInterpreter
import Testing
import _NNTestSupport

/// NNC's unrolled recurrent form (repeat_info, RecurrentInput, RecurrentOutput, Delay,
/// RepeatStart/RepeatEnd) unrolled at import as nnabla's NnpExpander does, against nnabla's
/// outputs of its own expansion (`Tests/Fixtures/recurrent/*_unrolled`, `residual_learning_repeat`).
@Suite struct RecurrentUnrollingTests {
  static let samples = ["elman_net_unrolled", "lstm_unrolled", "residual_learning_repeat"]

  @Test(arguments: samples) func unrolledNetwork_matchesNNablasExpansion(_ name: String) throws {
    let f = try RecurrentFunctionTests.fixture(name)
    let got = FloatInterpreter.run(f.graph, inputs: f.inputs)
    for (g, e) in zip(got, f.expected) {
      #expect(g.shape == e.shape)
      #expect(RecurrentFunctionTests.maxAbs(g, e) <= 2e-6, "\(name): \(g.values) vs nnabla \(e.values)")
    }
    try FunctionConformance.checkFloat(f.path, samples: [f.inputs], expected: [f.expected], expectedTolerance: 1e-5)
  }

  /// These also need RSubScalar (GRU's 1 − z) and Flip (the backward direction), other groups'
  /// functions: they run once both are registered (checked with stand-ins for them: exact to 2e-6).
  @Test(
    .enabled(if: FunctionRegistry.byName["RSubScalar"] != nil && FunctionRegistry.byName["Flip"] != nil),
    arguments: ["bidirectional_elman_net_unrolled", "gru_unrolled", "stacked_gru_unrolled", "lstm_autoencoder_unrolled"])
  func unrolledNetworkWithFlipOrRSubScalar_matchesNNablasExpansion(_ name: String) throws {
    let f = try RecurrentFunctionTests.fixture(name)
    for (g, e) in zip(FloatInterpreter.run(f.graph, inputs: f.inputs), f.expected) {
      #expect(g.shape == e.shape)
      #expect(RecurrentFunctionTests.maxAbs(g, e) <= 2e-6, "\(name): \(g.values) vs nnabla \(e.values)")
    }
  }

  @Test func elman_stepsAreNamedAsNNablaNamesThem() throws {
    let graph = try RecurrentFunctionTests.fixture("elman_net_unrolled").graph
    let names = graph.nodes.map(\.name)
    // Six copies of the step, `<name>_<repeat id>_<i>`; step 0's Concatenate reads the Delay's
    // initial value (a Constant 0 generator), step i's the Tanh of step i - 1.
    #expect((0..<6).allSatisfy { names.contains("rnn_Tanh_RecurrentInput_\($0)") })
    #expect(!names.contains("rnn_Tanh_RecurrentInput_6"))
    let concat1 = try #require(graph.nodes.first { $0.name == "rnn_Concatenate_RecurrentInput_1" })
    #expect(graph.tensors[concat1.inputs[1]].name == "rnn_Tanh_RecurrentInput_0")
    let concat0 = try #require(graph.nodes.first { $0.name == "rnn_Concatenate_RecurrentInput_0" })
    #expect(graph.tensors[concat0.inputs[1]].name == "Delay_Initial")
    #expect(graph.tensors[concat0.inputs[1]].data?.values == Array(repeating: 0, count: 8))
  }

  @Test func elman_int8C_matchesSwiftReference() throws {
    let f = try RecurrentFunctionTests.fixture("elman_net_unrolled")
    var rng = SeededRandom(seed: 3)
    let more = (0..<3).map { _ in f.inputs.map { t in FloatTensor(shape: t.shape, values: t.values.map { _ in Float(rng.double(-1...1)) }) } }
    try FunctionConformance.checkInt8(f.path, samples: [f.inputs] + more)
  }

  @Test func constantGeneratorRunsAndOthersAreRejected() throws {
    let text = """
      network { name: "net" repeat_info { id: "r" times: 2 }
        variable { name: "x" type: "Buffer" shape { dim: 1 dim: 2 dim: 3 } }
        variable { name: "h0" type: "Buffer" shape { dim: 1 dim: 3 } }
        variable { name: "xs" type: "Buffer" repeat_id: "r" shape { dim: 1 dim: 3 } }
        variable { name: "d" type: "Buffer" repeat_id: "r" shape { dim: 1 dim: 3 } }
        variable { name: "s" type: "Buffer" repeat_id: "r" shape { dim: 1 dim: 3 } }
        variable { name: "y" type: "Buffer" shape { dim: 1 dim: 2 dim: 3 } }
        function { name: "ri" type: "RecurrentInput" repeat_id: "r" input: "x" output: "xs" recurrent_param { repeat_id: "r" axis: 1 } }
        function { name: "delay" type: "Delay" repeat_id: "r" input: "s" input: "h0" output: "d" recurrent_param { repeat_id: "r" } }
        function { name: "add" type: "Add2" repeat_id: "r" input: "xs" input: "d" output: "s" }
        function { name: "ro" type: "RecurrentOutput" input: "s" output: "y" recurrent_param { repeat_id: "r" axis: 1 length: 2 } }
      }
      executor { name: "runtime" network_name: "net" data_variable { variable_name: "x" data_name: "x" }
        generator_variable { variable_name: "h0" type: "%TYPE%" multiplier: 1 }
        output_variable { variable_name: "y" data_name: "y" } }

      """
    // A running sum: y[t] = x[0] + … + x[t] + 1 (the Constant 1 initial state).
    let path = try FunctionConformance.write(text.replacingOccurrences(of: "%TYPE%", with: "Constant"))
    let graph = try ModelLoader.load(path: path).graph
    let y = FloatInterpreter.run(graph, inputs: [FloatTensor(shape: [1, 2, 3], values: [1, 2, 3, 10, 20, 30])])[0]
    #expect(y == FloatTensor(shape: [1, 2, 3], values: [2, 3, 4, 12, 23, 34]))
    let random = try FunctionConformance.write(text.replacingOccurrences(of: "%TYPE%", with: "Normal"))
    #expect { try ModelLoader.load(path: random) } throws: { error in
      "\(error)".contains("generator variable 'h0' is Normal; only Constant generators can be compiled")
    }
    let huge = try FunctionConformance.write(text.replacingOccurrences(of: "times: 2", with: "times: 1000000000").replacingOccurrences(of: "%TYPE%", with: "Constant"))
    #expect { try ModelLoader.load(path: huge) } throws: { error in
      "\(error)".contains("repeat_info 'r' repeats 7 functions and variables 1000000000 times; at most 1048576 copies are unrolled")
    }
    // Training does not unroll (yet): said, not mis-trained.
    #expect { try NNablaImporter.importTrainingText(text) } throws: { error in
      "\(error)".contains("network 'net' uses repeat_info (RepeatStart/RecurrentInput), which training does not unroll yet")
    }
  }
}
