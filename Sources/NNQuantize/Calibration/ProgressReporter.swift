import Foundation

/// Told how a long-running step (calibration) is getting on.
///
/// Calls come from the thread running the step, in order; `finish` comes once at the end.
public protocol ProgressReporter: AnyObject {
  /// `completed` of `total` items of `phase` (e.g. "ranges", "histograms") are done.
  func update(phase: String, completed: Int, total: Int)
  /// The step is over (the reporter may end its line).
  func finish()
}

/// A one-line progress bar on stderr, redrawn in place with `\r`:
/// `histograms [############..................] 7/16 samples`.
///
/// Only draws when stderr is a terminal; `TerminalProgressBar.forStandardError()` returns nil
/// otherwise, so logs and pipes stay clean.
public final class TerminalProgressBar: ProgressReporter {
  public let width: Int
  public let unit: String
  private let write: (String) -> Void
  private var lastLine = ""

  /// A bar that writes its text to `write` (e.g. a test's buffer).
  public init(width: Int = 30, unit: String = "samples", write: @escaping (String) -> Void) {
    precondition(width >= 1, "TerminalProgressBar: width must be positive")
    self.width = width
    self.unit = unit
    self.write = write
  }

  /// A bar on stderr, or nil when stderr is not a terminal (`isatty(2)` is false).
  public static func forStandardError(width: Int = 30, unit: String = "samples") -> TerminalProgressBar? {
    guard isatty(2) != 0 else { return nil }
    return TerminalProgressBar(width: width, unit: unit) { text in
      FileHandle.standardError.write(Data(text.utf8))
    }
  }

  /// The bar for `completed` of `total`, without `\r`: `phase [####......] 4/10 samples`.
  public static func render(phase: String, completed: Int, total: Int, width: Int, unit: String) -> String {
    let done = total > 0 ? min(max(completed, 0), total) : 0
    let filled = total > 0 ? done * width / total : 0
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    let prefix = phase.isEmpty ? "" : "\(phase) "
    return "\(prefix)[\(bar)] \(done)/\(total) \(unit)"
  }

  public func update(phase: String, completed: Int, total: Int) {
    let line = Self.render(phase: phase, completed: completed, total: total, width: width, unit: unit)
    guard line != lastLine else { return }
    // Pad over a longer previous line (phase names differ in length).
    let padding = String(repeating: " ", count: max(lastLine.count - line.count, 0))
    write("\r" + line + padding)
    lastLine = line
  }

  public func finish() {
    guard !lastLine.isEmpty else { return }
    write("\n")
    lastLine = ""
  }
}
