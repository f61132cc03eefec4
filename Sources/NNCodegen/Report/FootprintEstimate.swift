/// Code and stack estimates for Cortex-M4F, from the measured runtime kernels
/// (`Generated/KernelFootprints.swift`, written by `scripts/measure-kernels.sh`).
///
/// - Code: the runtime `.c` files the model uses, as measured, plus the model's own `<prefix>.c`
///   estimated as a fixed part and a part per step (measured on the LeNet samples with
///   arm-none-eabi-gcc 12.2 -O2: 548 B for 10 float steps, 896–940 B for 12–13 int8 steps, which
///   includes each step's `static const` parameter struct).
/// - Stack: the deepest call into the kernels used (each file's worst call chain, its static
///   helpers included, and 16 B for a C library callee: newlib's memset, libm's expf/tanhf/sqrtf)
///   plus the model's own call chain (`model_run` → `_multi` → `_with_arena` → `_core`: 16 B
///   each, and `_core` holds at most the callee-saved registers and the stack arguments of the
///   widest kernel call: 96 B measured on the MLPerf Tiny models, 112 B allowed). Kernels do not
///   call each other and nothing recurses (measure-kernels.sh fails on recursion). On the emulated
///   Cortex-M4F the painted peak stays below it (`StackEstimateTests`).
/// - Neither counts the C library or startup code of the application around the model.
public enum FootprintEstimate {
  static let modelCodeBaseBytes = 200
  static let modelCodeBytesPerStep = 60
  static let modelStackBytes = 112

  /// Code bytes of the runtime files among `fileNames` plus the model's own code for `steps` steps.
  public static func codeBytes(fileNames: [String], steps: Int) -> Int {
    fileNames.compactMap { KernelFootprints.files[$0]?.codeBytes }.reduce(0, +) + modelCodeBaseBytes
      + modelCodeBytesPerStep * steps
  }

  /// The deepest call into the runtime files among `files` plus the model's own chain. Each
  /// runtime file counts through the kernel functions the model's sources name (the fast affine
  /// shares a file with the far deeper fast convolution); a file none of whose functions is named
  /// counts its worst chain.
  public static func stackBytes(files: [(name: String, contents: String)]) -> Int {
    let runtime = files.map { fileName($0.name) }.filter { KernelFootprints.files[$0] != nil }
    let modelSources = files.filter { f in
      KernelFootprints.files[fileName(f.name)] == nil && (f.name.hasSuffix(".c") || f.name.hasSuffix(".cpp"))
    }
    let called = Set(modelSources.flatMap { kernelNames(in: $0.contents) })
    let deepest = runtime.map { file in
      let calls = called.compactMap { name in KernelFootprints.functions[name].flatMap { $0.file == file ? $0.stackBytes : nil } }
      return calls.max() ?? KernelFootprints.files[file]!.stackBytes
    }.max() ?? 0
    return deepest + modelStackBytes
  }

  /// The `nnc_…` identifiers that name a measured kernel function.
  static func kernelNames(in source: String) -> [String] {
    var names: [String] = []
    var token = ""
    for c in source.unicodeScalars {
      if c == "_" || ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) {
        token.unicodeScalars.append(c)
        continue
      }
      if token.hasPrefix("nnc_"), KernelFootprints.functions[token] != nil { names.append(token) }
      token = ""
    }
    if token.hasPrefix("nnc_"), KernelFootprints.functions[token] != nil { names.append(token) }
    return names
  }

  private static func fileName(_ path: String) -> String { String(path.split(separator: "/").last ?? Substring(path)) }
}
