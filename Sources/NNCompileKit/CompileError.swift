import NNFormats
import NNIR

/// A failure the user must fix, tied to the file it concerns; printed one line per problem as
/// `<file>: <problem>`.
public struct CompileError: Error, CustomStringConvertible {
  public var file: String
  public var problems: [String]

  public init(file: String, _ problems: [String]) {
    self.file = file
    self.problems = problems
  }

  public init(file: String, _ problem: String) {
    self.init(file: file, [problem])
  }

  /// Wraps any error thrown while reading `file` into one line per problem.
  public init(file: String, wrapping error: any Error) {
    switch error {
    case let e as CompileError: self = e
    case let e as DiagnosticError: self.init(file: file, e.diagnostics.map(\.description))
    case let e as FormatError: self.init(file: file, "error: \(e.description)")
    case let e as FileReadError: self.init(file: e.path, "error: \(e.problem)")
    case let e as ShapeError: self.init(file: file, "error: \(e.message)")
    default: self.init(file: file, "error: \(error)")
    }
  }

  public var description: String {
    problems.map { "\(file): \($0)" }.joined(separator: "\n")
  }
}
