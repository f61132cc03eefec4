import NNIR

/// Shared pieces of the shape functions.
enum ShapeSupport {
  /// nnabla's negative axis (`-1`: the last one) made non-negative; throws when out of range.
  static func axis(_ axis: Int, rank: Int, _ name: String) throws -> Int {
    let a = axis < 0 ? axis + rank : axis
    guard a >= 0, a < rank else { throw FunctionAttributeError("\(name): axis \(axis) out of range for rank \(rank)") }
    return a
  }

  /// The pieces of `x` along `axis` (each without that axis): Split's forward, Stack's gradient.
  static func unstack(_ x: FloatTensor, axis: Int) -> [FloatTensor] {
    let outer = x.shape[..<axis].reduce(1, *), n = x.shape[axis], inner = x.shape[(axis + 1)...].reduce(1, *)
    var shape = x.shape
    shape.remove(at: axis)
    return (0..<n).map { k in
      var v: [Float] = []
      v.reserveCapacity(outer * inner)
      for o in 0..<outer { v += x.values[((o * n + k) * inner)..<((o * n + k + 1) * inner)] }
      return FloatTensor(shape: shape, values: v)
    }
  }

  /// Same-shaped `pieces` joined along a new `axis`: Stack's forward, Split's gradient.
  static func stack(_ pieces: [FloatTensor], axis: Int) -> FloatTensor {
    let s = pieces[0].shape
    let outer = s[..<axis].reduce(1, *), inner = s[axis...].reduce(1, *)
    var v: [Float] = []
    v.reserveCapacity(outer * inner * pieces.count)
    for o in 0..<outer { for p in pieces { v += p.values[(o * inner)..<((o + 1) * inner)] } }
    var shape = s
    shape.insert(pieces.count, at: axis)
    return FloatTensor(shape: shape, values: v)
  }
}
