import Foundation
import NNCompileKit
import NNFunctions
import NNIR
import NNImport
import NNInterpreter
import Testing
import _NNTestSupport

/// Sum, Mean, Max, Min, Prod, BatchMatmul and Exp (`Sources/NNFunctions/Reduce`, `Math/Exp.swift`):
/// the models nnabla 1.39 saved (`Tests/Fixtures/functions/reduce`, cases of
/// `scripts/make-function-fixtures.py`) through import, the interpreter and the float C against
/// nnabla's outputs, and the int8 paths byte for byte.
@Suite struct ReduceFunctionTests {
  struct Case: Decodable, CustomStringConvertible, Sendable {
    struct Tensor: Decodable, Sendable {
      var name: String
      var shape: [Int]
    }
    var name: String
    var function: String
    var inputs: [Tensor]
    var outputs: [Tensor]
    var stem: String
    var description: String { name }
  }

  static let cases: [Case] = {
    struct Manifest: Decodable { var cases: [Case] }
    let url = URL(fileURLWithPath: Fixtures.path("functions/reduce/cases.json"))
    return (try? JSONDecoder().decode(Manifest.self, from: Data(contentsOf: url)).cases) ?? []
  }()

  /// Inputs then nnabla's outputs, as the case's shapes say.
  static func tensors(_ c: Case) throws -> (inputs: [FloatTensor], outputs: [FloatTensor]) {
    let floats = try Fixtures.floats("functions/reduce/\(c.stem).bin")
    var offset = 0
    func take(_ t: Case.Tensor) -> FloatTensor {
      let n = t.shape.reduce(1, *)
      defer { offset += n }
      return FloatTensor(shape: t.shape, values: Array(floats[offset..<(offset + n)]))
    }
    let result = (c.inputs.map(take), c.outputs.map(take))
    #expect(offset == floats.count, "\(c.stem).bin holds \(floats.count) floats, the shapes \(offset)")
    return result
  }

  @Test func everyFunctionOfTheGroupHasCases() {
    #expect(Set(Self.cases.map(\.function)) == ["Sum", "Mean", "Max", "Min", "Prod", "BatchMatmul", "Exp"])
  }

  /// Float C equals the interpreter bit for bit (same operations, same order); both are within
  /// 1e-6 of the range of nnabla's outputs (nnabla sums with Eigen, in another order).
  @Test(arguments: cases)
  func floatMatchesNNabla(_ c: Case) throws {
    let (inputs, expected) = try Self.tensors(c)
    let report = try FunctionConformance.checkFloat(
      Fixtures.path("functions/reduce/\(c.stem).nnp"), samples: [inputs], expected: [expected], expectedTolerance: 1e-6)
    #expect(report.outputs.allSatisfy { $0.againstInterpreter.maxAbs == 0 }, "\(report.text)")
  }

  /// Max and Min select int8 codes; Exp is a table; Sum and Mean sum codes in int32; Prod and
  /// BatchMatmul of two variables run in float between a dequantize and a quantize (by a constant
  /// it is an Affine). Every step's bytes match the Swift int8 reference.
  @Test(arguments: cases.filter { $0.outputs[0].shape != [] })
  func int8MatchesTheSwiftReference(_ c: Case) throws {
    let (inputs, _) = try Self.tensors(c)
    var samples = FunctionConformance.samples(inputs[0].shape, count: 3, range: -2...2)
    if inputs.count > 1 { samples = samples.map { $0 + inputs[1...] } }
    try FunctionConformance.checkInt8(Fixtures.path("functions/reduce/\(c.stem).nnp"), samples: samples)
  }

  /// Sum and Mean run as int32 sums of the codes (steps `sum_s8`, `mean_s8`), close to the float
  /// model (the 15 summed inputs were rounded to their step each); Max selects codes.
  @Test(arguments: [("Sum", "sum_s8"), ("Mean", "mean_s8"), ("Max", "Max (int8 data movement)")])
  func int8ReductionsRunOnCodes(_ function: String, _ step: String) throws {
    let path = try FunctionConformance.write(
      InlineModel(function: function, param: "\(function.lowercased())_param { axes: 1 axes: 3 keep_dims: false }", input: [2, 3, 4, 5]).text)
    let samples = FunctionConformance.samples([2, 3, 4, 5], count: 4, range: -1...2)
    let report = try #require(try FunctionConformance.checkInt8(path, samples: samples))
    let o = report.outputs[0]
    let float = try #require(o.againstFloat)
    #expect(float.maxRel <= 0.02 && float.cosine >= 0.999, "\(report.text)")
    let dir = try Fixtures.temporaryDirectory("reduce-int8")
    defer { try? FileManager.default.removeItem(at: dir) }
    let calibration = dir.appendingPathComponent("c.bin")
    try Data(samples.flatMap { $0[0].values }.withUnsafeBytes { Array($0) }).write(to: calibration)
    let compilation = try Driver.compile(
      modelPath: path, options: CompileOptions(target: try .named("cortex-m4f"), quantization: "int8", calibrationData: calibration.path))
    #expect(compilation.report.layers.map(\.op).contains(step), "\(compilation.report.layers.map(\.op))")
  }

  @Test func maxAndMinRefuseTheIndexOutputs() throws {
    for (function, flag) in [("Max", "with_index"), ("Min", "only_index")] {
      let path = try FunctionConformance.write(
        InlineModel(function: function, param: "\(function.lowercased())_param { axes: 1 keep_dims: true \(flag): true }", input: [1, 3]).text)
      #expect {
        try ModelLoader.load(path: path)
      } throws: { error in
        "\(error)".contains("\(function) with \(flag) true (the index output) is not supported; only the values are")
      }
    }
  }

  @Test func absentAxesReduceEveryAxis() throws {
    let path = try FunctionConformance.write(InlineModel(function: "Sum", param: "sum_param { keep_dims: true }", input: [2, 3]).text)
    let model = try ModelLoader.load(path: path)
    #expect(model.graph.nodes[0].op == .function(FunctionCall(Sum(axes: [0, 1], keepDims: true))))
    let y = FloatInterpreter.run(model.graph, inputs: [FloatTensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])])[0]
    #expect(y == FloatTensor(shape: [1, 1], values: [21]))
  }

  @Test func batchMatmulBroadcastsBatchAxes() {
    // a [2, 1, 2, 2] · b [3, 2, 1] → [2, 3, 2, 1]: each a[i] times each b[j].
    let a = FloatTensor(shape: [2, 1, 2, 2], values: [1, 2, 3, 4, 5, 6, 7, 8])
    let b = FloatTensor(shape: [3, 2, 1], values: [1, 0, 0, 1, 1, 1])
    let y = BatchMatmul().evaluate([a, b])[0]
    #expect(y.shape == [2, 3, 2, 1])
    #expect(y.values == [1, 3, 2, 4, 3, 7, 5, 7, 6, 8, 11, 15])
  }
}
