/// Code and stack estimates for Cortex-M4F, from the measured runtime kernels
/// (`Generated/KernelFootprints.swift`, written by `scripts/measure-kernels.sh`).
///
/// - Code: what the linker keeps of the runtime when it collects unused sections
///   (`-ffunction-sections -fdata-sections -Wl,--gc-sections`, as Arduino, STM32Cube, the TFLM
///   makefiles and our emulation build link): the sections the called kernel functions reach —
///   their own code, their static helpers, their tables — each counted once however many
///   functions share it, plus the model's own `<prefix>.c` estimated as a fixed part and a part
///   per step (its entry points and each step's call with its `static const` parameter struct:
///   120–1,000 B kept of 1–11 steps on twelve int8 and float models, arm-none-eabi-gcc 12.2 -O2,
///   `model_run` called; 64 + 60 per step is within 340 B of each). Against the linker's map of
///   the emulation build: `FlashEstimateTests`.
/// - Stack: the deepest call into the kernels used (each file's worst call chain, its static
///   helpers included, and 16 B for a C library callee: newlib's memset, libm's expf/tanhf/sqrtf)
///   plus the model's own call chain (`model_run` → `_multi` → `_with_arena` → `_core`: 16 B
///   each, and `_core` holds at most the callee-saved registers and the stack arguments of the
///   widest kernel call: 96 B measured on the MLPerf Tiny models, 112 B allowed). The one call from
///   a kernel into another file (the fast add and multiply fall back on the reference ones) adds
///   the callee's depth; nothing recurses (measure-kernels.sh fails on recursion). On the emulated
///   Cortex-M4F the painted peak stays below it (`StackEstimateTests`).
/// - Neither counts the C library or startup code of the application around the model.
public enum FootprintEstimate {
  static let modelCodeBaseBytes = 64
  static let modelCodeBytesPerStep = 60
  static let modelStackBytes = 112
  /// What measure-kernels.sh allows for a call out of a file.
  static let libraryCallBytes = 16

  /// Code bytes of the kernel functions `called` (the sections they reach, shared ones once) plus
  /// the model's own code for `steps` steps.
  public static func codeBytes(called: Set<String>, steps: Int) -> Int {
    kernelCodeBytes(called: called) + modelCodeBaseBytes + modelCodeBytesPerStep * steps
  }

  /// The bytes the linker keeps of the runtime for the kernel functions `called` and those they
  /// call in other runtime files.
  static func kernelCodeBytes(called: Set<String>) -> Int {
    var reached: [String: Set<Int>] = [:]
    var pending = Array(called), seen = called
    while let name = pending.popLast() {
      guard let f = KernelFootprints.functions[name] else { continue }
      reached[f.file, default: []].formUnion(f.sections)
      for callee in f.calls where seen.insert(callee).inserted { pending.append(callee) }
    }
    return reached.map { file, sections in
      let bytes = KernelFootprints.files[file]!.sectionBytes
      return sections.map { bytes[$0] }.reduce(0, +)
    }.reduce(0, +)
  }

  /// The measured kernel functions the model's own sources among `files` name (the runtime's
  /// files are told apart by name).
  public static func calledKernels(files: [(name: String, contents: String)]) -> Set<String> {
    let modelSources = files.filter { f in
      KernelFootprints.files[fileName(f.name)] == nil && (f.name.hasSuffix(".c") || f.name.hasSuffix(".cpp"))
    }
    return Set(modelSources.flatMap { kernelNames(in: $0.contents) })
  }

  /// The deepest call into the runtime files among `files` plus the model's own chain. Each
  /// runtime file counts through the kernel functions the model's sources name (the fast affine
  /// shares a file with the far deeper fast convolution); a file none of whose functions is named
  /// counts its worst chain.
  public static func stackBytes(files: [(name: String, contents: String)]) -> Int {
    let runtime = files.map { fileName($0.name) }.filter { KernelFootprints.files[$0] != nil }
    let called = calledKernels(files: files)
    let deepest = runtime.map { file in
      let calls = called.compactMap { name in KernelFootprints.functions[name]?.file == file ? callStackBytes(name) : nil }
      return calls.max() ?? KernelFootprints.files[file]!.stackBytes
    }.max() ?? 0
    return deepest + modelStackBytes
  }

  /// The deepest stack of a call to the kernel function `name`: as measured, where a call into
  /// another runtime file (the fast add's fallback on the reference one) counted only the C
  /// library's allowance, plus that callee's own depth beyond it (an upper bound).
  static func callStackBytes(_ name: String) -> Int {
    let f = KernelFootprints.functions[name]!
    let callee = f.calls.map { callStackBytes($0) }.max() ?? libraryCallBytes
    return f.stackBytes + max(0, callee - libraryCallBytes)
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
