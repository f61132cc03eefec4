import Foundation
import NNCompileKit
import NNIR
import Testing
import _NNTestSupport

/// Sony's Neural Network Console sample projects (logistic regression, binary CNN, LSTM
/// auto-encoder, Elman net, VAE, DCGAN generator, …), rebuilt with nnabla's API in the same shapes
/// by `scripts/make-function-fixtures.py` — some in NNC's unrolled recurrent form — compiled to
/// float32 C and matched against nnabla, and to int8 C matched byte for byte against the Swift
/// int8 reference.
@Suite struct SampleProjectTests {
  /// A chain of layers in nnabla's summation order vs ours: 1e-4 of the output range.
  static let nnablaTolerance = 1e-4

  static let samples: [FunctionFixture] = (try? FunctionFixtures.samples()) ?? []

  @Test func theChecklistIsComplete() {
    #expect(Self.samples.count == 29)
  }

  @Test(arguments: samples)
  func floatC_matchesNNabla(_ s: FunctionFixture) throws {
    let (inputs, outputs) = try FunctionFixtures.tensors(s)
    try FunctionConformance.checkFloat(s.modelPath, samples: [inputs], expected: [outputs], expectedTolerance: Self.nnablaTolerance)
  }

  @Test(arguments: samples)
  func int8C_isTheInt8Reference(_ s: FunctionFixture) throws {
    let (inputs, _) = try FunctionFixtures.tensors(s)
    try FunctionConformance.checkInt8(s.modelPath, samples: [inputs], kernels: [.optimized])
  }
}
