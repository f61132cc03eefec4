import Foundation
import NNFormats
import Testing

/// Reads files under `Tests/Fixtures/formats` (made by `make_format_fixtures.py`) and `Tests/Fixtures/real`.
enum FormatFixtures {
  /// `Tests/Fixtures`, found from this source file so tests run from any working directory.
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

  static func bytes(_ relative: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: root.appendingPathComponent(relative)))
  }

  /// Lines of a whitespace-separated manifest, split into fields.
  static func manifest(_ relative: String) throws -> [[String]] {
    String(decoding: try bytes(relative), as: UTF8.self)
      .split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
  }
}

/// Runs `body` and returns the `FormatError` it throws (failing the test if it throws none).
func formatError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> FormatError? {
  do {
    try body()
    Issue.record("expected a FormatError, got success", sourceLocation: sourceLocation)
  } catch let e as FormatError {
    return e
  } catch {
    Issue.record("expected a FormatError, got \(error)", sourceLocation: sourceLocation)
  }
  return nil
}
