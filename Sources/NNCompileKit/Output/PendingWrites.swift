import Foundation

/// The outputs being written right now, so that SIGINT or SIGTERM can undo them: no staging
/// folder or temporary file (`.X.nncompile-…`) remains, and a replaced output stays as it was.
///
/// Writers make every change to the file system inside `locked`, registering what they stage
/// as soon as it exists. The signal handler (`undoAllAndExit`) takes the same lock and never
/// gives it back, so it sees the disk between two steps, never in the middle of one: before the
/// commit it removes what is staged, after it nothing is pending.
public enum PendingWrites {
  private static let lock = NSLock()
  /// Staged path → the output it will become (for the message).
  nonisolated(unsafe) private static var staged: [String: String] = [:]

  static func locked<T>(_ body: () throws -> T) rethrows -> T {
    lock.lock()
    defer { lock.unlock() }
    return try body()
  }

  /// Inside `locked`, right after creating `path`.
  static func register(_ path: String, becoming output: String) { staged[path] = output }
  /// Inside `locked`, once `path` is renamed into place or removed.
  static func unregister(_ path: String) { staged[path] = nil }

  /// For a signal handler: removes everything staged, says so on stderr (one line per output),
  /// and ends the process with `status` without returning the lock, so no writer moves on.
  public static func undoAllAndExit(_ status: Int32) -> Never {
    lock.lock()
    for (path, output) in staged {
      try? FileManager.default.removeItem(atPath: path)
      FileHandle.standardError.write(Data("\(output): error: interrupted; not written, anything there before is unchanged\n".utf8))
    }
    _exit(status)
  }

  /// TEST HOOK, no effect unless the environment sets it: `NNCOMPILE_TEST_WRITE_DELAY=<seconds>`
  /// waits that long once something is staged (outside the lock), so a test can signal the
  /// process mid-write.
  static func pauseForTests() {
    guard let text = ProcessInfo.processInfo.environment["NNCOMPILE_TEST_WRITE_DELAY"], let seconds = Double(text), seconds > 0 else { return }
    Thread.sleep(forTimeInterval: min(seconds, 60))
  }
}
