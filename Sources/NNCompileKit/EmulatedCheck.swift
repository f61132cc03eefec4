import Foundation
import NNEmulation
import NNHostSim
import NNIR

/// `verify --emulate`: the figures of the emulated Cortex-M4F run and how it compares with the
/// host run of the same C.
public struct EmulationReport: Sendable, Codable {
  /// Instructions executed inside the model call (exact), first sample and each sample.
  public var instructions: Int
  public var instructionsPerSample: [Int]
  /// Cortex-M4 cycle estimate inside the model call (see `CycleModel`), first sample and each.
  public var cycles: Int
  public var cyclesPerSample: [Int]
  /// Multiply-accumulates of the model (`NNIR.Cost`), and MACs per estimated cycle.
  public var macs: Int
  public var macsPerCycle: Double
  /// `cycles` at the target's clock (`clockHz`), in milliseconds; nil when the clock is unknown.
  public var estimatedMilliseconds: Double?
  /// Whole image (start-up, libc and harness included) and the model's own share (model,
  /// kernels, weights).
  public var flashBytes: Int
  public var modelFlashBytes: Int
  public var ramStaticBytes: Int
  public var modelRAMStaticBytes: Int
  /// Deepest stack below the caller of the model, measured by painting.
  public var peakStackBytes: Int
  /// Every output value has the same bits on the emulator as on the host.
  public var outputsBitExact: Bool
  /// Emulated outputs against the host outputs.
  public var againstHost: ComparisonMetrics
  /// int8 builds: steps whose emulated bytes differ from the host's (must be empty); nil when
  /// the build has no trace hook (float32).
  public var mismatchedSteps: [String]?
  /// int8 builds: the first sample's cycles per step (`StepProfile`), one row per program step;
  /// the return after the last step; the hook overhead taken off each step. Nil for float32.
  public var steps: [StepCycles]?
  public var stepsTailCycles: Int?
  public var stepsHookOverheadCycles: Int?

  /// The per-step table (`verify --emulate --profile`), or nil without a step profile.
  public var profileText: String? {
    guard let steps, let tail = stepsTailCycles, let hook = stepsHookOverheadCycles else { return nil }
    return StepCycles.table(steps, tailCycles: tail, hookOverheadCycles: hook, wholeCallCycles: cycles)
  }

  /// The problems that fail `verify`: int8 must be bit-exact, float32 within `maxRel`.
  func failures(quantization: String, maxRel: Double) -> [String] {
    var f: [String] = []
    if againstHost.nonFinite > 0 {
      f.append("emulated Cortex-M4F outputs hold \(againstHost.nonFinite) NaN or infinite value(s), first \(againstHost.firstNonFinite ?? "?")")
    }
    if quantization == "int8" && !outputsBitExact {
      f.append("emulated Cortex-M4F outputs differ from the host outputs (int8 must be bit-exact)")
    } else if !(againstHost.maxRel <= maxRel) {
      f.append("emulated Cortex-M4F outputs differ from the host outputs by \(againstHost.maxRel) of the range > \(maxRel)")
    }
    if let m = mismatchedSteps, !m.isEmpty {
      f.append("the emulated C differs from the host C in \(m.count) step(s), first '\(m[0])'")
    }
    return f
  }

  var text: String {
    var s = "emulated Cortex-M4F (QEMU mps2-an386):\n"
    let counts = Set(instructionsPerSample).count == 1 ? "" : " (first sample; range \(instructionsPerSample.min()!)–\(instructionsPerSample.max()!))"
    s += "  instructions in the model call  \(instructions)\(counts)\n"
    s += "  cycles (Cortex-M4 estimate)     \(cycles)"
    s += estimatedMilliseconds.map { String(format: " (%.2f ms at the target's clock)\n", $0) } ?? "\n"
    s += String(format: "  MACs %d  MAC/cycle %.3f\n", macs, macsPerCycle)
    s += "  flash  \(flashBytes) bytes (model + kernels + weights: \(modelFlashBytes))\n"
    s += "  RAM    \(ramStaticBytes) bytes static (model: \(modelRAMStaticBytes)), peak stack \(peakStackBytes) bytes\n"
    s += outputsBitExact
      ? "  outputs bit-exact with the host\n"
      : String(format: "  outputs differ from the host: max-abs %.3e  max-rel %.3e\n", againstHost.maxAbs, againstHost.maxRel)
    if let m = mismatchedSteps {
      s += m.isEmpty ? "  every step's bytes identical to the host\n" : "  steps that differ from the host: \(m.joined(separator: ", "))\n"
    }
    return s
  }
}

