import NNCompileKit

/// The cycles of a compiled int8 candidate and where they come from. The one place the lead swaps
/// in the cost model: set `SearchConfiguration.cycles` to
/// `{ c, _, _ in CycleMeasurement(cycles: predictedCycles(c.program!), source: "predicted") }`
/// (or keep emulation first and fall back to the prediction).
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
  /// (`Verifier.verify(…, emulate: true)`). Otherwise `placeholder`.
  public static let standard: Function = { compilation, sample, emulate in
    if emulate, (try? Toolchain.locate(crossCompiler: compilation.options.target.crossCompiler)) != nil {
      let report = try Verifier.verify(compilation, samples: [sample], emulate: true)
      if let cycles = report.emulation?.cycles { return CycleMeasurement(cycles: cycles, source: "emulated") }
    }
    return placeholder(compilation.report)
  }

  /// PLACEHOLDER until the cost model lands: 2 cycles per multiply-accumulate plus 500 per step
  /// (call, loop set-up, requantization), roughly the int8 kernels' rate on the emulated M4F. Said
  /// so in every row (`cycles_source = placeholder`); not to be quoted as a measurement.
  public static func placeholder(_ report: CompileReport) -> CycleMeasurement {
    CycleMeasurement(cycles: 2 * report.totals.macs + 500 * report.layers.count, source: "placeholder")
  }
}
