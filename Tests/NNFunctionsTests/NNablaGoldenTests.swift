import Foundation
import NNCompileKit
import NNFunctions
import NNIR
import NNInterpreter
import Testing
import _NNTestSupport

/// Every function fixture made by the real nnabla (`scripts/make-function-fixtures.py`,
/// `Tests/Fixtures/functions/`) whose functions nncompile supports: the interpreter on every case,
/// the float C on the first case of each function, against nnabla's outputs within 1e-5 of the
/// output range (nnabla's own summation order and libm differ from ours by about that).
@Suite struct NNablaGoldenTests {
  static let tolerance = 1e-5

  /// The nnabla functions a fixture case's file holds.
  static func functions(_ c: FunctionFixture) -> [String] {
    c.function == "clip_by_value" ? ["MaximumScalar", "MinimumScalar", "Maximum2", "Minimum2"] : [c.function]
  }

  static let supported = Set(SupportTable.rows.filter(\.imported).map(\.name))

  static let cases: [FunctionFixture] = {
    let all = (try? FunctionFixtures.cases()) ?? []
    return all.filter { c in c.function == "clip_by_value" ? supported.contains("Maximum2") && supported.contains("MaximumScalar") : supported.contains(c.function) }
  }()

  /// One case per function type: those also go through the float C.
  static let firstOfEachFunction: [FunctionFixture] = {
    var seen: Set<String> = []
    return cases.filter { seen.insert($0.function).inserted }
  }()

  /// |a − b| over the output range of b (1 where the range is 0), NaN = NaN.
  static func relativeError(_ a: [Float], _ b: [Float]) -> Double {
    let finite = b.filter(\.isFinite)
    let range = max(Double((finite.max() ?? 0) - (finite.min() ?? 0)), 1e-30)
    var worst = 0.0
    for (x, y) in zip(a, b) {
      if x.isNaN && y.isNaN { continue }
      if x == y { continue }  // also equal infinities
      worst = max(worst, abs(Double(x) - Double(y)) / max(range, 1))
    }
    return worst
  }

  @Test func everyFixtureLoads() throws {
    #expect(try FunctionFixtures.cases().count == 300)
    #expect(!Self.cases.isEmpty)
  }

  @Test(arguments: cases)
  func interpreter_matchesNNabla(_ c: FunctionFixture) throws {
    let (inputs, outputs) = try FunctionFixtures.tensors(c)
    let model = try ModelLoader.load(path: c.modelPath)
    let got = FloatInterpreter.run(model.graph, inputs: inputs)
    #expect(got.count == outputs.count)
    for (k, (y, want)) in zip(got, outputs).enumerated() {
      #expect(y.shape.reduce(1, *) == want.count, "\(c.name) output \(k) shape \(y.shape)")
      let err = Self.relativeError(y.values, want.values)
      #expect(err <= Self.tolerance, "\(c.name) output \(k): \(err) of the range")
      if c.toleranceClass == .exact {
        #expect(err == 0, "\(c.name) output \(k) should match nnabla bit for bit")
      }
    }
  }

  @Test(arguments: firstOfEachFunction)
  func floatC_matchesNNablaAndTheInterpreter(_ c: FunctionFixture) throws {
    let (inputs, outputs) = try FunctionFixtures.tensors(c)
    try FunctionConformance.checkFloat(c.modelPath, samples: [inputs], expected: [outputs], expectedTolerance: Self.tolerance)
  }
}
