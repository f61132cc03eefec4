import Foundation
import NNCodegen
import NNImport
import NNIR
import NNPasses
import NNQuantize

/// The version printed by `--version` and in every generated file's header.
public let nncompileVersion = "0.1.0"

/// What to compile and how.
public struct CompileOptions: Sendable {
  public var target: TargetDescription
  /// `float32` or `int8`.
  public var quantization: String
  public var prefix: String
  public var executor: String?
  /// `best` (default: the best of the greedy orders, then a bounded local search), `greedy` (greedy by size) or `linear`.
  public var planner: String
  /// int8: the calibration data (dataset CSV, image folder or file, `.npy`, raw float32 `.bin`).
  public var calibrationData: String?
  public var calibrationMethod: RangeMethod
  /// int8: calibrate on at most this many samples, the first ones; later ones are never read.
  public var calibrationSamples: Int
  /// Images are fed as pixel / 255 unless this is false or the executor says otherwise.
  public var normalizeImages: Bool
  /// int8: which kernels the C calls; the target's choice unless set (`KernelSet.default(for:)`).
  public var kernels: KernelSet

  public init(
    target: TargetDescription, quantization: String? = nil, prefix: String = "model", executor: String? = nil,
    planner: String = "best", calibrationData: String? = nil, calibrationMethod: RangeMethod = .minMax,
    calibrationSamples: Int = CompileOptions.defaultCalibrationSamples, normalizeImages: Bool = true, kernels: KernelSet? = nil
  ) {
    self.kernels = kernels ?? KernelSet.default(for: target)
    self.target = target
    self.quantization = quantization ?? target.defaultQuantization
    self.prefix = prefix
    self.executor = executor
    self.planner = planner
    self.calibrationData = calibrationData
    self.calibrationMethod = calibrationMethod
    self.calibrationSamples = calibrationSamples
    self.normalizeImages = normalizeImages
  }
}

extension CompileOptions {
  /// Calibration reads at most this many samples unless told otherwise: more than the few
  /// hundred TensorFlow Lite's converter guide suggests for a representative set, and a bound on
  /// time and memory whatever the data holds. Measured on LeNet (debug build): 13 ms of CPU per
  /// sample for min/max and 30 ms for entropy, so 1000 samples take 13 s and 30 s at most.
  public static let defaultCalibrationSamples = 1000
}

/// One compiled model: the graph and the C that computes it.
public struct Compilation: Sendable {
  public var modelPath: String
  public var model: ImportedModel
  public var code: GeneratedCode
  public var options: CompileOptions
  /// int8 builds: the float graph after BatchNormalization folding (the float reference) and the
  /// program the C computes.
  public var foldedGraph: ModelGraph?
  public var program: Int8Program?
  /// Per step and in total: work, `const` bytes, arena, and the target budgets.
  public var report: CompileReport
  /// What was built anyway but the user should know, as `<file>: …: warning: …` lines for stderr.
  public var warnings: [String] = []

  /// True when images should be divided by 255 for this model.
  public var normalizeImages: Bool { options.normalizesImages(for: model) }

  /// int8 builds: the model call's cycles on the Cortex-M4F predicted by the cost model
  /// (`CyclePrediction`), in total and per program step, without emulating; nil for float32.
  /// Fitted on the optimized kernels; the reference kernels' figures are rough guesses.
  public var predictedCycles: (total: Int, perStep: [Int])? {
    program.map { CyclePrediction.predictedCycles(program: $0, kernels: options.kernels) }
  }
}

extension CompileOptions {
  /// Images are divided by 255 unless the option or the model's executor says otherwise.
  public func normalizesImages(for model: ImportedModel) -> Bool { normalizeImages && !model.noImageNormalization }
}

/// import → check → plan → emit, as one call; writing `out/` is separate so `verify` can use a
/// scratch folder.
public enum Driver {
  /// `progress` shows calibration progress (a terminal progress bar, or nothing).
  public static func compile(modelPath: String, options: CompileOptions, progress: (any ProgressReporter)? = nil) throws -> Compilation {
    guard ["float32", "int8"].contains(options.quantization) else {
      throw CompileError(file: modelPath, "error: --quantize must be float32 or int8, not \(options.quantization)")
    }
    if let problem = CNames.prefixProblem(options.prefix) {
      throw CompileError(file: modelPath, "error: --name \(problem)")
    }
    var model = try ModelLoader.load(path: modelPath, executor: options.executor)
    // What nnabla's ONNX converter writes (BatchMatmul, the spelled-out softmax, grouped
    // convolutions, separate Pads) becomes the functions with kernels of their own.
    var rewriteNotes: [String] = []
    do {
      model.graph = try FunctionExpansion.expand(model.graph).graph
      (model.graph, rewriteNotes) = ConverterRewrites.apply(model.graph)
    } catch {
      throw CompileError(file: modelPath, wrapping: error)
    }
    let planner: any MemoryPlanner =
      switch options.planner {
      case "linear": LinearPlanner()
      case "greedy": GreedyPlanner()
      default: BestOfGreedyPlanner()
      }
    let emitOptions = EmitOptions(
      prefix: options.prefix, sourceName: URL(fileURLWithPath: modelPath).lastPathComponent, toolVersion: nncompileVersion,
      kernels: options.kernels)
    var foldedGraph: ModelGraph?
    var program: Int8Program?
    let code: GeneratedCode
    if options.quantization == "int8" {
      var quantized = try quantize(model, modelPath: modelPath, options: options, progress: progress)
      quantized.program.notes.insert(contentsOf: rewriteNotes, at: 0)
      (foldedGraph, program) = (quantized.folded, quantized.program)
      do { code = try Int8ModelEmitter.emit(quantized.program, options: emitOptions, planner: planner) } catch {
        throw CompileError(file: modelPath, wrapping: error)
      }
    } else {
      do { code = try ModelEmitter.emit(model.graph, options: emitOptions, planner: planner) } catch {
        throw CompileError(file: modelPath, wrapping: error)
      }
    }
    let report =
      program.map {
        CompileReport.build(program: $0, code: code, target: options.target, modelName: emitOptions.sourceName, kernels: options.kernels)
      }
      ?? CompileReport.build(graph: model.graph, code: code, target: options.target, modelName: emitOptions.sourceName, notes: rewriteNotes)
    try checkBudget(report, modelPath: modelPath)
    // int8 refuses non-finite parameters outright; a float build computes them, as nnabla does.
    let warnings = Self.warnings(model, modelPath: modelPath, nonFiniteParameters: program == nil)
    return Compilation(
      modelPath: modelPath, model: model, code: code, options: options, foldedGraph: foldedGraph, program: program, report: report,
      warnings: warnings)
  }

