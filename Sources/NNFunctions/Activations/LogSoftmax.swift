import Foundation
import NNIR

/// LogSoftmax over `axis` (nnabla `log_softmax.cpp`): `y = x − max − log(Σ exp(x − max))`, the sum
/// in float. proto3: an absent `axis` is 0 (the Python default is the last axis); negative axes
/// count from the end. int8 runs it in float (its output is unbounded below).
public struct LogSoftmax: NNFunction {
  public static let typeName = "LogSoftmax"
  public static let paramName = "log_softmax_param"
  public static let inputArity: ClosedRange<Int> = 1...1
  public var axis: Int

  public init(axis: Int) { self.axis = axis }

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    let rank = inputShapes.first?.count ?? 1
    self.init(axis: try ChannelGeometry.axis(try a.int("axis", absent: 0), rank: rank, "LogSoftmax"))
  }

  public var attributeFields: [(name: String, value: AttributeValue)] { [("axis", .int(axis))] }

  public func outputShapes(_ inputs: [[Int]]) throws(ShapeError) -> [[Int]] {
    guard axis < inputs[0].count else { throw ShapeError("LogSoftmax: axis \(axis) is out of range for \(inputs[0])") }
    return [inputs[0]]
  }

  /// `nnc_log_softmax_f32`, operation for operation.
  public func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor] {
    let x = inputs[0].values
    let g = ChannelGeometry(inputs[0].shape, axis: axis)
    var y = x
    for o in 0..<g.outer {
      for i in 0..<g.inner {
        let base = o * g.channels * g.inner + i
        var m = x[base]
        for k in 0..<g.channels { let v = x[base + k * g.inner]; m = m >= v ? m : v }
        var sum: Float = 0
        for k in 0..<g.channels {
          let t = x[base + k * g.inner] - m
          y[base + k * g.inner] = t
          sum += expf(t)
        }
        let logSum = logf(sum)
        for k in 0..<g.channels { y[base + k * g.inner] -= logSum }
      }
    }
    return [FloatTensor(shape: inputs[0].shape, values: y)]
  }

  public func emitC(_ call: inout any CFunctionCall) throws -> [String]? {
    let g = ChannelGeometry(call.inputShape(0), axis: axis)
    return ["nnc_log_softmax_f32(\(g.outer), \(g.channels), \(g.inner), \(call.input(0)), \(call.output(0)));"]
  }

  public var isTrainable: Bool { true }

  /// dx = dy − exp(y) · Σ dy over the axis.
  public func gradients(inputs: [FloatTensor], outputs: [FloatTensor], outputGradients: [FloatTensor]) -> [FloatTensor?]? {
    let y = outputs[0].values, dy = outputGradients[0].values
    let g = ChannelGeometry(inputs[0].shape, axis: axis)
    var dx = dy
    for o in 0..<g.outer {
      for i in 0..<g.inner {
        let base = o * g.channels * g.inner + i
        var sum: Float = 0
        for k in 0..<g.channels { sum += dy[base + k * g.inner] }
        for k in 0..<g.channels { dx[base + k * g.inner] = dy[base + k * g.inner] - expf(y[base + k * g.inner]) * sum }
      }
    }
    return [FloatTensor(shape: inputs[0].shape, values: dx)]
  }
}
