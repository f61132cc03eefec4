/// Where one model call's cycles go, step by step, measured on the traced build (`-DNNC_TRACE`),
/// whose `nnc_trace` hook ends the counted region after every step and starts the next one.
///
/// Step k's region runs from the return of hook k-1 (or the start of the call) to hook k: the
/// step's kernel calls, plus the argument set-up and the parts of one hook call the markers do
/// not cut off. That hook share (`hookOverhead`) is measured once per run, by a hook call between
/// the markers with nothing else in them, and taken off every step (a step never goes below 0).
/// Step 0 also holds the entry of the model function; `tail` is what follows the last hook (the
/// copy of the outputs and the return). The traced build is compiled apart from the plain one,
/// so its register allocation around the calls can differ: the steps and the tail add up to the
/// plain call's cycles within a few cycles per step, not exactly.
public struct StepProfile: Sendable, Codable, Equatable {
  /// Per step, in program order: instructions and Cortex-M4 cycles, the hook overhead taken off.
  public var instructions: [Int]
  public var cycles: [Int]
  /// After the last step's hook: the outputs' copy and the return.
  public var tailInstructions: Int
  public var tailCycles: Int
  /// What one hook call costs inside the counted regions (already taken off each step).
  public var hookOverheadInstructions: Int
  public var hookOverheadCycles: Int

  public init(
    instructions: [Int], cycles: [Int], tailInstructions: Int, tailCycles: Int, hookOverheadInstructions: Int,
    hookOverheadCycles: Int
  ) {
    self.instructions = instructions
    self.cycles = cycles
    self.tailInstructions = tailInstructions
    self.tailCycles = tailCycles
    self.hookOverheadInstructions = hookOverheadInstructions
    self.hookOverheadCycles = hookOverheadCycles
  }

  /// The steps and the tail: the model call without the hooks.
  public var totalCycles: Int { cycles.reduce(0, +) + tailCycles }
  public var totalInstructions: Int { instructions.reduce(0, +) + tailInstructions }

  /// Splits the traced run's regions: two for the harness's calibration hook call, then per
  /// sample one per step and the tail. Nil when the count does not fit that layout.
  public static func split(regions: [(instructions: Int, cycles: Int)], samples: Int) -> [StepProfile]? {
    guard samples > 0, regions.count >= 2 + samples * 1, (regions.count - 2) % samples == 0 else { return nil }
    let hookInstructions = regions[0].instructions + regions[1].instructions
    let hookCycles = regions[0].cycles + regions[1].cycles
    let perSample = (regions.count - 2) / samples
    return (0..<samples).map { s in
      let mine = regions[(2 + s * perSample)..<(2 + (s + 1) * perSample)]
      let steps = mine.dropLast()
      return StepProfile(
        instructions: steps.map { max(0, $0.instructions - hookInstructions) }, cycles: steps.map { max(0, $0.cycles - hookCycles) },
        tailInstructions: mine.last!.instructions, tailCycles: mine.last!.cycles, hookOverheadInstructions: hookInstructions,
        hookOverheadCycles: hookCycles)
    }
  }
}
