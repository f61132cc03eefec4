import NNIR

/// The axes one reduction (Sum, Mean, Max, Min, Prod) runs over, and the walk every stage shares:
/// the output in row-major order of the kept axes, each output from its reduced elements in
/// row-major order of the reduced axes (Swift `evaluate` and `nnc_reduce_*` visit them alike, so
/// the host C matches bit for bit).
struct ReductionAxes: Sendable, Equatable, CustomStringConvertible {
  /// Sorted, non-negative. nnabla reduces every axis when `axes` is empty.
  let axes: [Int]
  let keepDims: Bool

  init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    let rank = inputShapes.first?.count ?? 0
    var axes: [Int] = try a.ints("axes", absent: [])
    if axes.isEmpty { axes = Array(0..<rank) }
    let resolved = axes.map { $0 < 0 ? $0 + rank : $0 }
    if let bad = zip(axes, resolved).first(where: { $0.1 < 0 || $0.1 >= max(rank, 1) }) {
      throw FunctionAttributeError("axis \(bad.0) is out of range for an input of rank \(rank)")
    }
    guard Set(resolved).count == resolved.count else { throw FunctionAttributeError("axes \(axes) repeat an axis") }
    self.init(axes: resolved, keepDims: try a.bool("keep_dims"))
  }

  init(axes: [Int], keepDims: Bool) {
    self.axes = axes.sorted()
    self.keepDims = keepDims
  }

  var description: String { "axes: \(axes), keepDims: \(keepDims)" }

  var fields: [(name: String, value: AttributeValue)] { [("axes", .ints(axes)), ("keep_dims", .bool(keepDims))] }

  func outputShape(_ x: [Int]) throws(ShapeError) -> [Int] {
    guard axes.allSatisfy({ $0 < x.count }) else { throw ShapeError("reduction axes \(axes) do not fit an input of shape \(x)") }
    if keepDims { return x.indices.map { axes.contains($0) ? 1 : x[$0] } }
    return x.indices.filter { !axes.contains($0) }.map { x[$0] }
  }

  /// Kept and reduced axes as (sizes, row-major element strides of the input).
  func walk(_ x: [Int]) -> (kept: [(size: Int, stride: Int)], reduced: [(size: Int, stride: Int)]) {
    var stride = 1
    var strides = [Int](repeating: 1, count: x.count)
    for d in x.indices.reversed() {
      strides[d] = stride
      stride *= x[d]
    }
    let kept = x.indices.filter { !axes.contains($0) }.map { (x[$0], strides[$0]) }
    let reduced = axes.map { (x[$0], strides[$0]) }
    return (kept, reduced)
  }

  /// The input offsets of the kept (outer) and reduced (inner) index, each in row-major order.
  static func offsets(_ dims: [(size: Int, stride: Int)]) -> [Int] {
    var result = [0]
    for (size, stride) in dims {
      var next: [Int] = []
      next.reserveCapacity(result.count * size)
      for base in result { for i in 0..<size { next.append(base + i * stride) } }
      result = next
    }
    return result
  }

  /// `combine` folded over each output's elements, starting from its first element.
  func reduce(_ x: FloatTensor, _ combine: (Float, Float) -> Float) -> FloatTensor {
    let (kept, reduced) = walk(x.shape)
    let outer = Self.offsets(kept), inner = Self.offsets(reduced)
    var y = [Float](repeating: 0, count: outer.count)
    for (o, base) in outer.enumerated() where !inner.isEmpty {
      var acc = x.values[base + inner[0]]
      for r in inner.dropFirst() { acc = combine(acc, x.values[base + r]) }
      y[o] = acc
    }
    return FloatTensor(shape: (try? outputShape(x.shape)) ?? [y.count], values: y)
  }

  /// The C call `nnc_reduce_<kind>_<f32|s8>(&params, <extra>, x, y)`.
  func emitC(_ kind: String, _ call: inout any CFunctionCall, extra: [String] = []) throws -> [String] {
    let (kept, reduced) = walk(call.inputShape(0))
    guard kept.count <= CLiteral.maxRank, reduced.count <= CLiteral.maxRank else {
      throw ShapeError("\(call.name): more than \(CLiteral.maxRank) axes")
    }
    let params = call.parameterStruct(
      "nnc_reduce_params", "reduce",
      [
        ("outer_rank", "\(kept.count)"), ("outer_size", CLiteral.dims(kept.map(\.size))),
        ("outer_stride", CLiteral.dims(kept.map(\.stride))), ("inner_rank", "\(reduced.count)"),
        ("inner_size", CLiteral.dims(reduced.map(\.size))), ("inner_stride", CLiteral.dims(reduced.map(\.stride))),
      ])
    let args = ["&\(params)"] + extra + [call.input(0), call.output(0)]
    return ["\(call.kernel("reduce_\(kind)"))(\(args.joined(separator: ", ")));"]
  }

  /// dx: each input element gets `weight(input offset, output index)` × dy of its output.
  func scatter(_ x: FloatTensor, _ dy: FloatTensor, _ weight: (Int, Int) -> Float) -> FloatTensor {
    let (kept, reduced) = walk(x.shape)
    let outer = Self.offsets(kept), inner = Self.offsets(reduced)
    var dx = [Float](repeating: 0, count: x.count)
    for (o, base) in outer.enumerated() {
      for r in inner { dx[base + r] = dy.values[o] * weight(base + r, o) }
    }
    return FloatTensor(shape: x.shape, values: dx)
  }

  /// Elements per output.
  func count(_ x: [Int]) -> Int { axes.reduce(1) { $0 * x[$1] } }
}

/// Sum, Mean and Prod: one input reduced over `reduction`'s axes, read and written alike.
protocol AxisReduction: NNFunction {
  var reduction: ReductionAxes { get }
  init(reduction: ReductionAxes)
}

extension AxisReduction {
  public static var inputArity: ClosedRange<Int> { 1...1 }
  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    self.init(reduction: try ReductionAxes(a, inputShapes: inputShapes))
  }

  public var attributeFields: [(name: String, value: AttributeValue)] { reduction.fields }
  public func outputShapes(_ inputs: [[Int]]) throws(ShapeError) -> [[Int]] { [try reduction.outputShape(inputs[0])] }
  public var isTrainable: Bool { true }
}
