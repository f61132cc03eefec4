import Foundation

/// A path a command is about to write, resolved and classified, with the refusals every output
/// shares; `OutputFolder` and `OutputFile` add the rules of their kind.
///
/// Shared refusals, with or without `--force`: an empty path; a path ending in `.` or `..`; and,
/// when something is there already, the current folder or any folder above it, an input, or a
/// folder holding an input. Inputs are compared both as given (their folders resolved) and with
/// every link resolved, and files also by device and inode, so a link or a hard link to an input
/// is caught too.
struct OutputPath {
  enum Kind: Equatable {
    case missing, folder, file, symbolicLink, device, fifo, socket
  }

  /// As the user wrote it: what messages name.
  let given: String
  /// Absolute, with every link in the folders above resolved; the last component kept as given
  /// (it may be a link, or not exist yet).
  let resolved: String
  /// What `resolved` is now, not following a link.
  let kind: Kind

  /// Throws the refusal unless nothing is at `path` yet or something of the `expected` kind that
  /// none of the shared rules protects.
  init(_ path: String, expecting expected: Kind, inputs: [String]) throws {
    given = path
    var trimmed = path
    while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
    let last = trimmed.split(separator: "/").last.map(String.init) ?? trimmed
    guard !path.isEmpty else { throw CompileError(file: "''", "error: the output path is empty") }
    guard last != "." && last != ".." else {
      throw CompileError(file: path, "error: names '\(last)'; give the output its own name (nncompile replaces what it writes whole)")
    }
    resolved = Self.resolvingFolders(trimmed)
    kind = Self.kind(of: resolved)
    guard kind != .missing else { return }
    if let cwd = Self.realPath(FileManager.default.currentDirectoryPath), Self.isSelfOrAncestor(resolved, of: cwd) {
      throw error("is the current folder or a folder above it; give the output its own name")
    }
    for input in inputs {
      switch relation(to: input) {
      case .same: throw error("is an input of this command (\(input)); write the output elsewhere")
      case .holds: throw error("holds the input \(input); write the output elsewhere")
      case .unrelated: continue
      }
    }
    guard kind == expected else { throw refusal(expecting: expected) }
  }

  func error(_ problem: String) -> CompileError { CompileError(file: given, "error: " + problem) }

  /// The folder that holds `resolved`, and its name there.
  var parent: String { String(resolved[..<(resolved.lastIndex(of: "/") ?? resolved.startIndex)]).nonEmpty ?? "/" }
  var name: String { String(resolved[resolved.index(after: resolved.lastIndex(of: "/") ?? resolved.startIndex)...]) }

  /// The refusal for a kind the writer never replaces (everything but `missing` and its own kind).
  private func refusal(expecting expected: Kind) -> CompileError {
    switch kind {
    case .symbolicLink: error("is a symbolic link; name the \(expected == .folder ? "folder" : "file") itself (nncompile neither follows nor replaces links)")
    case .device: error("is a device, not a \(expected == .folder ? "folder" : "file") nncompile may write")
    case .fifo: error("is a FIFO (named pipe), not a \(expected == .folder ? "folder" : "file") nncompile may write")
    case .socket: error("is a socket, not a \(expected == .folder ? "folder" : "file") nncompile may write")
    case .file: error("is a file, not a folder; name a new folder (nncompile never replaces a file with a folder)")
    case .folder: error("is a folder; name the file to write")
    case .missing: error("does not exist")
    }
  }

  private enum Relation { case same, holds, unrelated }

  /// Whether `resolved` is `input` (by path, or by inode for files) or a folder above it.
  private func relation(to input: String) -> Relation {
    let candidates = [Self.resolvingFolders(input), Self.realPath(input)].compactMap { $0 }
    if candidates.contains(resolved) { return .same }
    if candidates.contains(where: { Self.isSelfOrAncestor(resolved, of: $0) }) { return .holds }
    var a = stat(), b = stat()
    let sameFile = kind == .file && lstat(resolved, &a) == 0 && stat(input, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino
    return sameFile ? .same : .unrelated
  }

  static func isSelfOrAncestor(_ folder: String, of path: String) -> Bool {
    folder == path || folder == "/" || path.hasPrefix(folder + "/")
  }

  static func kind(of path: String) -> Kind {
    var s = stat()
    guard lstat(path, &s) == 0 else { return .missing }
    switch s.st_mode & S_IFMT {
    case S_IFDIR: return .folder
    case S_IFREG: return .file
    case S_IFLNK: return .symbolicLink
    case S_IFIFO: return .fifo
    case S_IFSOCK: return .socket
    default: return .device
    }
  }

  static func realPath(_ path: String) -> String? {
    guard let r = realpath(path, nil) else { return nil }
    defer { free(r) }
    return String(cString: r)
  }

  /// `path` made absolute with its folders resolved (as far as they exist); the last component as is.
  static func resolvingFolders(_ path: String) -> String {
    let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    guard let slash = absolute.lastIndex(of: "/"), absolute != "/" else { return absolute }
    let folder = String(absolute[..<slash]).nonEmpty ?? "/"
    let name = absolute[absolute.index(after: slash)...]
    let resolvedFolder = realPath(folder) ?? (folder == "/" ? "/" : resolvingFolders(folder))
    return (resolvedFolder == "/" ? "" : resolvedFolder) + "/" + name
  }
}

extension OutputPath {
  /// The system's words for why a write failed ("No space left on device"), not Foundation's.
  static func reason(_ error: any Error) -> String {
    let ns = error as NSError
    if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
      return String(cString: strerror(Int32(underlying.code)))
    }
    return ns.localizedDescription
  }
}

extension POSIXError {
  init(_ code: Int32) { self.init(POSIXErrorCode(rawValue: code) ?? .EIO) }
}

extension String {
  fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
