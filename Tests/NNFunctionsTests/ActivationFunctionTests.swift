import Foundation
import NNCompileKit
import NNFunctions
import NNIR
import NNInterpreter
import Testing
import _NNTestSupport

/// The element-wise activations of `Sources/NNFunctions/Activations`, each through import, the
/// interpreter, the float C and the int8 table.
@Suite struct ActivationFunctionTests {
  @Test func selu_matchesItsFormulaInEveryStage() throws {
    let path = try FunctionConformance.write(
      InlineModel(function: "SELU", param: "selu_param { scale: 1.0507 alpha: 1.67326 }", input: [-1, 2, 3, 4]).text)
    let samples = FunctionConformance.samples([1, 2, 3, 4])
    let report = try FunctionConformance.checkFloat(path, samples: samples)
    #expect(report.outputs[0].againstInterpreter.maxAbs == 0, "\(report.text)")
    // The interpreter computes nnabla's formula (in Double here, within float rounding).
    let model = try ModelLoader.load(path: path)
    let y = FloatInterpreter.run(model.graph, inputs: samples[0])[0]
    for (x, v) in zip(samples[0][0].values, y.values) {
      let want = x > 0 ? 1.0507 * Double(x) : 1.0507 * 1.67326 * (exp(Double(x)) - 1)
      #expect(abs(Double(v) - want) <= 1e-6 * max(1, abs(want)))
    }
    try FunctionConformance.checkInt8(path, samples: samples)
  }

  @Test func selu_absentFieldsAreProto3Zeros() throws {
    let path = try FunctionConformance.write(InlineModel(function: "SELU", input: [-1, 4]).text)
    let model = try ModelLoader.load(path: path)
    #expect(model.graph.nodes[0].op == .function(FunctionCall(SELU(scale: 0, alpha: 0))))
  }
}
