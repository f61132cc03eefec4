import Foundation
import NNIR

/// BatchNormalization in training mode (nnabla's `batch_stat: true`): normalise with the batch's
/// mean and biased variance over every axis but the channel axis, and move the running statistics
/// `running = decay·running + (1−decay)·batch` (the variance unbiased by n/(n−1), as nnabla does).
enum BatchNormalizationKernels {
  struct Saved {
    var mean: [Float]
    var inverseStd: [Float]
  }

  /// (outer, channels, inner) for channel axis `axis`.
  static func layout(_ shape: [Int], axis: Int) -> (Int, Int, Int) {
    (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
  }

  static func forward(
    x: FloatTensor, beta: FloatTensor, gamma: FloatTensor, axis: Int, eps: Float
  ) -> (y: FloatTensor, saved: Saved, variance: [Float]) {
    let (outer, channels, inner) = layout(x.shape, axis: axis)
    let count = Double(outer * inner)
    var mean = [Float](repeating: 0, count: channels)
    var variance = [Float](repeating: 0, count: channels)
    var inverseStd = [Float](repeating: 0, count: channels)
    var y = [Float](repeating: 0, count: x.count)
    for c in 0..<channels {
      var sum = 0.0, sumSquares = 0.0
      for o in 0..<outer {
        let base = (o * channels + c) * inner
        for i in 0..<inner { let v = Double(x.values[base + i]); sum += v; sumSquares += v * v }
      }
      let m = sum / count
      let v = max(sumSquares / count - m * m, 0)
      mean[c] = Float(m)
      variance[c] = Float(v)
      inverseStd[c] = Float(1 / (v + Double(eps)).squareRoot())
      let scale = gamma.values[c] * inverseStd[c]
      for o in 0..<outer {
        let base = (o * channels + c) * inner
        for i in 0..<inner { y[base + i] = (x.values[base + i] - mean[c]) * scale + beta.values[c] }
      }
    }
    return (FloatTensor(shape: x.shape, values: y), Saved(mean: mean, inverseStd: inverseStd), variance)
  }

  /// Updates the running statistics in place.
  static func updateRunning(mean running: inout FloatTensor, variance runningVar: inout FloatTensor, batchMean: [Float], batchVariance: [Float], count: Int, decay: Float) {
    let unbias = count > 1 ? Float(count) / Float(count - 1) : 1
    for c in 0..<batchMean.count {
      running.values[c] = decay * running.values[c] + (1 - decay) * batchMean[c]
      runningVar.values[c] = decay * runningVar.values[c] + (1 - decay) * batchVariance[c] * unbias
    }
  }

  /// (dx, dbeta, dgamma) through the batch statistics.
  static func backward(x: FloatTensor, gamma: FloatTensor, saved: Saved, dy: FloatTensor, axis: Int)
    -> (FloatTensor, FloatTensor, FloatTensor)
  {
    let (outer, channels, inner) = layout(x.shape, axis: axis)
    let n = Float(outer * inner)
    var dx = [Float](repeating: 0, count: x.count)
    var dbeta = [Float](repeating: 0, count: channels)
    var dgamma = [Float](repeating: 0, count: channels)
    for c in 0..<channels {
      let m = saved.mean[c], s = saved.inverseStd[c]
      var sumG: Float = 0, sumGX: Float = 0
      for o in 0..<outer {
        let base = (o * channels + c) * inner
        for i in 0..<inner {
          let g = dy.values[base + i]
          sumG += g
          sumGX += g * (x.values[base + i] - m) * s
        }
      }
      dbeta[c] = sumG
      dgamma[c] = sumGX
      let k = gamma.values[c] * s / n
      for o in 0..<outer {
        let base = (o * channels + c) * inner
        for i in 0..<inner {
          let xhat = (x.values[base + i] - m) * s
          dx[base + i] = k * (n * dy.values[base + i] - sumG - xhat * sumGX)
        }
      }
    }
    let statShape = gamma.shape
    return (FloatTensor(shape: x.shape, values: dx), FloatTensor(shape: statShape, values: dbeta), FloatTensor(shape: statShape, values: dgamma))
  }

  /// Inference-form backward (stored statistics, `batch_stat: false`): dx = dy·γ/√(var+eps).
  static func backwardWithStoredStatistics(x: FloatTensor, gamma: FloatTensor, mean: FloatTensor, variance: FloatTensor, dy: FloatTensor, axis: Int, eps: Float)
    -> (FloatTensor, FloatTensor, FloatTensor)
  {
    let (outer, channels, inner) = layout(x.shape, axis: axis)
    var dx = [Float](repeating: 0, count: x.count)
    var dbeta = [Float](repeating: 0, count: channels)
    var dgamma = [Float](repeating: 0, count: channels)
    for c in 0..<channels {
      let s = 1 / (variance.values[c] + eps).squareRoot()
      for o in 0..<outer {
        let base = (o * channels + c) * inner
        for i in 0..<inner {
          let g = dy.values[base + i]
          dbeta[c] += g
          dgamma[c] += g * (x.values[base + i] - mean.values[c]) * s
          dx[base + i] = g * gamma.values[c] * s
        }
      }
    }
    return (FloatTensor(shape: x.shape, values: dx), FloatTensor(shape: gamma.shape, values: dbeta), FloatTensor(shape: gamma.shape, values: dgamma))
  }
}
