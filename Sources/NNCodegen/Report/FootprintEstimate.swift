/// Code and stack estimates for Cortex-M4F, from the measured runtime kernels
/// (`Generated/KernelFootprints.swift`, written by `scripts/measure-kernels.sh`).
///
/// - Code: the runtime `.c` files the model uses, as measured, plus the model's own `<prefix>.c`
///   estimated as a fixed part and a part per step (measured on the LeNet samples with
///   arm-none-eabi-gcc 12.2 -O2: 548 B for 10 float steps, 896–940 B for 12–13 int8 steps, which
///   includes each step's `static const` parameter struct).
/// - Stack: the deepest frame among the kernels used plus the model's call chain (`model_run` →
///   `_multi` → `_with_arena` → `_core`: 96 B measured). Kernels do not call each other deeper than
///   that and nothing recurses; the C library's `expf`/`logf` (float softmax, tables) are not counted.
/// - Neither counts the C library or startup code of the application around the model.
public enum FootprintEstimate {
  static let modelCodeBaseBytes = 200
  static let modelCodeBytesPerStep = 60
  static let modelStackBytes = 96

  /// Code bytes of the runtime files among `fileNames` plus the model's own code for `steps` steps.
  public static func codeBytes(fileNames: [String], steps: Int) -> Int {
    fileNames.compactMap { KernelFootprints.files[$0]?.codeBytes }.reduce(0, +) + modelCodeBaseBytes
      + modelCodeBytesPerStep * steps
  }

  public static func stackBytes(fileNames: [String]) -> Int {
    (fileNames.compactMap { KernelFootprints.files[$0]?.stackBytes }.max() ?? 0) + modelStackBytes
  }
}
