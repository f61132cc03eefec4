import Foundation
import NNCompileKit
import NNIR
import NNInterpreter
import NNPasses
import Testing
import _NNTestSupport

/// LSTM / GRU / RNN without the optional bias, batch 2 (T 4, B 2, I 3, H 5), against nnabla
/// (`Tests/Fixtures/recurrent/make_no_bias.py`: inputs from formulas, nnabla's outputs in
/// `no_bias.bin`).
@Suite struct RecurrentNoBiasTests {
  struct Case: CustomStringConvertible, Sendable {
    var kind: String
    var layers: Int
    var bidirectional: Bool
    var description: String { "\(kind) L\(layers)\(bidirectional ? " bidirectional" : "")" }
    var directions: Int { bidirectional ? 2 : 1 }
    var gates: [Int] { ["LSTM": [4], "GRU": [3]][kind] ?? [] }
    var states: Int { kind == "LSTM" ? 2 : 1 }
    var outputCounts: [Int] { [4 * 2 * directions * 5] + Array(repeating: layers * directions * 2 * 5, count: states) }
  }

  /// In `make_no_bias.py`'s order.
  static let cases = [
    Case(kind: "LSTM", layers: 1, bidirectional: false), Case(kind: "LSTM", layers: 2, bidirectional: true),
    Case(kind: "GRU", layers: 2, bidirectional: false), Case(kind: "RNN", layers: 1, bidirectional: true),
  ]

  static func formula(_ shape: [Int], _ f: (Double) -> Double) -> (shape: [Int], values: [Float]) {
    (shape, (0..<shape.reduce(1, *)).map { Float(f(Double($0))) })
  }

  /// The case as a `.nntxt`: x is the input; h, c and the weights are parameters.
  static func model(_ c: Case) -> String {
    let (l, d) = (c.layers, c.directions)
    var parameters = [("h", formula([l, d, 2, 5]) { 0.5 * cos(0.9 * $0) })]
    if c.states == 2 { parameters.append(("c", formula([l, d, 2, 5]) { 0.4 * sin(1.1 * $0 + 0.3) })) }
    parameters.append(("w0", formula([d] + c.gates + [5, 8]) { 0.35 * cos(1.3 * $0 + 0.2) }))
    if l > 1 { parameters.append(("w", formula([l - 1, d] + c.gates + [5, d * 5 + 5]) { 0.3 * sin(0.8 * $0 + 0.5) })) }
    let outputs = ["y", "h_n", "c_n"].prefix(1 + c.states)
    func shape(_ s: [Int]) -> String { "shape { \(s.map { "dim: \($0)" }.joined(separator: " ")) }" }
    let param = "\(c.kind.lowercased())_param { num_layers: \(l) \(c.kind == "RNN" ? "nonlinearity: \"tanh\" " : "")bidirectional: \(c.bidirectional) }"
    return """
      network { name: "net"
        variable { name: "x" type: "Buffer" \(shape([4, 2, 3])) }
      \(parameters.map { "  variable { name: \"\($0.0)\" type: \"Parameter\" \(shape($0.1.shape)) }\n" }.joined())\
        function { name: "rnn" type: "\(c.kind)" input: "x"\(parameters.map { " input: \"\($0.0)\"" }.joined())\(outputs.map { " output: \"\($0)\"" }.joined()) \(param) }
      }
      \(parameters.map { "parameter { variable_name: \"\($0.0)\" \(shape($0.1.shape)) \($0.1.values.map { "data: \($0)" }.joined(separator: " ")) }\n" }.joined())\
      executor { name: "runtime" network_name: "net" data_variable { variable_name: "x" data_name: "x" }\(outputs.map { " output_variable { variable_name: \"\($0)\" data_name: \"\($0)\" }" }.joined()) }

      """
  }

  static func expected(_ c: Case) throws -> [[Float]] {
    let all = try Fixtures.floats("recurrent/no_bias.bin")
    #expect(all.count == cases.map { $0.outputCounts.reduce(0, +) }.reduce(0, +))
    var offset = 0
    for earlier in cases.prefix(while: { $0.description != c.description }) { offset += earlier.outputCounts.reduce(0, +) }
    return c.outputCounts.map { n in defer { offset += n }; return Array(all[offset..<(offset + n)]) }
  }

  @Test(arguments: cases) func withoutBias_matchesNNablaInEveryStage(_ c: Case) throws {
    let path = try FunctionConformance.write(Self.model(c))
    let graph = try ModelLoader.load(path: path).graph
    let x = FloatTensor(shape: [4, 2, 3], values: Self.formula([4, 2, 3]) { sin(0.7 * $0) }.values)
    let reference = FloatInterpreter.run(graph, inputs: [x])
    let nnabla = try Self.expected(c)
    #expect(reference.map(\.count) == c.outputCounts)
    for (r, e) in zip(reference, nnabla) {
      let diff = zip(r.values, e).map { abs($0 - $1) }.max() ?? 0
      #expect(diff <= 2e-6, "\(c): evaluate differs from nnabla by \(diff)")
    }
    let expanded = try FunctionExpansion.expand(graph).graph
    #expect(FloatInterpreter.run(expanded, inputs: [x]) == reference, "\(c): the expansion differs from evaluate")
    let expectedTensors = zip(reference, nnabla).map { FloatTensor(shape: $0.shape, values: $1) }
    try FunctionConformance.checkFloat(path, samples: [[x]], expected: [expectedTensors])
  }
}
