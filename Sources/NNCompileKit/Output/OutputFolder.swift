import Foundation

/// The folder `-o` names (compile, `--format arduino`, `verify -o`): written whole or not at all,
/// and only where nothing nncompile did not write is lost.
///
/// May be written: a path where nothing exists yet, an empty folder, or a folder nncompile wrote
/// that holds nothing else (its `.nncompile` marker lists the files, see `OwnOutputs`); with
/// `force`, any other folder too. Never, with or without `force`: a file, a symbolic link, a
/// device, FIFO or socket, `.` or `..`, the current folder or one above it, an input or a folder
/// holding one (`OutputPath`). The rules are checked when the value is made (before the work
/// that produces the files) and again just before the old folder is replaced.
///
/// Writing: the files go into a fresh hidden sibling `.X.nncompile-<id>`; then, in one step no
/// signal can split (`PendingWrites`), `X` is renamed to `.X.nncompile-old-<id>`, the new folder
/// renamed to `X`, and the old one deleted. Any error, or SIGINT/SIGTERM, before that step
/// removes the staging folder and leaves `X` as it was.
public struct OutputFolder: Sendable {
  public let path: String
  let inputs: [String]
  let force: Bool

  /// `inputs`: every file the command reads (model, calibration data, inputs, expected outputs).
  public init(_ path: String, inputs: [String] = [], force: Bool = false) throws {
    (self.path, self.inputs, self.force) = (path, inputs, force)
    _ = try check()
  }

  /// Writes `files` (names may hold folders, as `src/model.c`) and the marker, replacing the folder.
  public func write(_ files: [(name: String, contents: String)]) throws {
    var target = try check()
    let id = UUID().uuidString.prefix(8)
    let staging = target.parent + "/.\(target.name).nncompile-\(id)"
    do {
      try FileManager.default.createDirectory(atPath: target.parent, withIntermediateDirectories: true)
      try PendingWrites.locked {
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
        PendingWrites.register(staging, becoming: path)
      }
    } catch {
      throw target.error("cannot create the output folder: \(OutputPath.reason(error))")
    }
    do {
      let marker = (name: OwnOutputs.folderMarkerName, contents: OwnOutputs.folderMarker(listing: files.map(\.name).sorted()))
      for (n, file) in ([marker] + files).enumerated() {
        try PendingWrites.locked {
          let url = URL(fileURLWithPath: staging + "/" + file.name)
          try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
          try createFile(atPath: url.path, Array(file.contents.utf8), sync: false)
        }
        if n == 1 { PendingWrites.pauseForTests() }
      }
      try PendingWrites.locked {
        target = try check()  // the folder may have changed while the files were written
        try Self.replace(target.resolved, with: staging, keepingOldAt: target.parent + "/.\(target.name).nncompile-old-\(id)")
        PendingWrites.unregister(staging)
      }
    } catch {
      PendingWrites.locked {
        try? FileManager.default.removeItem(atPath: staging)
        PendingWrites.unregister(staging)
      }
      if let e = error as? CompileError { throw e }
      throw target.error("cannot write the output folder: \(OutputPath.reason(error))")
    }
  }

  /// Renames `staging` to `target`; an existing `target` is first renamed to `old` (and put back
  /// if the second rename fails), then deleted.
  static func replace(_ target: String, with staging: String, keepingOldAt old: String) throws {
    guard OutputPath.kind(of: target) != .missing else {
      guard rename(staging, target) == 0 else { throw POSIXError(errno) }
      return
    }
    guard rename(target, old) == 0 else { throw POSIXError(errno) }
    guard rename(staging, target) == 0 else {
      let failure = POSIXError(errno)
      guard rename(old, target) == 0 else {
        throw CompileError(file: old, "error: this is the previous \(target): it could not be renamed back (\(OutputPath.reason(failure)))")
      }
      throw failure
    }
    // The new output is in place; a leftover of the old one is only clutter.
    try? FileManager.default.removeItem(atPath: old)
  }

  /// The path, resolved, if the rules allow writing it now.
  private func check() throws -> OutputPath {
    let target = try OutputPath(path, expecting: .folder, inputs: inputs)
    guard target.kind != .missing else {
      // It will be created with the folders above it: the nearest one that exists must be a folder.
      var above = target.parent
      while OutputPath.kind(of: above) == .missing && above != "/" { above = (above as NSString).deletingLastPathComponent }
      guard OutputPath.kind(of: above) == .folder else { throw target.error("cannot be created: \(above) is not a folder") }
      return target
    }
    if !force { try Self.refuseForeignFiles(in: target, forceWould: "replace") }
    return target
  }

  /// The first entry under `folder` that is neither the marker, a listed file, nor a folder on the
  /// way to one (links are entries, never followed); nil when there is none.
  /// Throws, naming one, when the existing folder holds a file nncompile did not write (one its
  /// list of outputs does not name, or any file when there is no list). `forceWould` says what
  /// --force does to the folder instead: "replace" (compile's outputs) or "use" (search's).
  static func refuseForeignFiles(in target: OutputPath, forceWould verb: String) throws {
    let listed = OwnOutputs.filesListed(inFolder: target.resolved)
    if let foreign = firstUnlisted(in: target.resolved, relative: "", listed: listed ?? []) {
      throw target.error(
        listed == nil
          ? "is a folder nncompile did not write (it holds '\(foreign)'); name a new or empty folder, or pass --force to \(verb) it"
          : "holds '\(foreign)', which nncompile did not write; move it out, or pass --force to \(verb) the folder")
    }
  }

  static func firstUnlisted(in folder: String, relative: String, listed: Set<String>) -> String? {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
      return relative.isEmpty ? "(cannot list it)" : relative
    }
    for name in names.sorted() {
      let path = relative.isEmpty ? name : relative + "/" + name
      if path == OwnOutputs.folderMarkerName { continue }
      if OutputPath.kind(of: folder + "/" + name) == .folder {
        guard listed.contains(where: { $0.hasPrefix(path + "/") }) else { return path }
        if let inner = firstUnlisted(in: folder + "/" + name, relative: path, listed: listed) { return inner }
      } else if !listed.contains(path) {
        return path
      }
    }
    return nil
  }
}
