import Foundation
import NNCompileKit
import NNEmulation
import Testing
import _NNTestSupport

/// The compile report's stack estimate (`FootprintEstimate`: the worst call chain into the kernels
/// the model calls plus the model's own frames) against the stack the emulated Cortex-M4F
/// measures by painting: never below it, and not far above.
@Suite struct StackEstimateTests {
  @Test(arguments: ["int8", "float32"])
  func lenet_estimateCoversTheMeasuredPeak(quantization: String) throws {
    let compilation = try EmulatedVerifyTests.compile(quantization)
    let report = try Verifier.verify(compilation, samples: try EmulatedVerifyTests.samples(), emulate: true)
    let measured = try #require(report.emulation).peakStackBytes
    let estimate = compilation.report.totals.stackBytesEstimate
    #expect(measured > 100)
    #expect(estimate >= measured, "estimate \(estimate) B < measured \(measured) B")
    #expect(estimate <= measured * 3 / 2, "estimate \(estimate) B is far above the measured \(measured) B")
  }
}
