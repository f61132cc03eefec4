/// What one emulated run of a model measured: outputs (for the bit-exact check against the host)
/// and the figures a CI job can gate on.
public struct EmulationResult: Sendable, Codable {
  /// Per sample, per model output: the float values the guest wrote.
  public var outputs: [[[Float]]]
  /// Per sample, every step's output bytes (int8 builds with the trace hook), else nil.
  public var stepBytes: [[[UInt8]]]?
  /// Executed instructions inside the model call, per sample (exact).
  public var instructions: [Int]
  /// Cortex-M4 cycle estimate inside the model call, per sample (see `CycleModel`).
  public var cycles: [Int]
  public var image: ImageSize
  /// Deepest stack use measured by painting, below the caller of the model, over all samples.
  public var peakStackBytes: Int
  /// Per sample, the call's instructions and cycles step by step (int8 builds with the trace
  /// hook), else nil.
  public var stepProfiles: [StepProfile]?

  public init(
    outputs: [[[Float]]], stepBytes: [[[UInt8]]]?, instructions: [Int], cycles: [Int], image: ImageSize, peakStackBytes: Int,
    stepProfiles: [StepProfile]? = nil
  ) {
    self.outputs = outputs
    self.stepBytes = stepBytes
    self.instructions = instructions
    self.cycles = cycles
    self.image = image
    self.peakStackBytes = peakStackBytes
    self.stepProfiles = stepProfiles
  }
}

/// Flash and static RAM of the linked image, whole and the model's own share.
public struct ImageSize: Sendable, Codable, Equatable {
  /// Code, constants, vectors and the .data load image of the whole program (libc and start-up too).
  public var flashBytes: Int
  /// .data + .bss of the whole program (stack and heap not included).
  public var ramStaticBytes: Int
  /// What the model's own objects (model, kernels, weights) put in flash after section GC.
  public var modelFlashBytes: Int
  /// The model's .data + .bss (its arena).
  public var modelRAMStaticBytes: Int
}
