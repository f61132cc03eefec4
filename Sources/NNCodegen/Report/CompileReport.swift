/// What one compile produced, layer by layer, and how it fits the target: the value behind
/// `report.txt`, `report.json` and `report.html`, and behind the fit check.
///
/// Model-independent: built from the float graph or the int8 program (`CompileReport+Build`), so
/// each row is one step of the generated code — the int8 program's quantize/dequantize steps
/// included. Byte counts are exact except the two `~` estimates (code and stack), which come from
/// the measured Cortex-M4F footprints of the runtime kernels (`KernelFootprints`).
public struct CompileReport: Codable, Sendable, Equatable {
  public var model: String
  public var network: String
  public var target: TargetSummary
  /// `float32` or `int8`.
  public var quantization: String
  public var planner: String
  public var layers: [Layer]
  /// The arena's buffers (the memory timeline): each holds one or more tensors over a step range.
  public var buffers: [ArenaBuffer]
  public var totals: Totals
  public var notes: [String]
  /// int8 on a Cortex-M4 target (optimized or reference kernels): the model call's cycles predicted from the program by the cost
  /// model (`CyclePrediction`, fitted on the emulator), without building or running anything.
  public var predictedCycles: Int? = nil

  public struct TargetSummary: Codable, Sendable, Equatable {
    public var name: String
    /// Budgets in bytes; 0 means no limit.
    public var ramBytes: Int
    public var flashBytes: Int
    /// Code and constants are loaded into RAM and count against `ramBytes` too.
    public var programRunsFromRAM: Bool
  }

  /// One step of the generated code.
  public struct Layer: Codable, Sendable, Equatable {
    public var step: Int
    public var name: String
    /// The op or kernel (`Convolution`, `conv_s8`, `quantize`, …).
    public var op: String
    public var outputShape: [Int]
    /// `float32` or `int8`.
    public var outputType: String
    public var macs: Int
    /// `const` bytes this step reads: weights, biases, requantization multipliers/shifts/tables.
    public var weightBytes: Int
    public var biasBytes: Int
    public var requantizationBytes: Int
    /// Where the output lives in the arena; nil when it is the caller's input memory.
    public var output: ArenaSlot?
    /// The output takes its input's bytes (in place or an aliasing reshape).
    public var reusesInput: Bool
  }

  public struct ArenaSlot: Codable, Sendable, Equatable {
    public var offset: Int
    public var bytes: Int
  }

  public struct ArenaBuffer: Codable, Sendable, Equatable {
    public var offset: Int
    public var bytes: Int
    /// First and last step at which it holds live data (`lastStep == layers.count`: a model
    /// output, live until it is copied out).
    public var firstStep: Int
    public var lastStep: Int
    public var tensors: [String]
  }

  public struct Totals: Codable, Sendable, Equatable {
    public var macs: Int
    public var weightBytes: Int
    public var biasBytes: Int
    public var requantizationBytes: Int
    /// Runtime kernels (measured per file) plus the model's own code (estimated per step).
    public var codeBytesEstimate: Int
    public var arenaBytes: Int
    /// The largest sum of simultaneously live buffers: no placement can use less arena.
    public var arenaLowerBound: Int
    /// The deepest call chain into the kernels plus the model functions' own frames.
    public var stackBytesEstimate: Int

    /// Everything `const`: weights, biases, requantization data.
    public var constantBytes: Int
    /// Constants plus code.
    public var flashBytes: Int
    /// Arena plus stack, plus the program image (code and constants) where it runs from RAM.
    public var ramBytes: Int
    /// Shares of the target's budgets, in percent; nil when the target sets no limit.
    public var ramUsePercent: Double?
    public var flashUsePercent: Double?

    public init(
      macs: Int, weightBytes: Int, biasBytes: Int, requantizationBytes: Int, codeBytesEstimate: Int, arenaBytes: Int,
      arenaLowerBound: Int, stackBytesEstimate: Int, target: TargetSummary
    ) {
      self.macs = macs
      self.weightBytes = weightBytes
      self.biasBytes = biasBytes
      self.requantizationBytes = requantizationBytes
      self.codeBytesEstimate = codeBytesEstimate
      self.arenaBytes = arenaBytes
      self.arenaLowerBound = arenaLowerBound
      self.stackBytesEstimate = stackBytesEstimate
      constantBytes = weightBytes + biasBytes + requantizationBytes
      flashBytes = constantBytes + codeBytesEstimate
      ramBytes = arenaBytes + stackBytesEstimate + (target.programRunsFromRAM ? flashBytes : 0)
      ramUsePercent = CompileReport.percent(ramBytes, of: target.ramBytes)
      flashUsePercent = CompileReport.percent(flashBytes, of: target.flashBytes)
    }
  }

  static func percent(_ used: Int, of budget: Int) -> Double? {
    budget > 0 ? 100 * Double(used) / Double(budget) : nil
  }
}
