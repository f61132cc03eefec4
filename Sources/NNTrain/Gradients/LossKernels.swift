import Foundation
import NNIR

/// nnabla's loss functions, forward (per-element loss) and backward (gradient for the prediction;
/// nnabla propagates none to labels).
enum LossKernels {
  /// nnabla clamps log arguments at the smallest normal float.
  static let tiny = Float.leastNormalMagnitude

  /// (outer, size, inner) of `shape` around `axis`.
  static func around(_ shape: [Int], _ axis: Int) -> (Int, Int, Int) {
    (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
  }

  /// The per-element loss's shape, after checking that `t` holds one label per loss element: the
  /// importer checks this for files, but a library caller may pair any two tensors, and a short
  /// label would be read past its end.
  static func checkedOutputShape(_ f: LossFunction, x: FloatTensor, t: FloatTensor) throws -> [Int] {
    guard let shape = f.labelShape(prediction: x.shape) else {
      throw TrainingError("\(f.typeName): the class axis is not an axis of the prediction \(x.shape)")
    }
    guard t.count == shape.reduce(1, *) else {
      throw TrainingError("\(f.typeName): the label holds \(t.count) values; a prediction of shape \(x.shape) needs \(shape)")
    }
    return shape
  }

  static func forward(_ f: LossFunction, x: FloatTensor, t: FloatTensor) throws -> FloatTensor {
    let shape = try checkedOutputShape(f, x: x, t: t)
    var y = [Float](repeating: 0, count: shape.reduce(1, *))
    switch f {
    case .softmaxCrossEntropy(let axis), .categoricalCrossEntropy(let axis):
      let (outer, size, inner) = around(x.shape, axis)
      for o in 0..<outer {
        for i in 0..<inner {
          let label = try classIndex(t.values[o * inner + i], size)
          let base = o * size * inner + i
          if case .softmaxCrossEntropy = f {
            let (m, sum) = softmaxNormalizer(x.values, base: base, size: size, stride: inner)
            y[o * inner + i] = -(x.values[base + label * inner] - m - Foundation.log(sum))
          } else {
            y[o * inner + i] = -Foundation.log(max(x.values[base + label * inner], tiny))
          }
        }
      }
    case .sigmoidCrossEntropy:
      for i in 0..<y.count {
        let v = x.values[i], l = t.values[i]
        let positive: Float = v >= 0 ? 1 : 0
        y[i] = -(v * (l - positive) - Foundation.log(1 + Foundation.exp(v - 2 * v * positive)))
      }
    case .binaryCrossEntropy:
      for i in 0..<y.count {
        let v = x.values[i], l = t.values[i]
        y[i] = -(l * Foundation.log(max(v, tiny)) + (1 - l) * Foundation.log(max(1 - v, tiny)))
      }
    case .squaredError:
      for i in 0..<y.count { let d = x.values[i] - t.values[i]; y[i] = d * d }
    }
    return FloatTensor(shape: shape, values: y)
  }

  /// dL/dx when every loss element's gradient is `scale` (the mean: 1/size).
  static func backward(_ f: LossFunction, x: FloatTensor, t: FloatTensor, scale: Float) throws -> FloatTensor {
    _ = try checkedOutputShape(f, x: x, t: t)
    var dx = [Float](repeating: 0, count: x.count)
    switch f {
    case .softmaxCrossEntropy(let axis), .categoricalCrossEntropy(let axis):
      let (outer, size, inner) = around(x.shape, axis)
      for o in 0..<outer {
        for i in 0..<inner {
          let label = try classIndex(t.values[o * inner + i], size)
          let base = o * size * inner + i
          if case .softmaxCrossEntropy = f {
            let (m, sum) = softmaxNormalizer(x.values, base: base, size: size, stride: inner)
            for k in 0..<size {
              let p = Foundation.exp(x.values[base + k * inner] - m) / sum
              dx[base + k * inner] = scale * (p - (k == label ? 1 : 0))
            }
          } else {
            dx[base + label * inner] = -scale / max(x.values[base + label * inner], tiny)
          }
        }
      }
    case .sigmoidCrossEntropy:
      for i in 0..<dx.count { dx[i] = scale * (1 / (1 + Foundation.exp(-x.values[i])) - t.values[i]) }
    case .binaryCrossEntropy:
      for i in 0..<dx.count {
        let v = x.values[i]
        dx[i] = scale * (v - t.values[i]) / max((1 - v) * v, tiny)
      }
    case .squaredError:
      for i in 0..<dx.count { dx[i] = scale * 2 * (x.values[i] - t.values[i]) }
    }
    return FloatTensor(shape: x.shape, values: dx)
  }

  /// The max `m` of the `size` logits at `base`, `stride` apart, and the sum of their
  /// `exp(logit - m)`: the stable softmax denominator both passes of SoftmaxCrossEntropy need.
  static func softmaxNormalizer(_ logits: [Float], base: Int, size: Int, stride: Int) -> (max: Float, sum: Float) {
    var m = -Float.infinity
    for k in 0..<size { m = max(m, logits[base + k * stride]) }
    var sum: Float = 0
    for k in 0..<size { sum += Foundation.exp(logits[base + k * stride] - m) }
    return (m, sum)
  }

  /// The class `v` names, as nnabla reads it (`static_cast<int>`: 2.5 is class 2). A library
  /// caller may feed anything, so a bad label throws rather than traps; `nncompile train` refuses
  /// one earlier, naming its file and line (`LossFunction.labelProblem`).
  static func classIndex(_ v: Float, _ size: Int) throws -> Int {
    if let problem = LossFunction.classLabelProblem(v, classes: size) { throw TrainingError(problem) }
    return Int(v)
  }
}

extension LossFunction {
  /// The number of classes a class-index loss picks from for `prediction` (its size along the
  /// loss's axis), or nil for losses whose labels are values, not classes.
  public func classCount(prediction shape: [Int]) -> Int? {
    switch self {
    case .softmaxCrossEntropy(let axis), .categoricalCrossEntropy(let axis): axis < shape.count ? shape[axis] : nil
    default: nil
    }
  }

  /// Why `label` cannot be a target of this loss (`classes` from `classCount`), or nil when it can.
  ///
  /// Class-index losses take a finite `0 ≤ label < classes`, truncated to a whole class as nnabla
  /// does (2.5 is class 2). The others take any finite value: a BinaryCrossEntropy target
  /// outside [0, 1] still has a finite loss and gradient (nnabla accepts it too), while NaN or
  /// ±Inf can only make the loss NaN.
  public func labelProblem(_ label: Float, classes: Int?) -> String? {
    if let classes { return Self.classLabelProblem(label, classes: classes) }
    return label.isFinite ? nil : "label \(label) is not a finite number"
  }

  static func classLabelProblem(_ v: Float, classes: Int) -> String? {
    // Compared as floats first: Int(1e30) or Int(nan) would trap.
    guard v.isFinite, v >= 0, v < Float(classes) else {
      return "label \(v.isFinite && v == v.rounded() && abs(v) < 1e7 ? String(Int(v)) : "\(v)") is not a class index 0 ≤ label < \(classes)"
    }
    return nil
  }

  /// Whether `label` is a class index with a fractional part, which nnabla truncates.
  public func truncatesLabel(_ label: Float) -> Bool {
    switch self {
    case .softmaxCrossEntropy, .categoricalCrossEntropy: label.isFinite && label.rounded(.towardZero) != label
    default: false
    }
  }
}
