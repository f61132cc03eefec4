import NNIR

/// A tensor viewed as `[outer, channels, inner]` around one axis: how PReLU finds an element's
/// slope and LogSoftmax its reduction, and the C kernels' three loop counts.
struct ChannelGeometry: Equatable {
  var outer: Int
  var channels: Int
  var inner: Int

  init(_ shape: [Int], axis: Int) {
    outer = shape[..<axis].reduce(1, *)
    channels = shape[axis]
    inner = shape[(axis + 1)...].reduce(1, *)
  }

  /// One channel spanning everything (PReLU's shared slope).
  init(count: Int) {
    outer = 1
    channels = 1
    inner = count
  }

  /// The channel of row-major element `i`.
  func channel(_ i: Int) -> Int { (i / inner) % channels }

  /// `axis` with nnabla's `refine_axis` (negative counts from the end), or a one-line error.
  static func axis(_ axis: Int, rank: Int, _ function: String) throws -> Int {
    let a = axis < 0 ? axis + rank : axis
    guard a >= 0, a < rank else { throw FunctionAttributeError("\(function): axis \(axis) is out of range for rank \(rank)") }
    return a
  }
}
