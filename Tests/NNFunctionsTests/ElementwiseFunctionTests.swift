import Foundation
import NNCompileKit
import NNFunctions
import NNIR
import NNInterpreter
import NNPasses
import Testing
import _NNTestSupport

/// The element-wise functions of `Sources/NNFunctions/{Activations,Math}` (and PReLU, CELU, CReLU,
/// LogSoftmax, Pow2, Minimum2, Maximum2) against nnabla's outputs
/// (`Tests/Fixtures/functions/elementwise`, made by `make_elementwise.py` there), all as
/// parallel branches of one model so that one compile covers them: float C against the
/// interpreter (bit for bit) and nnabla (1e-5 of the range, exact for IEEE-exact ops), and the
/// int8 C against the Swift int8 reference, byte for byte.
@Suite struct ElementwiseFunctionTests {
  struct Fixture: Decodable {
    struct Case: Decodable {
      var name: String
      var type: String
      var param: String
      var inputs: [String]
      var shape: [Int]
      var output: [Double]
    }
    var shape: [Int]
    var data: [String: [Double]]
    var dataShapes: [String: [Int]]
    var cases: [Case]
  }

  static let fixture: Fixture = {
    let data = try! Data(contentsOf: URL(fileURLWithPath: Fixtures.path("functions/elementwise/elementwise.json")))
    return try! JSONDecoder().decode(Fixture.self, from: data)
  }()

  /// The model's data inputs; the other names in the fixture are parameters.
  static let dataInputs = ["x", "u", "p"]

  /// Ops whose result nnabla and the C compute exactly (no libm, or IEEE-exact operations).
  static let exact: Set<String> = [
    "hard_tanh", "binary_sigmoid", "binary_tanh", "abs", "round", "ceil", "floor", "sign", "pow_scalar_sqrt",
    "r_sub_scalar", "r_div_scalar", "minimum_scalar", "maximum_scalar", "reset_nan", "reset_inf",
    "prelu_shared", "prelu_channel", "prelu_negative_axis", "crelu", "maximum2", "minimum2", "maximum2_wider_second", "minimum2_wider_second", "maximum2_constant", "minimum2_constant",
  ]

  /// Every case as a branch `y_<name>` of one `.nntxt`.
  static func modelText(_ f: Fixture, cases: [Fixture.Case]) -> String {
    func shape(_ dims: [Int]) -> String { "shape { \(dims.map { "dim: \($0)" }.joined(separator: " ")) }" }
    var lines = ["network {", "  name: \"net\""]
    let batchShape = [-1] + f.shape.dropFirst()
    for name in dataInputs { lines.append("  variable { name: \"\(name)\" type: \"Buffer\" \(shape(batchShape)) }") }
    let parameters = Set(cases.flatMap(\.inputs)).subtracting(dataInputs).sorted()
    for name in parameters { lines.append("  variable { name: \"\(name)\" type: \"Parameter\" \(shape(f.dataShapes[name]!)) }") }
    for c in cases {
      lines.append("  variable { name: \"y_\(c.name)\" type: \"Buffer\" \(shape([-1] + c.shape.dropFirst())) }")
      let inputs = c.inputs.map { "input: \"\($0)\"" }.joined(separator: " ")
      lines.append("  function { name: \"\(c.name)\" type: \"\(c.type)\" \(inputs) output: \"y_\(c.name)\" \(c.param) }")
    }
    lines.append("}")
    for name in parameters {
      let values = f.data[name]!.map { "data: \(Float($0))" }.joined(separator: " ")
      lines.append("parameter { variable_name: \"\(name)\" \(shape(f.dataShapes[name]!)) \(values) }")
    }
    let data = dataInputs.map { " data_variable { variable_name: \"\($0)\" data_name: \"\($0)\" }" }.joined()
    let outputs = cases.map { " output_variable { variable_name: \"y_\($0.name)\" data_name: \"y_\($0.name)\" }" }.joined()
    lines.append("executor { name: \"runtime\" network_name: \"net\"\(data)\(outputs) }")
    return lines.joined(separator: "\n") + "\n"
  }

