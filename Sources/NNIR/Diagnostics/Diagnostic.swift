/// One finding about a model, with where it was found: data, so every stage reports alike.
///
/// The CLI prints it as `<file>: <location>: <severity>: <message>`, e.g.
/// `model.nnp: function 'conv2' (Convolution): error: weight [8, 3, 3] must be [out, in/group, k…]`.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
  public enum Severity: String, Sendable { case error, warning, note }

  public var severity: Severity
  /// A node, tensor or entry of the model (`function 'conv2' (Convolution)`), or nil for the whole model.
  public var location: String?
  public var message: String

  public init(_ severity: Severity, _ message: String, at location: String? = nil) {
    self.severity = severity
    self.message = message
    self.location = location
  }

  public static func error(_ message: String, at location: String? = nil) -> Diagnostic {
    Diagnostic(.error, message, at: location)
  }

  public var description: String {
    (location.map { "\($0): " } ?? "") + "\(severity.rawValue): \(message)"
  }
}

/// A stage failed; `diagnostics` holds every error it found (not just the first).
public struct DiagnosticError: Error, Sendable, CustomStringConvertible {
  public var diagnostics: [Diagnostic]
  public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
  public init(_ message: String, at location: String? = nil) {
    self.diagnostics = [.error(message, at: location)]
  }
  public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
