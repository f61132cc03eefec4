import Foundation

/// An output folder written file by file over a long run (`nncompile search -o`), so whatever is
/// written survives an interruption and a later run can resume from it.
///
/// The same rules as `OutputFolder` decide whether the folder may be used: a path where nothing
/// exists yet, an empty folder, or a folder whose `.nncompile` marker lists everything it holds
/// (with `force`, any folder). Unlike `OutputFolder` it is never replaced whole: each file is
/// written to a temporary sibling and renamed into place (`PendingWrites`: a signal never leaves it
/// half written), then the marker is rewritten to list it. A file nncompile did not write (one
/// not listed, added meanwhile) is never replaced, even with `force`.
public struct GrowingOutputFolder: Sendable {
  public let path: String
  let inputs: [String]

  /// `inputs`: every file the command reads. Creates the folder when it is missing.
  public init(_ path: String, inputs: [String] = [], force: Bool = false) throws {
    (self.path, self.inputs) = (path, inputs)
    let target = try OutputPath(path, expecting: .folder, inputs: inputs)
    if target.kind != .missing && !force { try OutputFolder.refuseForeignFiles(in: target, forceWould: "use") }
    do {
      try FileManager.default.createDirectory(atPath: target.resolved, withIntermediateDirectories: true)
    } catch {
      throw target.error("cannot create the output folder: \(OutputPath.reason(error))")
    }
  }

  /// The files the marker lists (empty for a new folder).
  public var listedFiles: Set<String> {
    (try? OutputPath(path, expecting: .folder, inputs: inputs)).flatMap { OwnOutputs.filesListed(inFolder: $0.resolved) } ?? []
  }

  /// The bytes of `name` if the marker lists it (a file nncompile wrote here), else nil.
  public func read(_ name: String) -> [UInt8]? {
    guard listedFiles.contains(name) else { return nil }
    return OwnOutputs.regularFileBytes(path + "/" + name, limit: 1 << 30)
  }

  /// Writes `name` (may hold folders: `candidates/3.nnp`) whole, then lists it in the marker.
  public func write(_ name: String, _ bytes: [UInt8]) throws {
    let folder = try OutputPath(path, expecting: .folder, inputs: inputs)
    var listed = OwnOutputs.filesListed(inFolder: folder.resolved) ?? []
    let url = URL(fileURLWithPath: folder.resolved + "/" + name)
    let kind = OutputPath.kind(of: url.path)
    guard kind == .missing || (kind == .file && listed.contains(name)) else {
      throw folder.error("holds '\(name)', which nncompile did not write; it was left as it is")
    }
    do {
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      // Listed first: a file that exists is always listed, so a crash between the two steps
      // leaves at worst a listed name without a file, never a foreign-looking file.
      if !listed.contains(name) {
        listed.insert(name)
        try replace(folder.resolved + "/" + OwnOutputs.folderMarkerName, Array(OwnOutputs.folderMarker(listing: listed.sorted()).utf8))
      }
      try replace(url.path, bytes)
    } catch {
      if let e = error as? CompileError { throw e }
      throw folder.error("cannot write '\(name)': \(OutputPath.reason(error))")
    }
  }

  /// `bytes` to a temporary sibling, renamed over `target` in one step no signal can split.
  private func replace(_ target: String, _ bytes: [UInt8]) throws {
    let url = URL(fileURLWithPath: target)
    let temporary = url.deletingLastPathComponent().path + "/.\(url.lastPathComponent).nncompile-\(UUID().uuidString.prefix(8))"
    do {
      try PendingWrites.locked {
        try createFile(atPath: temporary, bytes, sync: false)
        PendingWrites.register(temporary, becoming: target)
      }
      try PendingWrites.locked {
        guard rename(temporary, target) == 0 else { throw POSIXError(errno) }
        PendingWrites.unregister(temporary)
      }
    } catch {
      PendingWrites.locked {
        if OutputPath.kind(of: temporary) == .file { unlink(temporary) }
        PendingWrites.unregister(temporary)
      }
      throw error
    }
  }
}
