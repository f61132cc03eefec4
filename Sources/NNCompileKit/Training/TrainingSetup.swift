import Foundation
import NNFormats
import NNIR
import NNImport
import NNTrain

/// What `nncompile train` trains and how, read from the model file and the command line.
///
/// The file's own sections decide unless the command line overrides them, as nnabla's
/// `nnabla_cli train` reads them:
/// - `optimizer { network_name, solver { type, weight_decay, lr_decay, lr_decay_interval,
///   sgd_param | momentum_param | adam_param }, data_variable { variable_name, data_name } }`
///   — the solver, and which dataset column feeds which network variable;
/// - `training_config { max_epoch }` — the epochs;
/// - the optimizer's `dataset { batch_size, no_image_normalization }`, else the network's
///   `batch_size` — the mini-batch.
/// Without these sections: Adam with nnabla's defaults, 10 epochs, batch 64, columns named as
/// the variables.
public struct TrainingSetup {
  /// Command-line choices that win over the file's.
  public struct Overrides {
    public var network: String?
    public var epochs: Int?
    public var batchSize: Int?
    public var learningRate: Double?
    /// `sgd`, `momentum` or `adam`.
    public var solver: String?
    public init(network: String? = nil, epochs: Int? = nil, batchSize: Int? = nil, learningRate: Double? = nil, solver: String? = nil) {
      self.network = network
      self.epochs = epochs
      self.batchSize = batchSize
      self.learningRate = learningRate
      self.solver = solver
    }
  }

  public static let solverNames = ["sgd", "momentum", "adam"]

  public let modelPath: String
  /// The whole definition (`network.nntxt`), kept for the written `.nnp`.
  public let definition: ProtoTextMessage
  /// The `.nnp` read, nil for an `.nntxt`.
  public let originalNNP: [UInt8]?
  public let graph: TrainingGraph
  public let networkName: String
  public let optimizer: OptimizerSettings
  public let epochs: Int
  public let batchSize: Int
  /// Network variable → dataset column (the optimizer's `data_variable`s).
  public let columns: [String: String]
  /// The training dataset's `no_image_normalization`, negated (true when the file says nothing).
  public let normalizeImages: Bool

  /// The dataset column that feeds network variable `name`.
  public func column(for name: String) -> String { columns[name] ?? name }

  /// Reads `path` (`.nnp` or `.nntxt`); every problem is a `CompileError` naming the file.
  public static func load(path: String, overrides: Overrides = .init()) throws -> TrainingSetup {
    let bytes = try ModelLoader.readFile(path)
    do {
      let isArchive = bytes.starts(with: [0x50, 0x4B])  // "PK": a zip, whatever the extension
      let text: String
      if isArchive {
        let zip = try ZipArchive(bytes: bytes, limits: ModelLimits.archive)
        guard let entry = zip.entries.first(where: { $0.name.hasSuffix(".nntxt") || $0.name.hasSuffix(".prototxt") }),
          let t = String(validating: try zip.extract(entry), as: UTF8.self)
        else { throw CompileError(file: path, "error: no network description (*.nntxt or *.prototxt) in the archive") }
        text = t
      } else {
        guard let t = String(validating: bytes, as: UTF8.self) else { throw CompileError(file: path, "error: not an .nnp archive nor .nntxt text") }
        text = t
      }
      let definition = try ProtoTextMessage.parse(text)
      let graph = isArchive
        ? try NNablaImporter.importTrainingNNP(bytes: bytes, network: overrides.network)
        : try NNablaImporter.importTrainingText(text, network: overrides.network)
      return try TrainingSetup(
        path: path, definition: definition, nnp: isArchive ? bytes : nil, graph: graph, overrides: overrides)
    } catch let e as CompileError {
      throw e
    } catch {
      throw CompileError(file: path, wrapping: error)
    }
  }