enum EmulatedCheck {
  /// Finds the cross compiler, QEMU and cc, or fails with the one line that says how to get them.
  /// Only Cortex-M4 targets can run on the emulated board.
  static func toolchain(for target: TargetDescription) throws -> Toolchain {
    guard target.cpu == "cortex-m4" else {
      throw EmulationError("--emulate runs the code on an emulated Cortex-M4F; target '\(target.name)' is '\(target.cpu)': use --target cortex-m4f")
    }
    return try Toolchain.locate(crossCompiler: target.crossCompiler)
  }

  /// Builds `source` for the Cortex-M4F, runs the samples on QEMU and compares with the host's
  /// outputs (and per-step bytes when `hostSteps` is given).
  static func run(
    _ compilation: Compilation, source: URL, work: URL, samples: [[FloatTensor]], hostOutputs: [[FloatTensor]],
    hostSteps: [[[UInt8]]]?, stepNames: [String]
  ) throws -> EmulationReport {
    let toolchain = try toolchain(for: compilation.options.target)
    let shapes = hostOutputs.first?.map(\.shape) ?? []
    let model = Emulator.Model(
      sourceDirectory: source, prefix: compilation.options.prefix, inputSizes: samples.first?.map(\.count) ?? [],
      outputSizes: shapes.map { $0.reduce(1, *) }, trace: hostSteps != nil, cpuFlags: compilation.options.target.crossFlags)
    let result = try Emulator.run(model, samples: samples.map { $0.flatMap(\.values) }, toolchain: toolchain, workDirectory: work)

    let emulated = result.outputs.map { zip($0, shapes).map { FloatTensor(shape: $1, values: $0) } }
    let bitExact = zip(emulated, hostOutputs).allSatisfy { e, h in
      zip(e, h).allSatisfy { $0.values.map(\.bitPattern) == $1.values.map(\.bitPattern) }
    }
    func flat(_ tensors: [FloatTensor]) -> FloatTensor {
      let values = tensors.flatMap(\.values)
      return FloatTensor(shape: [values.count], values: values)
    }
    let metrics = ComparisonMetrics(actual: emulated.map(flat), reference: hostOutputs.map(flat))
    var mismatched: [String]?
    if let hostSteps, let steps = result.stepBytes {
      mismatched = stepNames.indices.filter { k in
        steps.count != hostSteps.count || zip(steps, hostSteps).contains { e, h in k >= e.count || k >= h.count || e[k] != h[k] }
      }.map { stepNames[$0] }
    }
    let macs = Cost.total(compilation.model.graph.nodes.map { Cost.macs($0, in: compilation.model.graph) })
    let cycles = result.cycles.first ?? 0
    let clockHz = compilation.options.target.clockHz
    let profile = result.stepProfiles?.first
    let modelSource = try? String(contentsOf: source.appendingPathComponent(compilation.options.prefix + ".c"), encoding: .utf8)
    let steps = compilation.program.flatMap { program in
      profile.map { StepCycles.rows(program: program, profile: $0, modelSource: modelSource) }
    }
    return EmulationReport(
      instructions: result.instructions.first ?? 0, instructionsPerSample: result.instructions, cycles: cycles,
      cyclesPerSample: result.cycles, macs: macs, macsPerCycle: cycles > 0 ? Double(macs) / Double(cycles) : 0,
      estimatedMilliseconds: clockHz > 0 ? Double(cycles) / Double(clockHz) * 1000 : nil,
      flashBytes: result.image.flashBytes, modelFlashBytes: result.image.modelFlashBytes, ramStaticBytes: result.image.ramStaticBytes,
      modelRAMStaticBytes: result.image.modelRAMStaticBytes, peakStackBytes: result.peakStackBytes, outputsBitExact: bitExact,
      againstHost: metrics, mismatchedSteps: mismatched, steps: steps, stepsTailCycles: steps == nil ? nil : profile?.tailCycles,
      stepsHookOverheadCycles: steps == nil ? nil : profile?.hookOverheadCycles)
  }
}

extension Verifier {
  /// Throws the missing-tools line for `--emulate` before any work is done.
  public static func checkEmulationTools(target: TargetDescription) throws {
    do { _ = try EmulatedCheck.toolchain(for: target) } catch let e as EmulationError {
      throw CompileError(file: "nncompile", "error: \(e.description)")
    }
  }
}