  /// What a model is built with but the user should know, as `<file>: …: warning: …` lines:
  /// import's warnings and, if asked, every parameter holding NaN or ±Inf.
  public static func warnings(_ model: ImportedModel, modelPath: String, nonFiniteParameters: Bool = true) -> [String] {
    let parameters = nonFiniteParameters ? model.graph.nonFiniteParameterProblems.map { "warning: \($0); what depends on it will not be finite" } : []
    return (model.warnings.map(\.description) + parameters).map { "\(modelPath): \($0)" }
  }

  /// BatchNormalization folding, calibration on the user's data, and the int8 rewrite.
  static func quantize(
    _ model: ImportedModel, modelPath: String, options: CompileOptions, progress: (any ProgressReporter)?
  ) throws -> (folded: ModelGraph, program: Int8Program) {
    let (folded, foldedNames) = BatchNormFolding.fold(model.graph)
    let ranges: [Int: CalibratedRange]
    if let data = options.calibrationData {
      let samples = try InputLoader(graph: folded, normalizeImages: options.normalizesImages(for: model))
        .load(path: data, maxSamples: options.calibrationSamples)
      do {
        ranges = try Calibration.calibrate(folded, samples: samples, method: options.calibrationMethod, progress: progress)
      } catch {
        throw CompileError(file: data, "error: calibration: \(error)")
      }
    } else if folded.hasFileQuantizedActivations {
      ranges = [:]  // the file's own scales and zero points (an int8 .tflite, a QDQ ONNX model)
    } else {
      throw CompileError(
        file: modelPath,
        "error: int8 needs calibration data to choose activation ranges: pass --calibrate <data> (an NNC dataset CSV, a folder of images, .npy or raw float32 .bin), or --quantize float32")
    }
    do {
      var program = try Int8Quantizer.quantize(folded, ranges: ranges)
      let (padFolded, padNames) = Int8PadFolding.fold(program, for: options.kernels == .reference ? .reference : .optimized)
      program = padFolded
      if !padNames.isEmpty {
        program.notes.insert("folded \(padNames.count) Pad into the convolution after: \(padNames.joined(separator: ", "))", at: 0)
      }
      if !foldedNames.isEmpty {
        program.notes.insert("folded \(foldedNames.count) BatchNormalization into the layer before: \(foldedNames.joined(separator: ", "))", at: 0)
      }
      return (folded, program)
    } catch {
      throw CompileError(file: modelPath, wrapping: error)
    }
  }

  /// A model that cannot fit the target stops the compile with the numbers, one line per budget.
  static func checkBudget(_ report: CompileReport, modelPath: String) throws {
    let (t, target) = (report.totals, report.target)
    var problems: [String] = []
    if target.ramBytes > 0 && t.ramBytes > target.ramBytes {
      let image = target.programRunsFromRAM ? " + program image ~\(grouped(t.flashBytes)), which runs from RAM" : ""
      problems.append(
        "error: needs \(grouped(t.ramBytes)) bytes of RAM (arena \(grouped(t.arenaBytes)) + stack ~\(grouped(t.stackBytesEstimate))\(image)) but target \(target.name) has \(grouped(target.ramBytes))")
    }
    if target.flashBytes > 0 && t.flashBytes > target.flashBytes {
      problems.append(
        "error: needs \(grouped(t.flashBytes)) bytes of flash (weights \(grouped(t.weightBytes)) + bias \(grouped(t.biasBytes)) + requantization \(grouped(t.requantizationBytes)) + code ~\(grouped(t.codeBytesEstimate))) but target \(target.name) has \(grouped(target.flashBytes))")
    }
    if !problems.isEmpty { throw CompileError(file: modelPath, problems) }
  }

  /// Writes the files into a new `directory`, or one nncompile wrote, all at once (`OutputFolder`'s
  /// rules, with no inputs to protect): for scratch folders and tests.
  public static func write(_ files: [(name: String, contents: String)], to directory: String) throws {
    try OutputFolder(directory).write(files)
  }
}
