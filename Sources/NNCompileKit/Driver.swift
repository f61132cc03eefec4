import Foundation
import NNCodegen
import NNImport
import NNIR

/// The version printed by `--version` and in every generated file's header.
public let nncompileVersion = "0.1.0"

/// What to compile and how.
public struct CompileOptions: Sendable {
  public var target: TargetDescription
  /// `float32` (int8 arrives with calibration).
  public var quantization: String
  public var prefix: String
  public var executor: String?
  /// `greedy` (default) or `linear`.
  public var planner: String

  public init(target: TargetDescription, quantization: String? = nil, prefix: String = "model", executor: String? = nil, planner: String = "greedy") {
    self.target = target
    self.quantization = quantization ?? target.defaultQuantization
    self.prefix = prefix
    self.executor = executor
    self.planner = planner
  }
}

/// One compiled model: the graph and the C that computes it.
public struct Compilation: Sendable {
  public var modelPath: String
  public var model: ImportedModel
  public var code: GeneratedCode
  public var options: CompileOptions
}

/// import → check → plan → emit, as one call; writing `out/` is separate so `verify` can use a
/// scratch folder.
public enum Driver {
  public static func compile(modelPath: String, options: CompileOptions) throws -> Compilation {
    guard options.quantization == "float32" else {
      throw CompileError(file: modelPath, "error: --quantize \(options.quantization) is not available yet; use --quantize float32")
    }
    guard !options.prefix.isEmpty, CNamesPublic.isIdentifier(options.prefix) else {
      throw CompileError(file: modelPath, "error: --name '\(options.prefix)' is not a C identifier")
    }
    let model = try ModelLoader.load(path: modelPath, executor: options.executor)
    let planner: any MemoryPlanner = options.planner == "linear" ? LinearPlanner() : GreedyPlanner()
    let code: GeneratedCode
    do {
      code = try ModelEmitter.emit(
        model.graph,
        options: EmitOptions(prefix: options.prefix, sourceName: URL(fileURLWithPath: modelPath).lastPathComponent, toolVersion: nncompileVersion),
        planner: planner)
    } catch {
      throw CompileError(file: modelPath, wrapping: error)
    }
    try checkBudget(code, target: options.target, modelPath: modelPath)
    return Compilation(modelPath: modelPath, model: model, code: code, options: options)
  }

  /// A model that cannot fit the target stops the compile with the numbers.
  static func checkBudget(_ code: GeneratedCode, target: TargetDescription, modelPath: String) throws {
    var problems: [String] = []
    if target.ramBytes > 0 && code.plan.arenaBytes > target.ramBytes {
      problems.append("error: the arena needs \(code.plan.arenaBytes) bytes of RAM; target '\(target.name)' has \(target.ramBytes)")
    }
    if target.flashBytes > 0 && code.weightBytes > target.flashBytes {
      problems.append("error: the weights need \(code.weightBytes) bytes of flash; target '\(target.name)' has \(target.flashBytes)")
    }
    if !problems.isEmpty { throw CompileError(file: modelPath, problems) }
  }

  /// Writes the files into `directory` all at once: they go to a fresh sibling folder that is then
  /// renamed into place, so an error never leaves a half-written `out/`.
  public static func write(_ files: [(name: String, contents: String)], to directory: String) throws {
    let fm = FileManager.default
    let target = URL(fileURLWithPath: directory).standardizedFileURL
    let parent = target.deletingLastPathComponent()
    let staging = parent.appendingPathComponent(".\(target.lastPathComponent).nncompile-\(UUID().uuidString.prefix(8))")
    do {
      try fm.createDirectory(at: parent, withIntermediateDirectories: true)
      try fm.createDirectory(at: staging, withIntermediateDirectories: false)
      for file in files {
        try Data(file.contents.utf8).write(to: staging.appendingPathComponent(file.name))
      }
      if fm.fileExists(atPath: target.path) {
        let old = parent.appendingPathComponent(".\(target.lastPathComponent).old-\(UUID().uuidString.prefix(8))")
        try fm.moveItem(at: target, to: old)
        try fm.moveItem(at: staging, to: target)
        try? fm.removeItem(at: old)
      } else {
        try fm.moveItem(at: staging, to: target)
      }
    } catch {
      try? fm.removeItem(at: staging)
      throw CompileError(file: directory, "error: cannot write the output folder: \(error.localizedDescription)")
    }
  }
}
