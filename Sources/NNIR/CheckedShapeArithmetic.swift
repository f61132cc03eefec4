/// The one place shape arithmetic happens: sums and products of dimensions and attributes that
/// fail with a `ShapeError` naming the values instead of trapping on overflow.
///
/// Every result, and every attribute, is bounded by `maxElements` (2^31 − 1): the generated C
/// indexes with `int32_t`, and no microcontroller holds a tensor, a padded axis or a stride near
/// that. Bounding the operands first means no intermediate Int64 product can overflow either.
///
///     try ShapeLimits.multiply(3, 1 << 62, "Deconvolution output size")
///     // ShapeError: "Deconvolution output size: 3 × 4611686018427387904 is more than 2147483647"
public enum ShapeLimits {
  /// Largest element count of one tensor, and largest value of any dimension or attribute (2^31 - 1).
  public static let maxElements = Int(Int32.max)

  /// The element count of `shape`, or an error when a dimension is negative or the count overflows
  /// `maxElements`.
  public static func elementCount(_ shape: [Int]) throws(ShapeError) -> Int {
    var count = 1
    for dim in shape {
      guard dim >= 0 else { throw ShapeError("negative dimension \(dim) in shape \(shape)") }
      let (product, overflow) = count.multipliedReportingOverflow(by: dim)
      guard !overflow, product <= maxElements else {
        throw ShapeError("shape \(shape) has more than \(maxElements) elements (2^31 - 1)")
      }
      count = product
    }
    return count
  }

  /// `a × b`, or an error naming `what` and the operands when the product leaves ±`maxElements`.
  public static func multiply(_ a: Int, _ b: Int, _ what: @autoclosure () -> String) throws(ShapeError) -> Int {
    let (product, overflow) = a.multipliedReportingOverflow(by: b)
    guard !overflow, product.magnitude <= maxElements else {
      throw ShapeError("\(what()): \(a) × \(b) is more than \(maxElements)")
    }
    return product
  }

  /// `a + b`, or an error naming `what` and the operands when the sum leaves ±`maxElements`.
  public static func add(_ a: Int, _ b: Int, _ what: @autoclosure () -> String) throws(ShapeError) -> Int {
    let (sum, overflow) = a.addingReportingOverflow(b)
    guard !overflow, sum.magnitude <= maxElements else {
      throw ShapeError("\(what()): \(a) + \(b) is more than \(maxElements)")
    }
    return sum
  }

  /// Checks that every value of attribute `name` lies in `range` (whose upper end is capped at
  /// `maxElements`), naming the first that does not.
  ///
  ///     try ShapeLimits.check("Convolution stride", [1, 0], in: 1...)  // "Convolution stride 0 must be ≥ 1"
  public static func check(_ name: String, _ values: [Int], in range: PartialRangeFrom<Int>) throws(ShapeError) {
    try check(name, values, in: range.lowerBound...maxElements)
  }

  public static func check(_ name: String, _ values: [Int], in range: ClosedRange<Int>) throws(ShapeError) {
    for v in values where !range.contains(v) {
      let bound = v < range.lowerBound ? "≥ \(range.lowerBound)" : "at most \(range.upperBound)"
      throw ShapeError("\(name) \(v) must be \(bound)")
    }
  }

  /// Checks a Slice step: non-zero, and no larger in magnitude than `maxElements`.
  public static func checkStep(_ name: String, _ values: [Int]) throws(ShapeError) {
    for v in values where v == 0 || v.magnitude > maxElements {
      throw ShapeError(v == 0 ? "\(name) must not be 0" : "\(name) \(v) must be between -\(maxElements) and \(maxElements)")
    }
  }
}
