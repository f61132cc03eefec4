/// A malformed or unsupported file, described in one line for the user.
///
/// `format` names the reader or writer ("zip", "deflate", "gzip", "protobuf", "prototext",
/// "hdf5", "png", "pgm", "npy", "idx", "csv", "nnp"); `message` says what is wrong and where
/// (byte offset, line, entry name).
/// The CLI prints it as `<file>: error: <format>: <message>`.
public struct FormatError: Error, Equatable, Sendable, CustomStringConvertible {
  public let format: String
  public let message: String

  public init(_ format: String, _ message: String) {
    self.format = format
    self.message = message
  }

  public var description: String { "\(format): \(message)" }
}
