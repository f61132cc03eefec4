import NNFormats

/// The training sections of an `.nntxt`, built as `nnabla.utils.save` and Neural Network
/// Console write them, for a definition that has none (a network rebuilt from the IR, or a
/// hand-written `.nntxt`). A definition that already has them keeps its own: see
/// `NNPWriter.replacingParameters`.
///
/// ```swift
/// var definition = ...  // network + executor
/// definition.add("global_config", NNablaTrainingSections.globalConfig())
/// definition.add("training_config", NNablaTrainingSections.trainingConfig(maxEpoch: 10, iterPerEpoch: 18))
/// definition.add("dataset", NNablaTrainingSections.dataset(name: "Training", uri: "train.csv", batchSize: 64, shuffle: true))
/// definition.add("optimizer", NNablaTrainingSections.optimizer(network: "Main", dataset: "Training",
///     solver: .adam(alpha: 0.001), data: ["x": "x", "y": "y"], loss: "loss", parameters: names))
/// ```
public enum NNablaTrainingSections {
  /// A solver with nnabla's argument names (`solver { type: "Adam" adam_param { … } }`).
  public enum Solver: Sendable, Equatable {
    case sgd(lr: Double)
    case momentum(lr: Double, momentum: Double = 0.9)
    case adam(alpha: Double = 0.001, beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8)
  }

  /// The CPU context NNC writes (`backend: "cpu"`, `array_class: "CpuArray"`).
  public static func globalConfig() -> ProtoTextMessage {
    var g = ProtoTextMessage()
    g.add("default_context") { c in
      c.add("backend", "cpu")
      c.add("array_class", "CpuArray")
    }
    return g
  }

  public static func trainingConfig(maxEpoch: Int, iterPerEpoch: Int, saveBest: Bool = true) -> ProtoTextMessage {
    var t = ProtoTextMessage()
    t.add("max_epoch", maxEpoch)
    t.add("iter_per_epoch", iterPerEpoch)
    t.add("save_best", saveBest)
    return t
  }

  public static func dataset(
    name: String, uri: String, batchSize: Int, shuffle: Bool, noImageNormalization: Bool = false
  ) -> ProtoTextMessage {
    var d = ProtoTextMessage()
    d.add("name", name)
    d.add("uri", uri)
    d.add("shuffle", shuffle)
    d.add("no_image_normalization", noImageNormalization)
    d.add("batch_size", batchSize)
    return d
  }

  /// `data` maps network variables to dataset columns (`variable_name` → `data_name`).
  public static func optimizer(
    name: String = "Optimizer", network: String, dataset: String, solver: Solver, weightDecay: Double = 0,
    lrDecay: Double = 1, lrDecayInterval: Int = 1, updateInterval: Int = 1, data: [(String, String)], loss: String,
    parameters: [String]
  ) -> ProtoTextMessage {
    var o = ProtoTextMessage()
    o.add("name", name)
    o.add("update_interval", updateInterval)
    o.add("network_name", network)
    o.add("dataset_name", dataset)
    o.add("solver") { s in
      switch solver {
      case .sgd(let lr):
        s.add("type", "Sgd")
        addSchedule(&s)
        s.add("sgd_param") { $0.add("lr", lr) }
      case .momentum(let lr, let momentum):
        s.add("type", "Momentum")
        addSchedule(&s)
        s.add("momentum_param") { p in p.add("lr", lr); p.add("momentum", momentum) }
      case .adam(let alpha, let beta1, let beta2, let eps):
        s.add("type", "Adam")
        addSchedule(&s)
        s.add("adam_param") { p in p.add("alpha", alpha); p.add("beta1", beta1); p.add("beta2", beta2); p.add("eps", eps) }
      }
    }
    func addSchedule(_ s: inout ProtoTextMessage) {
      s.add("weight_decay", weightDecay)
      s.add("lr_decay", lrDecay)
      s.add("lr_decay_interval", lrDecayInterval)
    }
    for (variable, column) in data { o.add("data_variable") { d in d.add("variable_name", variable); d.add("data_name", column) } }
    o.add("loss_variable") { $0.add("variable_name", loss) }
    for p in parameters {
      o.add("parameter_variable") { v in v.add("variable_name", p); v.add("learning_rate_multiplier", 1.0) }
    }
    return o
  }

  /// A monitor reporting `errors` (variables of `network`) on `dataset`, as NNC's
  /// `train_error`/`valid_error` monitors.
  public static func monitor(
    name: String, network: String, dataset: String, data: [(String, String)], errors: [String]
  ) -> ProtoTextMessage {
    var m = ProtoTextMessage()
    m.add("name", name)
    m.add("network_name", network)
    m.add("dataset_name", dataset)
    for (variable, column) in data { m.add("data_variable") { d in d.add("variable_name", variable); d.add("data_name", column) } }
    for e in errors { m.add("monitor_variable") { v in v.add("type", "Error"); v.add("variable_name", e) } }
    return m
  }
}
