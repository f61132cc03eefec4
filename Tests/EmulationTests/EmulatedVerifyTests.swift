import Foundation
import NNCompileKit
import NNEmulation
import Testing
import _NNTestSupport

/// `verify --emulate` on Sony's LeNet: the C built by arm-none-eabi-gcc and run on QEMU's
/// Cortex-M4F gives the host's bytes, and the counts repeat exactly.
@Suite struct EmulatedVerifyTests {
  static let lenet = Fixtures.repositoryRoot.appendingPathComponent("examples/mnist-lenet")

  /// digit5 and the first two calibration digits, as float32 NCHW samples.
  static func samples() throws -> [[FloatTensor]] {
    func floats(_ name: String) throws -> [Float] {
      let data = try Data(contentsOf: lenet.appendingPathComponent(name))
      return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }
    let digit = try floats("digit5.input.bin"), calibration = try floats("calibration.bin")
    return [digit, Array(calibration[0..<784]), Array(calibration[784..<1568])].map { [FloatTensor(shape: [1, 1, 28, 28], values: $0)] }
  }

  static func compile(_ quantization: String) throws -> Compilation {
    try Driver.compile(
      modelPath: lenet.appendingPathComponent("lenet.nnp").path,
      options: CompileOptions(
        target: try .named("cortex-m4f"), quantization: quantization,
        calibrationData: lenet.appendingPathComponent("calibration.bin").path))
  }

  @Test func lenetInt8_emulatedBytesEqualHost_andCountsRepeat() throws {
    let compilation = try Self.compile("int8")
    let samples = try Self.samples()
    let first = try Verifier.verify(compilation, samples: samples, emulate: true)
    let e = try #require(first.emulation)
    #expect(first.passed, "\(first.failures)")
    #expect(e.outputsBitExact)
    #expect(e.mismatchedSteps == [])
    #expect(e.againstHost.maxAbs == 0)
    #expect(e.instructionsPerSample.count == 3)
    #expect(e.instructions == e.instructionsPerSample[0])
    #expect(e.instructions > 1_000_000)
    #expect(e.cycles > e.instructions)  // loads, branches and MACs into the accumulator cost more than 1
    #expect(e.macs == 653_300)
    #expect(e.macsPerCycle == Double(653_300) / Double(e.cycles))
    #expect(e.modelFlashBytes > 20_000 && e.modelFlashBytes < e.flashBytes)
    #expect(e.modelRAMStaticBytes == compilation.code.plan.arenaBytes)
    #expect(e.peakStackBytes > 0 && e.peakStackBytes < 4096)

    let second = try Verifier.verify(compilation, samples: samples, emulate: true)
    let again = try #require(second.emulation)
    #expect(again.instructionsPerSample == e.instructionsPerSample)
    #expect(again.cyclesPerSample == e.cyclesPerSample)
    #expect(again.flashBytes == e.flashBytes)
    #expect(again.peakStackBytes == e.peakStackBytes)
  }

  /// -std=c99 keeps gcc from fusing a*b+c, so the float build matches the host bit for bit on
  /// LeNet (no libm call; models with exp differ by libm's last bits, within the tolerance).
  @Test func lenetFloat32_emulatedOutputsAreBitExact() throws {
    let report = try Verifier.verify(try Self.compile("float32"), samples: try Self.samples(), emulate: true)
    let e = try #require(report.emulation)
    #expect(report.passed, "\(report.failures)")
    #expect(e.outputsBitExact)
    #expect(e.mismatchedSteps == nil)
    #expect(e.modelRAMStaticBytes == 46_080)
  }

  /// The counter and the cycle model on hand-written assembly with known figures
  /// (targets/cortex-m4f/emulation/calibration.S).
  @Test func calibrationAssembly_givesItsKnownCounts() throws {
    let toolchain = try Toolchain.locate()
    let dir = try Fixtures.temporaryDirectory("emu-calibration")
    defer { try? FileManager.default.removeItem(at: dir) }
    let regions = try CounterCalibration.measure(
      toolchain: toolchain, cpuFlags: try TargetDescription.named("cortex-m4f").crossFlags, workDirectory: dir)
    #expect(regions.map(\.instructions) == [0, 23, 11])
    #expect(regions.map(\.cycles) == [0, 45, 37])
  }

  @Test func missingTool_isOneLineWithTheInstallCommand() throws {
    #expect(throws: EmulationError.self) { try Toolchain.locate(crossCompiler: "no-such-arm-none-eabi-gcc") }
    do {
      _ = try Toolchain.locate(crossCompiler: "no-such-arm-none-eabi-gcc")
    } catch {
      #expect(
        "\(error)"
          == "--emulate needs no-such-arm-none-eabi-gcc, no-such-arm-none-eabi-objdump, which are not installed: apt-get install -y --no-install-recommends gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm"
      )
    }
  }
}
