import Foundation
import NNIR

/// nnabla's solvers with their defaults, weight decay and a step learning-rate schedule.
///
/// - SGD: `p -= lr·g` (lr 0.001).
/// - Momentum: `v = momentum·v + lr·g; p -= v` (lr 0.001, momentum 0.9).
/// - Adam: `m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; α_t = α·√(1−β2ᵗ)/(1−β1ᵗ);
///   p -= α_t·m/(√v + ε)` (α 0.001, β1 0.9, β2 0.999, ε 1e-8) — nnabla folds the bias correction
///   into the step size this way.
/// - Weight decay adds `decay·p` to the gradient before the update (nnabla's `weight_decay`).
/// - Step schedule: the rate is multiplied by `gamma` every `stepSize` updates.
public struct OptimizerSettings: Sendable, Equatable {
  public enum Solver: Sendable, Equatable {
    case sgd(learningRate: Float = 0.001)
    case momentum(learningRate: Float = 0.001, momentum: Float = 0.9)
    case adam(alpha: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8)
  }
  public var solver: Solver
  public var weightDecay: Float
  /// Multiply the rate by `gamma` every `stepSize` updates (nil: constant rate).
  public var stepSchedule: (stepSize: Int, gamma: Float)?

  public init(solver: Solver = .adam(), weightDecay: Float = 0, stepSchedule: (stepSize: Int, gamma: Float)? = nil) {
    self.solver = solver
    self.weightDecay = weightDecay
    self.stepSchedule = stepSchedule
  }

  public static func == (l: Self, r: Self) -> Bool {
    l.solver == r.solver && l.weightDecay == r.weightDecay && l.stepSchedule?.stepSize == r.stepSchedule?.stepSize
      && l.stepSchedule?.gamma == r.stepSchedule?.gamma
  }

  /// The base rate (SGD/Momentum lr, Adam alpha).
  var baseRate: Float {
    switch solver {
    case .sgd(let lr), .momentum(let lr, _): lr
    case .adam(let alpha, _, _, _): alpha
    }
  }
}

/// Solver state for every trained parameter.
struct Optimizer {
  let settings: OptimizerSettings
  private(set) var iteration = 0
  private var first: [Int: [Float]] = [:]
  private var second: [Int: [Float]] = [:]

  init(_ settings: OptimizerSettings) { self.settings = settings }

  /// The rate in force for the next update.
  var learningRate: Float {
    var rate = settings.baseRate
    if let s = settings.stepSchedule, s.stepSize > 0 {
      rate *= Float(Foundation.pow(Double(s.gamma), Double(iteration / s.stepSize)))
    }
    return rate
  }

  mutating func update(_ parameters: inout [Int: FloatTensor], gradients: [FloatTensor?]) {
    let rate = learningRate
    iteration += 1
    let t = Float(iteration)
    for index in parameters.keys.sorted() {
      guard let grad = gradients[index] else { continue }
      var p = parameters[index]!.values
      var g = grad.values
      if settings.weightDecay != 0 { for i in 0..<g.count { g[i] += settings.weightDecay * p[i] } }
      switch settings.solver {
      case .sgd:
        for i in 0..<p.count { p[i] -= rate * g[i] }
      case .momentum(_, let momentum):
        var v = first[index] ?? [Float](repeating: 0, count: p.count)
        for i in 0..<p.count {
          v[i] = momentum * v[i] + rate * g[i]
          p[i] -= v[i]
        }
        first[index] = v
      case .adam(_, let beta1, let beta2, let eps):
        var m = first[index] ?? [Float](repeating: 0, count: p.count)
        var v = second[index] ?? [Float](repeating: 0, count: p.count)
        let alphaT = rate * (1 - Foundation.pow(beta2, t)).squareRoot() / (1 - Foundation.pow(beta1, t))
        for i in 0..<p.count {
          m[i] = beta1 * m[i] + (1 - beta1) * g[i]
          v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
          p[i] -= alphaT * m[i] / (v[i].squareRoot() + eps)
        }
        first[index] = m
        second[index] = v
      }
      parameters[index]!.values = p
    }
  }
}
