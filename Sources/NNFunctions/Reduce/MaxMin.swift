import NNIR

/// Max or Min over `axes` (all when empty) (nnabla `max.cpp`, `min.cpp`). Only the values:
/// `with_index`/`only_index` (the argmax as a second or only output) are refused. int8 selects
/// on the codes (exact: the order of codes is the order of values).
struct Selection: Sendable, Equatable, CustomStringConvertible {
  let reduction: ReductionAxes

  init(_ typeName: String, _ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    for flag in ["with_index", "only_index"] where try a.bool(flag) {
      throw FunctionAttributeError("\(typeName) with \(flag) true (the index output) is not supported; only the values are")
    }
    reduction = try ReductionAxes(a, inputShapes: inputShapes)
  }

  init(axes: [Int], keepDims: Bool) { reduction = ReductionAxes(axes: axes, keepDims: keepDims) }

  var description: String { reduction.description }
  var fields: [(name: String, value: AttributeValue)] {
    reduction.fields + [("with_index", .bool(false)), ("only_index", .bool(false))]
  }

  /// dy goes to the first element that holds the selected value.
  func gradient(_ x: FloatTensor, _ y: FloatTensor, _ dy: FloatTensor) -> FloatTensor {
    let (kept, reduced) = reduction.walk(x.shape)
    let outer = ReductionAxes.offsets(kept), inner = ReductionAxes.offsets(reduced)
    var dx = [Float](repeating: 0, count: x.count)
    for (o, base) in outer.enumerated() {
      if let r = inner.first(where: { x.values[base + $0] == y.values[o] }) { dx[base + r] = dy.values[o] }
    }
    return FloatTensor(shape: x.shape, values: dx)
  }
}

/// Max and Min are one description; `selectsLarger` is the only difference.
protocol SelectingReduction: NNFunction {
  static var selectsLarger: Bool { get }
  var selection: Selection { get }
  init(selection: Selection)
}

extension SelectingReduction {
  public static var inputArity: ClosedRange<Int> { 1...1 }
  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    self.init(selection: try Selection(Self.typeName, a, inputShapes: inputShapes))
  }

  public var attributeFields: [(name: String, value: AttributeValue)] { selection.fields }
  public func outputShapes(_ inputs: [[Int]]) throws(ShapeError) -> [[Int]] { [try selection.reduction.outputShape(inputs[0])] }
  public func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor] {
    Self.selectsLarger
      ? [selection.reduction.reduce(inputs[0]) { $1 > $0 ? $1 : $0 }]
      : [selection.reduction.reduce(inputs[0]) { $1 < $0 ? $1 : $0 }]
  }
  public func emitC(_ call: inout any CFunctionCall) throws -> [String]? {
    try selection.reduction.emitC(Self.selectsLarger ? "max" : "min", &call)
  }
  public var int8: Int8Lowering { .dataMovement }
  public var isTrainable: Bool { true }
  public func gradients(inputs: [FloatTensor], outputs: [FloatTensor], outputGradients: [FloatTensor]) -> [FloatTensor?]? {
    [selection.gradient(inputs[0], outputs[0], outputGradients[0])]
  }
}

public struct Max: SelectingReduction {
  public static let typeName = "Max"
  public static let paramName = "max_param"
  static let selectsLarger = true
  let selection: Selection

  public init(axes: [Int], keepDims: Bool) { selection = Selection(axes: axes, keepDims: keepDims) }
  init(selection: Selection) { self.selection = selection }
}

public struct Min: SelectingReduction {
  public static let typeName = "Min"
  public static let paramName = "min_param"
  static let selectsLarger = false
  let selection: Selection

  public init(axes: [Int], keepDims: Bool) { selection = Selection(axes: axes, keepDims: keepDims) }
  init(selection: Selection) { self.selection = selection }
}
