import Foundation
import Testing
import NNIR
@testable import NNTrain

/// Solver updates, checked by hand for a parameter p = [1, -2] with gradient g = [0.5, 0.25].
@Suite struct OptimizerTests {
  static func run(_ settings: OptimizerSettings, steps: Int) -> [Float] {
    var optimizer = Optimizer(settings)
    var parameters: [Int: FloatTensor] = [0: FloatTensor(shape: [2], values: [1, -2])]
    for _ in 0..<steps { optimizer.update(&parameters, gradients: [FloatTensor(shape: [2], values: [0.5, 0.25])]) }
    return parameters[0]!.values
  }

  @Test func sgdWithWeightDecay() {
    // g + decay·p = [0.5 + 0.1, 0.25 − 0.2]; p −= 0.1·that.
    let p = Self.run(OptimizerSettings(solver: .sgd(learningRate: 0.1), weightDecay: 0.1), steps: 1)
    #expect(p == [1 - 0.1 * Float(0.6), -2 - 0.1 * Float(0.05)])
  }

  @Test func momentumAccumulatesVelocity() {
    // v1 = lr·g, v2 = 0.9·v1 + lr·g; p = p0 − v1 − v2.
    let p = Self.run(OptimizerSettings(solver: .momentum(learningRate: 0.1, momentum: 0.9)), steps: 2)
    let v1: [Float] = [0.05, 0.025]
    let v2 = [0.9 * v1[0] + 0.05, 0.9 * v1[1] + 0.025]
    #expect(abs(p[0] - (1 - v1[0] - v2[0])) < 1e-7)
    #expect(abs(p[1] - (-2 - v1[1] - v2[1])) < 1e-7)
  }

  @Test func adamFoldsBiasCorrectionIntoTheStep() {
    // nnabla: m = β1·m + (1−β1)·g, v = β2·v + (1−β2)·g², α_t = α·√(1−β2ᵗ)/(1−β1ᵗ),
    // p −= α_t·m/(√v + ε). Two steps with a constant gradient, computed here in Double.
    let p = Self.run(OptimizerSettings(), steps: 2)
    for (i, (p0, g)) in [(1.0, 0.5), (-2.0, 0.25)].enumerated() {
      var (m, v, expected) = (0.0, 0.0, p0)
      for t in 1...2 {
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        let alphaT = 0.001 * (1 - Foundation.pow(0.999, Double(t))).squareRoot() / (1 - Foundation.pow(0.9, Double(t)))
        expected -= alphaT * m / (v.squareRoot() + 1e-8)
      }
      #expect(abs(Double(p[i]) - expected) < 1e-6, "p[\(i)] = \(p[i]), expected \(expected)")
    }
    // With a constant gradient every Adam step moves by ≈ α.
    #expect(abs(p[0] - 0.998) < 1e-5 && abs(p[1] - -2.002) < 1e-5)
  }

  @Test func stepScheduleDecaysTheRate() {
    var optimizer = Optimizer(OptimizerSettings(solver: .sgd(learningRate: 1), stepSchedule: (stepSize: 2, gamma: 0.5)))
    var rates: [Float] = []
    var parameters: [Int: FloatTensor] = [0: FloatTensor(shape: [1], values: [0])]
    for _ in 0..<5 {
      rates.append(optimizer.learningRate)
      optimizer.update(&parameters, gradients: [FloatTensor(shape: [1], values: [1])])
    }
    #expect(rates == [1, 1, 0.5, 0.5, 0.25])
    #expect(parameters[0]!.values == [-3.25])
  }
}
