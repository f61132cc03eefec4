import NNIR

/// OneHot: `x [..., k]` holds k integer class indices per row; the output `[..., shape]` is 1 at
/// that position and 0 elsewhere. Negative classes count from the end; a class out of range gives
/// an all-zero row (nnabla `one_hot.cpp`).
public struct OneHot: NNFunction {
  public static let typeName = "OneHot"
  public static let paramName = "one_hot_param"
  public static let inputArity: ClosedRange<Int> = 1...1
  public var shape: [Int]

  public init(shape: [Int]) { self.shape = shape }

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    self.init(shape: try a.shape("shape") ?? [])
  }

  public var attributeFields: [(name: String, value: AttributeValue)] { [("shape", .shape(shape))] }

  public func outputShapes(_ inputs: [[Int]]) throws(ShapeError) -> [[Int]] {
    guard let k = inputs[0].last, k == shape.count else {
      throw ShapeError("OneHot shape \(shape) does not match the last axis of \(inputs[0])")
    }
    return [inputs[0].dropLast() + shape]
  }

  public func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor] {
    let x = inputs[0], k = shape.count, size = shape.reduce(1, *), n = x.count / max(k, 1)
    var y = [Float](repeating: 0, count: n * size)
    rows: for i in 0..<n {
      var at = 0, step = 1
      for d in stride(from: k - 1, through: 0, by: -1) {
        var c = Int(Int32(x.values[i * k + d]))
        if c < 0 { c += shape[d] }
        if c < 0 || c >= shape[d] { continue rows }
        at += c * step
        step *= shape[d]
      }
      y[i * size + at] = 1
    }
    return [FloatTensor(shape: x.shape.dropLast() + shape, values: y)]
  }

  public func emitC(_ call: inout any CFunctionCall) throws -> [String]? {
    let dims = call.constantInt32("one_hot_dims", shape.map { Int32($0) })
    let k = shape.count
    return ["nnc_one_hot_f32(\(call.inputCount(0) / max(k, 1)), \(k), \(dims), \(call.input(0)), \(call.output(0)));"]
  }
}
