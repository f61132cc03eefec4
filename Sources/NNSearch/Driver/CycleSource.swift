import NNCompileKit

/// The cycles of a compiled int8 candidate and where they come from: emulated (`--emulate`, with
/// QEMU and the Arm toolchain installed), else predicted by the Cortex-M4F cost model
/// (`CyclePrediction`, within 15 % of the emulator on LeNet-like networks: bench/cycle-model/).
public struct CycleMeasurement: Sendable, Equatable {
  public var cycles: Int
  /// `emulated`, `predicted` or `placeholder`.
  public var source: String
  public init(cycles: Int, source: String) { (self.cycles, self.source) = (cycles, source) }
}

public enum CycleSource {
  /// `(compilation, one validation sample, emulate)` → cycles.
  public typealias Function = @Sendable (Compilation, [FloatTensor], Bool) throws -> CycleMeasurement

  /// With `emulate` and QEMU plus the Arm toolchain installed: the emulated cycles of one sample
  /// (`Verifier.verify(…, emulate: true)`). Otherwise the cost model's prediction, or (a target the
  /// model does not cover) `placeholder`.
  public static let standard: Function = { compilation, sample, emulate in
    if emulate, (try? Toolchain.locate(crossCompiler: compilation.options.target.crossCompiler)) != nil {
      let report = try Verifier.verify(compilation, samples: [sample], emulate: true)
      if let cycles = report.emulation?.cycles { return CycleMeasurement(cycles: cycles, source: "emulated") }
    }
    if let predicted = compilation.report.predictedCycles { return CycleMeasurement(cycles: predicted, source: "predicted") }
    return placeholder(compilation.report)
  }

  /// For targets the cost model does not cover: 2 cycles per multiply-accumulate plus 500 per step
  /// (call, loop set-up, requantization), roughly the int8 kernels' rate on the emulated M4F. Said
  /// so in every row (`cycles_source = placeholder`); not to be quoted as a measurement.
  public static func placeholder(_ report: CompileReport) -> CycleMeasurement {
    CycleMeasurement(cycles: 2 * report.totals.macs + 500 * report.layers.count, source: "placeholder")
  }
}
