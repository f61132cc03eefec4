/// Why an op cannot be applied to the shapes it was given.
public struct ShapeError: Error, Equatable, Sendable, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// Limits that keep every tensor addressable with the generated code's `int32_t` indices.
public enum ShapeLimits {
  /// Largest element count of one tensor (2^31 - 1).
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
}
