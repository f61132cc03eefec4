/// A dense float32 tensor in row-major (C) order.
public struct FloatTensor: Sendable, Equatable {
  public var shape: [Int]
  public var values: [Float]

  public init(shape: [Int], values: [Float]) {
    precondition(values.count == shape.reduce(1, *), "FloatTensor: \(values.count) values for shape \(shape)")
    self.shape = shape
    self.values = values
  }

  public init(zeros shape: [Int]) {
    self.init(shape: shape, values: [Float](repeating: 0, count: shape.reduce(1, *)))
  }

  public var count: Int { values.count }
}