  static var sample: [FloatTensor] {
    dataInputs.map { FloatTensor(shape: fixture.shape, values: fixture.data[$0]!.map { Float($0) }) }
  }

  @Test func everyFunction_floatCMatchesInterpreterExactlyAndNNabla() throws {
    let f = Self.fixture
    let path = try FunctionConformance.write(Self.modelText(f, cases: f.cases))
    let expected = [f.cases.map { FloatTensor(shape: $0.shape, values: $0.output.map { Float($0) }) }]
    let report = try FunctionConformance.checkFloat(path, samples: [Self.sample], expected: expected)
    #expect(report.outputs.count == f.cases.count)
    for (c, o) in zip(f.cases, report.outputs) {
      #expect(o.name == "y_\(c.name)")
      #expect(o.againstInterpreter.maxAbs == 0, "\(c.name): \(o.againstInterpreter)")
      if Self.exact.contains(c.name) {
        #expect(o.againstExpected?.maxAbs == 0, "\(c.name) against nnabla: \(String(describing: o.againstExpected))")
      }
    }
  }

  @Test func everyFunction_int8CMatchesSwiftReference() throws {
    let f = Self.fixture
    let path = try FunctionConformance.write(Self.modelText(f, cases: f.cases))
    var samples = [Self.sample]
    for seed in 2...3 {  // two more samples to calibrate on, inside each input's domain
      var rng = SeededRandom(seed: UInt64(seed))
      samples.append(Self.sample.map { t in
        FloatTensor(shape: t.shape, values: t.values.map { $0 * Float(0.9 + 0.1 * rng.double(0...1)) })
      })
    }
    let report = try #require(try FunctionConformance.checkInt8(path, samples: samples))
    // The quantized PReLU is the float one within a few output steps (its int8 kernel, not
    // float); Maximum2/Minimum2 too when the second input's range is the wider one.
    for name in ["prelu_shared", "prelu_channel", "maximum2_wider_second", "minimum2_wider_second"] {
      let o = try #require(report.outputs.first { $0.name == "y_\(name)" })
      let floatError = try #require(o.againstFloat)
      #expect(floatError.maxAbs < 0.06, "\(name): \(floatError)")
    }
  }

  @Test func expansions_computeWhatTheFunctionComputes() throws {
    // CELU, CReLU (ELU/ReLU, MulScalar, Concatenate), PReLU with a parameter slope
    // (ConstantSlopePReLU) and Maximum2/Minimum2 of a one-value constant (MaximumScalar,
    // MinimumScalar): the expanded graph gives the function's own values, bit for bit.
    let f = Self.fixture
    let expanding = ["celu", "crelu", "prelu_shared", "prelu_channel", "prelu_negative_axis", "maximum2_constant", "minimum2_constant"]
    let cases = f.cases.filter { expanding.contains($0.name) }
    let path = try FunctionConformance.write(Self.modelText(f, cases: cases))
    let graph = try ModelLoader.load(path: path).graph
    let (expanded, names) = try FunctionExpansion.expand(graph)
    #expect(names.sorted() == cases.map(\.name).sorted())
    #expect(!expanded.nodes.contains { if case .function(let c) = $0.op { return c.typeName == "CELU" || c.typeName == "CReLU" } else { return false } })
    let want = FloatInterpreter.run(graph, inputs: Self.sample)
    let got = FloatInterpreter.run(expanded, inputs: Self.sample)
    for (c, (w, g)) in zip(cases, zip(want, got)) {
      #expect(w == g, "\(c.name)")
      #expect(w.values == c.output.map { Float($0) }, "\(c.name) against nnabla")
    }
  }

