import Foundation
import NNCompileKit

/// Everything one `nncompile search` run needs; the CLI fills it from the command line.
public struct SearchConfiguration {
  public var modelPath: String
  public var trainPath: String
  public var validPath: String
  public var outputPath: String
  public var target: TargetDescription
  public var budgets: SearchBudgets
  /// Candidates in all, the file's own network (candidate 0) included.
  public var candidates: Int
  /// Epochs per candidate (nil: the file's `max_epoch`).
  public var epochs: Int?
  /// Seconds from the start after which no new candidate starts.
  public var timeLimit: Double?
  public var seed: UInt64
  /// Which candidates get emulated cycles on top of the predicted ones (the caller checks that
  /// QEMU and the Arm toolchain are installed; without them `CycleSource.standard` only predicts).
  public var emulation: SearchEmulation
  /// int8 calibration reads at most this many training samples.
  public var calibrationSamples: Int
  /// Use an output folder that holds files nncompile did not write (they are still never replaced).
  public var force: Bool
  /// The int8 kernels every candidate is built with (nil: the target's default). `.reference`
  /// trades cycles for flash: a few hundred bytes of code per kernel instead of the SMLAD kernels'
  /// several KB, which is what decides the smallest networks' flash.
  public var kernels: KernelSet?
  /// The mutator for one trial, from a seed derived from `seed` and the trial. Until
  /// `NetworkMutator` lands: the stand-in. To plug it in: `{ NetworkMutator(seed: $0) }` here and
  /// `NetworkMutator.summary` in `summarize`.
  public var makeMutator: (UInt64) -> any SearchMutator
  public var summarize: (ProtoTextMessage, String) throws -> String
  /// Cycles of a compiled candidate (emulated, predicted or placeholder): `CycleSource.standard`.
  public var cycles: CycleSource.Function

  public init(
    modelPath: String, trainPath: String, validPath: String, outputPath: String, target: TargetDescription,
    budgets: SearchBudgets = .init(), candidates: Int = 20, epochs: Int? = nil, timeLimit: Double? = nil, seed: UInt64 = 1,
    emulation: SearchEmulation = .front, calibrationSamples: Int = 200, force: Bool = false, kernels: KernelSet? = nil
  ) {
    (self.modelPath, self.trainPath, self.validPath, self.outputPath, self.target) = (modelPath, trainPath, validPath, outputPath, target)
    (self.budgets, self.candidates, self.epochs, self.timeLimit, self.seed) = (budgets, candidates, epochs, timeLimit, seed)
    (self.emulation, self.calibrationSamples, self.force, self.kernels) = (emulation, calibrationSamples, force, kernels)
    makeMutator = { NetworkMutator(seed: $0) }
    summarize = NetworkMutator.summary
    cycles = CycleSource.standard
  }
}

/// Which candidates `nncompile search` emulates (one validation sample on the emulated target);
/// every candidate's cycles are predicted by the cost model first in any case.
public enum SearchEmulation: String, Sendable, CaseIterable {
  /// None: cycles are the cost model's prediction (`--no-emulate`).
  case none
  /// The candidates on the Pareto front, each once it lands there (the default): a few emulator
  /// runs per search, and the front — what the user picks from — in measured cycles.
  case front
  /// Every trained candidate (`--emulate`).
  case all
}

/// `results.json`: the run's settings and one record per candidate, read back to resume.
public struct SearchResults: Codable, Sendable, Equatable {
  public var generator: String
  public var model: String
  public var target: String
  public var seed: UInt64
  public var budgets: SearchBudgets
  public var candidates: [CandidateRecord]
}
