import Foundation
import Testing
import _NNTestSupport

/// A temporary folder a hostile run happens in: canaries of every kind a user keeps beside a model
/// (a file, a folder of notes, links to both, a FIFO standing in for a device), and a snapshot of
/// everything under it, so a test can assert that a refused command changed nothing at all.
struct Sandbox {
  let root: URL

  init(_ name: String = "sandbox") throws {
    root = try Fixtures.temporaryDirectory(name)
    let fm = FileManager.default
    for folder in ["notes", "empty"] { try fm.createDirectory(at: url(folder), withIntermediateDirectories: true) }
    try Data("canary\n".utf8).write(to: url("canary.txt"))
    try Data("the user's notes\n".utf8).write(to: url("notes/todo.txt"))
    try fm.createSymbolicLink(atPath: path("link-to-file"), withDestinationPath: "canary.txt")
    try fm.createSymbolicLink(atPath: path("link-to-folder"), withDestinationPath: "notes")
    #expect(mkfifo(path("fifo"), 0o644) == 0, "a FIFO stands in for a device")
  }

  func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }
  func path(_ relative: String) -> String { url(relative).path }
  func remove() { try? FileManager.default.removeItem(at: root) }

  /// Writes `bytes` to `relative` (its folders made) and returns the absolute path.
  @discardableResult
  func write(_ relative: String, _ bytes: [UInt8]) throws -> String {
    try FileManager.default.createDirectory(at: url(relative).deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: url(relative))
    return path(relative)
  }

  /// Every entry under the root (never following a link, never opening a FIFO) → what it is.
  func snapshot(_ relative: String = "") -> [String: String] {
    var entries: [String: String] = [:]
    let folder = relative.isEmpty ? root.path : path(relative)
    for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
      let rel = relative.isEmpty ? name : relative + "/" + name
      var s = stat()
      guard lstat(path(rel), &s) == 0 else { continue }
      switch s.st_mode & S_IFMT {
      case S_IFDIR: entries[rel] = "folder"; entries.merge(snapshot(rel)) { a, _ in a }
      case S_IFLNK: entries[rel] = "link to " + ((try? FileManager.default.destinationOfSymbolicLink(atPath: path(rel))) ?? "?")
      case S_IFREG: entries[rel] = (try? Data(contentsOf: url(rel))).map(Self.fingerprint) ?? "unreadable file"
      default: entries[rel] = "other \(s.st_mode & S_IFMT)"
      }
    }
    return entries
  }

  /// Size and FNV-1a hash: any changed byte shows, and a failure message stays short.
  static func fingerprint(_ bytes: Data) -> String {
    let hash = bytes.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    return "file of \(bytes.count) bytes, FNV-1a \(String(hash, radix: 16))"
  }
}

extension CLI {
  /// The house rule for bad input, checked in full: runs `nncompile args` with the sandbox as its
  /// working folder and expects exit `status` (not a signal), exactly one stderr line starting
  /// with `prefix` and holding `fragment`, and every file under the sandbox as it was.
  @discardableResult
  static func expectRefusal(
    _ args: [String], in box: Sandbox, status: Int32 = 1, prefix: String, _ fragment: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> Result {
    let before = box.snapshot()
    let r = try run(args, in: box.root)
    #expect(r.status == status, "exit status \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
    let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    #expect(lines.count == 1, "one line, got: \(r.stderr)", sourceLocation: sourceLocation)
    #expect(r.stderr.hasPrefix(prefix), "\(r.stderr) should start with \(prefix)", sourceLocation: sourceLocation)
    #expect(r.stderr.contains(fragment), "\(r.stderr) should contain \(fragment)", sourceLocation: sourceLocation)
    let after = box.snapshot()
    #expect(after == before, "changed: \(Set(after.keys).symmetricDifference(before.keys).sorted()) \(before.filter { after[$0.key] != $0.value }.keys.sorted())", sourceLocation: sourceLocation)
    return r
  }
}
