import Foundation
import NNCompileKit
import NNEmulation
import Testing
import _NNTestSupport

/// `verify --emulate --profile`: the traced build counts one region per step; the steps add up
/// to the plain build's model call and the table has a row for every program step.
@Suite struct StepProfileTests {
  @Test func lenetInt8_stepCyclesAddUpToTheWholeCall() throws {
    let compilation = try EmulatedVerifyTests.compile("int8")
    let program = try #require(compilation.program)
    let report = try Verifier.verify(compilation, samples: try EmulatedVerifyTests.samples(), emulate: true)
    let e = try #require(report.emulation)
    let steps = try #require(e.steps)
    #expect(report.passed, "\(report.failures)")
    #expect(steps.map(\.name) == program.steps.map(\.name))
    #expect(steps.map(\.macs).reduce(0, +) == e.macs)
    let hook = try #require(e.stepsHookOverheadCycles), tail = try #require(e.stepsTailCycles)
    #expect(hook > 0 && hook < 100)
    let sum = steps.map(\.cycles).reduce(0, +) + tail
    // The traced build is a second compile of the model (-DNNC_TRACE): its code sits at other
    // addresses and keeps other registers across the hook, which moves the cycle model's branch
    // and load timings by up to ~1 % (0.7 % on LeNet with the fast kernels); a lost or doubled
    // step would be off by far more.
    #expect(abs(sum - e.cycles) <= e.cycles / 50, "steps + return \(sum) vs whole call \(e.cycles)")
    // The two convolutions do almost all the work, in the optimized kernel.
    let convolutions = steps.filter { $0.macs > 100_000 }
    #expect(convolutions.count == 2 && convolutions.allSatisfy { $0.kernel == "nnc_conv_s8_opt" })
    #expect(convolutions.map(\.cycles).reduce(0, +) > e.cycles * 8 / 10)

    let table = try #require(e.profileText)
    let lines = table.split(separator: "\n")
    #expect(lines.count == 2 + program.steps.count + 2)
    for (k, step) in steps.enumerated() {
      #expect(lines[2 + k].hasPrefix("  " + StepCycles.displayName(step.name)), "\(lines[2 + k])")
      #expect(lines[2 + k].contains(" \(step.cycles) "))
    }
    #expect(report.text(profile: true).contains(table))
    #expect(!report.text.contains(table))
  }

  /// Two calibration regions (one hook call), then per sample one region per step and the tail;
  /// the hook's cost comes off each step, never below 0.
  @Test func regions_splitIntoStepsPerSample() throws {
    let regions: [(instructions: Int, cycles: Int)] = [(6, 10), (4, 15), (100, 200), (9, 20), (30, 70), (7, 11), (110, 210), (10, 25), (31, 71), (7, 12)]
    let profiles = try #require(StepProfile.split(regions: regions, samples: 2))
    #expect(profiles.count == 2)
    #expect(profiles[0].cycles == [175, 0, 45] && profiles[0].instructions == [90, 0, 20])
    #expect(profiles[0].tailCycles == 11 && profiles[0].hookOverheadCycles == 25 && profiles[0].hookOverheadInstructions == 10)
    #expect(profiles[1].cycles == [185, 0, 46] && profiles[1].tailCycles == 12)
    #expect(profiles[1].totalCycles == 185 + 46 + 12)
    #expect(StepProfile.split(regions: Array(regions.prefix(9)), samples: 2) == nil)
    #expect(StepProfile.split(regions: regions, samples: 0) == nil)
  }

  @Test func stepNames_keepTheLastScopeOfEachFusedPart() {
    #expect(
      StepCycles.displayName("tf2onnx/functional_1/a;functional_1/b/Convolution_1+tf2onnx/Relu__8/ReLU_1") == "Convolution_1+ReLU_1")
    #expect(StepCycles.displayName("quantize x") == "quantize x")
    #expect(StepCycles.displayName(String(repeating: "x", count: 60)).count == 48)
  }

  @Test func kernelCalls_areReadFromTheGeneratedSource() {
    let source = """
        /* conv */
        nnc_conv_s8_opt(&p, a, b);
        NNC_TRACE_STEP(3, (const int8_t *)(a + 0), 10);
        /* reshape */
        NNC_TRACE_STEP(4, (const int8_t *)(a + 0), 10);
        memcpy(a, b, 4);
        NNC_TRACE_STEP(5, (const int8_t *)(a + 0), 10);
      """
    #expect(StepCycles.kernelCalls(source) == [3: "nnc_conv_s8_opt", 5: "memcpy"])
  }
}
