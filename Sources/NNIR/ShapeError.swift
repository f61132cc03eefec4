/// Why an op cannot be applied to the shapes it was given.
public struct ShapeError: Error, Equatable, Sendable, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