  @Test(arguments: [
    ("ResetNaN", "reset_nan_param { val: 7 }", [Float.nan, 1, -2, 0.5], [Float(7), 1, -2, 0.5]),
    ("ResetInf", "reset_inf_param { val: -3 }", [Float.infinity, -Float.infinity, 1, -2], [Float(-3), -3, 1, -2]),
  ])
  func resetFunctions_replaceNonFiniteValuesInTheC(_ c: (String, String, [Float], [Float])) throws {
    // The fixture's inputs are finite; these are the values ResetNaN / ResetInf exist for.
    let path = try FunctionConformance.write(InlineModel(function: c.0, param: c.1, input: [-1, 4]).text)
    let x = FloatTensor(shape: [1, 4], values: c.2)
    let report = try FunctionConformance.checkFloat(path, samples: [[x]], expected: [[FloatTensor(shape: [1, 4], values: c.3)]])
    #expect(report.outputs[0].againstExpected?.maxAbs == 0, "\(report.text)")
  }

  @Test func prelu_int8KernelIsTheSwiftReference() throws {
    // Per channel: slopes of both signs and above 1, the input's zero point off centre.
    let model = InlineModel(
      function: "PReLU", param: "prelu_param { base_axis: 1 }", input: [-1, 3, 5],
      parameters: [("slope", [3], ["0.25", "-0.5", "1.5"])])
    let path = try FunctionConformance.write(model.text)
    let samples = FunctionConformance.samples([1, 3, 5], range: -2...5)
    let report = try #require(try FunctionConformance.checkInt8(path, samples: samples))
    #expect(report.text.contains("runs in float32") == false, "\(report.text)")
  }

  @Test func absentAttributes_areProto3Zeros() throws {
    // nnabla's writer omits zero fields, so an absent one is 0, never the Python default.
    let cases: [(String, String, [(name: String, shape: [Int], values: [String])], FunctionCall)] = [
      ("SoftPlus", "softplus_param", [], FunctionCall(SoftPlus(beta: 0))),
      ("Sign", "sign_param", [], FunctionCall(Sign(alpha: 0))),
      ("PowScalar", "pow_scalar_param", [], FunctionCall(PowScalar(val: 0))),
      ("RDivScalar", "r_div_scalar_param", [], FunctionCall(RDivScalar(val: 0))),
      ("MaximumScalar", "maximum_scalar_param", [], FunctionCall(MaximumScalar(val: 0))),
      ("CELU", "celu_param", [], FunctionCall(CELU(alpha: 0, axis: 0))),
      ("CReLU", "crelu_param", [], FunctionCall(CReLU(axis: 0))),
      ("LogSoftmax", "log_softmax_param", [], FunctionCall(LogSoftmax(axis: 0))),
      ("PReLU", "prelu_param", [("slope", [1], ["0.25"])], FunctionCall(PReLU(baseAxis: 0))),
    ]
    for (type, _, parameters, want) in cases {
      let path = try FunctionConformance.write(InlineModel(function: type, input: [-1, 4], parameters: parameters).text)
      let model = try ModelLoader.load(path: path)
      #expect(model.graph.nodes[0].op == .function(want), "\(type)")
    }
  }

  @Test func prelu_absentBaseAxisIsAxisZero() throws {
    // base_axis 0 puts the per-channel slope on the batch axis (as nnabla reads it), where 3
    // slopes do not fit a batch of 1.
    let model = InlineModel(function: "PReLU", input: [-1, 3], parameters: [("slope", [3], ["0.1", "0.2", "0.3"])])
    let path = try FunctionConformance.write(model.text)
    #expect(throws: (any Error).self) { _ = try ModelLoader.load(path: path) }
    do { _ = try ModelLoader.load(path: path) } catch {
      #expect("\(error)".contains("PReLU: slope of 3 values fits neither one shared slope nor axis 0 of [1, 3]"), "\(error)")
    }
  }
}
