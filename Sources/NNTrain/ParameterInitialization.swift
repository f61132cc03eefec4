import Foundation
import NNIR

/// Initial values for parameters a file does not hold, as nnabla makes them.
///
/// - With an NNC `initializer`: `Normal`/`Uniform`/`Constant` use the multiplier as σ, limit or
///   value; the `…AffineHe/Glorot` and `…ConvolutionHe/Glorot` forms scale nnabla's
///   `calc_normal_std_he_forward` (σ = √(2/(in·k))), `calc_normal_std_glorot`
///   (σ = √(2/(in·k + out·k))) and `calc_uniform_lim_glorot` (√(6/(in·k + out·k))) by the multiplier.
/// - Without one, parametric-function defaults: weights uniform Glorot, biases 0, BN β 0, γ 1,
///   mean 0, variance 1.
/// Fan-in/out come from the weight's role: Affine W `[in, out…]`, Convolution W
/// `[out, in/group, k…]`, Deconvolution W `[in, out/group, k…]`.
public enum ParameterInitialization {
  public static func initialize(_ t: inout TrainingGraph, seed: UInt64) throws {
    var random = TrainingRandom(seed: seed)
    for index in t.uninitialized.keys.sorted() {
      let initializer = t.uninitialized[index] ?? nil
      let shape = t.graph.tensors[index].shape
      let role = Role(of: index, in: t.graph)
      let values = try makeValues(shape: shape, role: role, initializer: initializer, random: &random, name: t.graph.tensors[index].name)
      t.graph.tensors[index].data = FloatTensor(shape: shape, values: values)
    }
    t.uninitialized = [:]
  }

  enum Role {
    case affineWeight, convolutionWeight(group: Int), deconvolutionWeight(group: Int), bias
    case batchNorm(slot: Int), other

    init(of index: Int, in graph: ModelGraph) {
      self = .other
      for node in graph.nodes {
        guard let slot = node.inputs.firstIndex(of: index) else { continue }
        switch (node.op, slot) {
        case (.affine, 1): self = .affineWeight
        case (.convolution(let a), 1): self = .convolutionWeight(group: a.group)
        case (.depthwiseConvolution, 1): self = .convolutionWeight(group: 1)
        case (.deconvolution(let a), 1): self = .deconvolutionWeight(group: a.group)
        case (.affine, 2), (.convolution, 2), (.depthwiseConvolution, 2), (.deconvolution, 2): self = .bias
        case (.batchNormalization, let s): self = .batchNorm(slot: s)
        default: continue
        }
        return
      }
    }

    /// (fan-in maps, fan-out maps, kernel size).
    func fans(_ shape: [Int]) -> (Double, Double, Double) {
      let rest = Double(shape.dropFirst(2).reduce(1, *))
      switch self {
      case .affineWeight: return (Double(shape[0]), Double(shape.dropFirst().reduce(1, *)), 1)
      case .convolutionWeight(let g): return (Double(shape[1] * g), Double(shape[0]), rest)
      case .deconvolutionWeight(let g): return (Double(shape[0]), Double(shape[1] * g), rest)
      default:
        return (Double(shape.first ?? 1), Double(shape.dropFirst().reduce(1, *)), 1)
      }
    }
  }

  static func makeValues(shape: [Int], role: Role, initializer: ParameterInitializer?, random: inout TrainingRandom, name: String) throws -> [Float] {
    let count = shape.reduce(1, *)
    guard let initializer else {
      switch role {
      case .affineWeight, .convolutionWeight, .deconvolutionWeight:
        let (i, o, k) = role.fans(shape)
        let limit = (6 / (i * k + o * k)).squareRoot()
        return (0..<count).map { _ in random.uniform(-limit, limit) }
      case .batchNorm(let slot) where slot == 2 || slot == 4: return [Float](repeating: 1, count: count)
      default: return [Float](repeating: 0, count: count)
      }
    }
    let m = initializer.multiplier
    let (i, o, k) = role.fans(shape)
    func normal(_ std: Double) -> [Float] { (0..<count).map { _ in random.normal(std: std) } }
    func uniform(_ limit: Double) -> [Float] { (0..<count).map { _ in random.uniform(-limit, limit) } }
    switch initializer.type {
    case "Normal": return normal(m)
    case "Uniform": return uniform(m)
    case "Constant": return [Float](repeating: Float(m), count: count)
    case "NormalAffineHe", "NormalAffineHeForward", "NormalConvolutionHe", "NormalConvolutionHeForward":
      return normal(m * (2 / (i * k)).squareRoot())
    case "NormalAffineHeBackward", "NormalConvolutionHeBackward":
      return normal(m * (2 / (o * k)).squareRoot())
    case "NormalAffineGlorot", "NormalConvolutionGlorot":
      return normal(m * (2 / (i * k + o * k)).squareRoot())
    case "UniformAffineGlorot", "UniformConvolutionGlorot":
      return uniform(m * (6 / (i * k + o * k)).squareRoot())
    default:
      throw TrainingError("parameter '\(name)': unknown initializer '\(initializer.type)'")
    }
  }
}