  private init(path: String, definition: ProtoTextMessage, nnp: [UInt8]?, graph: TrainingGraph, overrides: Overrides) throws {
    modelPath = path
    self.definition = definition
    originalNNP = nnp
    self.graph = graph
    let networks = definition.messages("network")
    let name = try overrides.network ?? (networks.contains { try $0.string("name") == "Main" } ? "Main" : networks.first?.string("name")) ?? "Main"
    networkName = name
    let section = try definition.messages("optimizer").first { try $0.string("network_name") == name }

    var columns: [String: String] = [:]
    for d in section?.messages("data_variable") ?? [] {
      if let v = try d.string("variable_name"), let c = try d.string("data_name") { columns[v] = c }
    }
    self.columns = columns

    if let interval = try section?.int("update_interval"), interval > 1 {
      throw CompileError(file: path, "error: optimizer update_interval \(interval) is not supported (only 1)")
    }
    var settings = try Self.solver(section?.message("solver"), file: path)
    if let s = overrides.solver, s != Self.solverName(settings.solver) {
      switch s {
      case "sgd": settings.solver = .sgd()
      case "momentum": settings.solver = .momentum()
      default: settings.solver = .adam()
      }
    }
    if let lr = overrides.learningRate.map(Float.init) {
      switch settings.solver {
      case .sgd: settings.solver = .sgd(learningRate: lr)
      case .momentum(_, let m): settings.solver = .momentum(learningRate: lr, momentum: m)
      case .adam(_, let b1, let b2, let eps): settings.solver = .adam(alpha: lr, beta1: b1, beta2: b2, eps: eps)
      }
    }
    optimizer = settings

    epochs = try overrides.epochs ?? definition.message("training_config")?.int("max_epoch") ?? 10
    let datasetName = try section?.string("dataset_name")
    let dataset = try definition.messages("dataset").first { try $0.string("name") == datasetName }
    let network = try networks.first { try $0.string("name") == name }
    batchSize = try overrides.batchSize ?? dataset?.int("batch_size") ?? network?.int("batch_size") ?? 64
    normalizeImages = !(try dataset?.bool("no_image_normalization") ?? false)
    guard epochs > 0, batchSize > 0 else {
      throw CompileError(file: path, "error: epochs (\(epochs)) and batch size (\(batchSize)) must be positive")
    }
  }

  static func solverName(_ s: OptimizerSettings.Solver) -> String {
    switch s {
    case .sgd: "sgd"
    case .momentum: "momentum"
    case .adam: "adam"
    }
  }

  /// nnabla's `Solver` message as our settings (nnabla's defaults where a field is absent).
  static func solver(_ m: ProtoTextMessage?, file: String) throws -> OptimizerSettings {
    guard let m else { return OptimizerSettings() }
    var settings = OptimizerSettings()
    let type = try m.string("type") ?? "Adam"
    switch type {
    case "Sgd":
      settings.solver = .sgd(learningRate: Float(try m.message("sgd_param")?.double("lr") ?? 0.001))
    case "Momentum":
      let p = m.message("momentum_param")
      settings.solver = .momentum(learningRate: Float(try p?.double("lr") ?? 0.001), momentum: Float(try p?.double("momentum") ?? 0.9))
    case "Adam":
      let p = m.message("adam_param")
      settings.solver = .adam(
        alpha: Float(try p?.double("alpha") ?? 0.001), beta1: Float(try p?.double("beta1") ?? 0.9),
        beta2: Float(try p?.double("beta2") ?? 0.999), eps: Float(try p?.double("eps") ?? 1e-8))
    default:
      throw CompileError(file: file, "error: solver '\(type)' is not supported (Sgd, Momentum, Adam)")
    }
    if let scheduler = try m.string("lr_scheduler_type"), !scheduler.isEmpty {
      throw CompileError(file: file, "error: learning-rate scheduler '\(scheduler)' is not supported (lr_decay/lr_decay_interval only)")
    }
    settings.weightDecay = Float(try m.double("weight_decay") ?? 0)
    // nnabla: ExponentialScheduler(lr, lr_decay, lr_decay_interval), rate × decay every interval updates.
    let decay = try m.double("lr_decay") ?? 1
    let interval = try m.int("lr_decay_interval") ?? 1
    if decay > 0, decay != 1 { settings.stepSchedule = (max(interval, 1), Float(decay)) }
    return settings
  }
}
