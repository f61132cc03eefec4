import NNIR

/// BatchMatmul: `y[b] = op(a[b]) · op(b[b])` over the last two axes, op a transpose when asked
/// (nnabla `batch_matmul.cpp`). The batch axes broadcast as nnabla allows: aligned from the
/// right, a size-1 axis (or a missing one) repeats. int8 runs in float; the converter's matmul by
/// a constant becomes an Affine before quantization (`BatchMatmulToAffine`).
public struct BatchMatmul: NNFunction {
  public static let typeName = "BatchMatmul"
  public static let paramName = "batch_matmul_param"
  public static let inputArity: ClosedRange<Int> = 2...2
  public let transposeA: Bool
  public let transposeB: Bool

  public init(transposeA: Bool = false, transposeB: Bool = false) {
    self.transposeA = transposeA
    self.transposeB = transposeB
  }
  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    self.init(transposeA: try a.bool("transpose_a"), transposeB: try a.bool("transpose_b"))
  }

  public var attributeFields: [(name: String, value: AttributeValue)] {
    [("transpose_a", .bool(transposeA)), ("transpose_b", .bool(transposeB))]
  }

  /// The product's dimensions and each operand's element offset per output batch.
  struct Plan {
    var m = 0, n = 0, k = 0
    var batch: [Int] = []
    var aStrides: [Int] = [], bStrides: [Int] = []
    var batchCount: Int { batch.reduce(1, *) }
  }

  func plan(_ a: [Int], _ b: [Int]) throws(ShapeError) -> Plan {
    guard a.count >= 2, b.count >= 2 else { throw ShapeError("BatchMatmul needs inputs of rank 2 or more, not \(a) and \(b)") }
    var p = Plan()
    let (ar, ac) = (a[a.count - 2], a[a.count - 1]), (br, bc) = (b[b.count - 2], b[b.count - 1])
    (p.m, p.k) = transposeA ? (ac, ar) : (ar, ac)
    let kb: Int
    (kb, p.n) = transposeB ? (bc, br) : (br, bc)
    guard p.k == kb else { throw ShapeError("BatchMatmul: inner sizes differ (\(a) · \(b), transpose_a \(transposeA), transpose_b \(transposeB))") }
    let rank = max(a.count, b.count) - 2
    let aBatch = [Int](repeating: 1, count: rank - (a.count - 2)) + a.dropLast(2)
    let bBatch = [Int](repeating: 1, count: rank - (b.count - 2)) + b.dropLast(2)
    var aStride = ar * ac, bStride = br * bc
    p.aStrides = [Int](repeating: 0, count: rank)
    p.bStrides = [Int](repeating: 0, count: rank)
    p.batch = [Int](repeating: 1, count: rank)
    for d in (0..<rank).reversed() {
      guard aBatch[d] == bBatch[d] || aBatch[d] == 1 || bBatch[d] == 1 else {
        throw ShapeError("BatchMatmul: batch axes of \(a) and \(b) do not broadcast")
      }
      p.batch[d] = max(aBatch[d], bBatch[d])
      p.aStrides[d] = aBatch[d] == 1 ? 0 : aStride
      p.bStrides[d] = bBatch[d] == 1 ? 0 : bStride
      aStride *= aBatch[d]
      bStride *= bBatch[d]
    }
    return p
  }

  public func outputShapes(_ inputs: [[Int]]) throws(ShapeError) -> [[Int]] {
    let p = try plan(inputs[0], inputs[1])
    return [p.batch + [p.m, p.n]]
  }

  /// The operands' base offsets of output batch `index`.
  static func offsets(_ p: Plan, _ index: Int) -> (a: Int, b: Int) {
    var (rest, a, b) = (index, 0, 0)
    for d in p.batch.indices.reversed() {
      let i = rest % p.batch[d]
      rest /= p.batch[d]
      a += i * p.aStrides[d]
      b += i * p.bStrides[d]
    }
    return (a, b)
  }

  /// Element (row, col) of op(a) and op(b) within one matrix.
  func aIndex(_ p: Plan, _ i: Int, _ l: Int) -> Int { transposeA ? l * p.m + i : i * p.k + l }
  func bIndex(_ p: Plan, _ l: Int, _ j: Int) -> Int { transposeB ? j * p.k + l : l * p.n + j }

  /// Same order as `nnc_batch_matmul_f32`: for each output, `s += a·b` along k from 0.
  public func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor] {
    guard let p = try? plan(inputs[0].shape, inputs[1].shape) else { return [] }
    let a = inputs[0].values, b = inputs[1].values
    var y = [Float](repeating: 0, count: p.batchCount * p.m * p.n)
    for batch in 0..<p.batchCount {
      let (ao, bo) = Self.offsets(p, batch)
      for i in 0..<p.m {
        for j in 0..<p.n {
          var s: Float = 0
          for l in 0..<p.k { s += a[ao + aIndex(p, i, l)] * b[bo + bIndex(p, l, j)] }
          y[(batch * p.m + i) * p.n + j] = s
        }
      }
    }
    return [FloatTensor(shape: p.batch + [p.m, p.n], values: y)]
  }

  public func emitC(_ call: inout any CFunctionCall) throws -> [String]? {
    let p = try plan(call.inputShape(0), call.inputShape(1))
    guard p.batch.count <= CLiteral.maxRank else { throw ShapeError("\(call.name): more than \(CLiteral.maxRank) batch axes") }
    let params = call.parameterStruct(
      "nnc_batch_matmul_params", "batch_matmul",
      [
        ("m", "\(p.m)"), ("n", "\(p.n)"), ("k", "\(p.k)"), ("transpose_a", transposeA ? "1" : "0"),
        ("transpose_b", transposeB ? "1" : "0"), ("batch_rank", "\(p.batch.count)"),
        ("batch", CLiteral.dims(p.batch)), ("a_stride", CLiteral.dims(p.aStrides)), ("b_stride", CLiteral.dims(p.bStrides)),
      ])
    return ["nnc_batch_matmul_f32(&\(params), \(call.input(0)), \(call.input(1)), \(call.output(0)));"]
  }

  public func macs(inputShapes: [[Int]], outputShapes: [[Int]]) -> Int {
    guard let p = try? plan(inputShapes[0], inputShapes[1]) else { return 0 }
    return p.batchCount * p.m * p.n * p.k
  }

  public var isTrainable: Bool { true }
  /// da = dy · op(b)ᵀ and db = op(a)ᵀ · dy, summed over the batches an operand was repeated in.
  public func gradients(inputs: [FloatTensor], outputs: [FloatTensor], outputGradients: [FloatTensor]) -> [FloatTensor?]? {
    guard let p = try? plan(inputs[0].shape, inputs[1].shape) else { return nil }
    let a = inputs[0].values, b = inputs[1].values, dy = outputGradients[0].values
    var da = [Float](repeating: 0, count: a.count), db = [Float](repeating: 0, count: b.count)
    for batch in 0..<p.batchCount {
      let (ao, bo) = Self.offsets(p, batch)
      for i in 0..<p.m {
        for j in 0..<p.n {
          let g = dy[(batch * p.m + i) * p.n + j]
          for l in 0..<p.k {
            da[ao + aIndex(p, i, l)] += g * b[bo + bIndex(p, l, j)]
            db[bo + bIndex(p, l, j)] += g * a[ao + aIndex(p, i, l)]
          }
        }
      }
    }
    return [FloatTensor(shape: inputs[0].shape, values: da), FloatTensor(shape: inputs[1].shape, values: db)]
  }
}
