/// A network as it is trained: the forward graph plus what inference drops — the loss functions,
/// their label inputs, BatchNormalization's running-statistics settings and the parameters that
/// still have to be initialised.
///
/// Losses are kept beside the graph rather than as `Op`s: no later stage (passes, codegen, int8)
/// ever sees them, and the generated C never has to.
public struct TrainingGraph: Sendable {
  /// The forward part. `inputs` are the data variables, `outputs` the predictions the losses read.
  /// `Dropout` stays `.dropout` (active while training); BN nodes hold their inference attributes.
  public var graph: ModelGraph
  /// Label tensors (indices into `graph.tensors`), fed beside the data in a training batch.
  public var labels: [Int]
  public var losses: [LossTerm]
  /// BatchNormalization training settings by node name (nodes missing here use nnabla's defaults).
  public var batchNormalization: [String: BatchNormalizationTraining]
  /// Parameters absent from the file, by tensor index, with the initializer the network names (nil:
  /// nnabla's parametric-function default for the parameter's role).
  public var uninitialized: [Int: ParameterInitializer?]

  public init(
    graph: ModelGraph, labels: [Int], losses: [LossTerm],
    batchNormalization: [String: BatchNormalizationTraining] = [:], uninitialized: [Int: ParameterInitializer?] = [:]
  ) {
    self.graph = graph
    self.labels = labels
    self.losses = losses
    self.batchNormalization = batchNormalization
    self.uninitialized = uninitialized
  }
}

/// One loss function of the network: `output = function(prediction, label)`. The training loss is
/// the mean of every loss output, summed over the loss terms (what nnabla's trainer does when it
/// seeds each loss variable's gradient with `1 / size`).
public struct LossTerm: Sendable, Equatable {
  public var name: String
  public var function: LossFunction
  /// Tensor index of the prediction in `TrainingGraph.graph`.
  public var prediction: Int
  /// Tensor index of the label in `TrainingGraph.graph`.
  public var label: Int
  public init(name: String, function: LossFunction, prediction: Int, label: Int) {
    self.name = name
    self.function = function
    self.prediction = prediction
    self.label = label
  }
}

/// nnabla's loss functions, with their semantics (functions.yaml):
public enum LossFunction: Sendable, Equatable {
  /// `-log softmax(x)[t]` along `axis`; t holds class indices, shaped as x with `axis` of size 1.
  case softmaxCrossEntropy(axis: Int)
  /// `-log x[t]` along `axis` (x already probabilities); t as for softmax cross entropy.
  case categoricalCrossEntropy(axis: Int)
  /// `-(t log σ(x) + (1-t) log(1-σ(x)))` element-wise; t has x's shape.
  case sigmoidCrossEntropy
  /// `-(t log x + (1-t) log(1-x))` element-wise; t has x's shape.
  case binaryCrossEntropy
  /// `(x - t)²` element-wise.
  case squaredError

  /// The label's shape (and the per-element loss's) for a prediction of shape `prediction`: the
  /// prediction's with the class axis 1 for class-index losses, else the prediction's; nil when
  /// the class axis is not an axis of the prediction.
  public func labelShape(prediction: [Int]) -> [Int]? {
    switch self {
    case .softmaxCrossEntropy(let axis), .categoricalCrossEntropy(let axis):
      guard prediction.indices.contains(axis) else { return nil }
      var s = prediction
      s[axis] = 1
      return s
    default: return prediction
    }
  }

  /// nnabla's function type name.
  public var typeName: String {
    switch self {
    case .softmaxCrossEntropy: "SoftmaxCrossEntropy"
    case .categoricalCrossEntropy: "CategoricalCrossEntropy"
    case .sigmoidCrossEntropy: "SigmoidCrossEntropy"
    case .binaryCrossEntropy: "BinaryCrossEntropy"
    case .squaredError: "SquaredError"
    }
  }
}

/// `batch_normalization_param`'s training fields: running statistics are updated as
/// `running = decay * running + (1 - decay) * batch` (variance unbiased, as nnabla does).
public struct BatchNormalizationTraining: Sendable, Equatable {
  public var decayRate: Float
  /// False: the stored statistics are used even while training (nnabla's `batch_stat: false`).
  public var batchStat: Bool
  public init(decayRate: Float = 0.9, batchStat: Bool = true) {
    self.decayRate = decayRate
    self.batchStat = batchStat
  }
}

/// A parameter's `initializer { type multiplier }` as NNC writes it in the nntxt.
public struct ParameterInitializer: Sendable, Equatable {
  /// `Normal`, `Uniform`, `Constant`, `NormalAffineHe`, `NormalAffineGlorot`, `NormalConvolutionHe`,
  /// `NormalConvolutionGlorot`, `UniformAffineGlorot`, `UniformConvolutionGlorot`, …
  public var type: String
  public var multiplier: Double
  public init(type: String, multiplier: Double = 1) {
    self.type = type
    self.multiplier = multiplier
  }
}
