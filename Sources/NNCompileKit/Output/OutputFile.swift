import Foundation

/// A file a command writes whole (`train -o`, `verify --json`): a full disk, an error or a signal
/// never leaves it truncated, and it replaces only what nncompile wrote.
///
/// May be written: a path where nothing exists yet, or a regular file `recognizes` accepts (one
/// nncompile wrote, see `OwnOutputs`); with `force`, any other regular file too. Never, with or
/// without `force`: a folder, a symbolic link, a device, FIFO or socket, or an input (also
/// through a link or a hard link), nor the shared refusals of `OutputPath`.
///
/// Writing: the bytes go to a fresh sibling `.name.nncompile-<id>`, are flushed to disk, and the
/// file is renamed over the target in one step no signal can split (`PendingWrites`); before that,
/// an error or SIGINT/SIGTERM removes the temporary file and leaves the target as it was.
public struct OutputFile: Sendable {
  public let path: String
  let inputs: [String]
  let force: Bool
  let recognizes: @Sendable (String) -> Bool

  /// `inputs`: every file the command reads; `recognizes`: true for a file nncompile wrote there.
  public init(_ path: String, inputs: [String], force: Bool = false, recognizes: @escaping @Sendable (String) -> Bool) throws {
    (self.path, self.inputs, self.force, self.recognizes) = (path, inputs, force, recognizes)
    _ = try check()
  }

  public func write(_ bytes: [UInt8]) throws {
    var target = try check()
    let temporary = target.parent + "/.\(target.name).nncompile-\(UUID().uuidString.prefix(8))"
    do {
      try PendingWrites.locked {
        try createFile(atPath: temporary, bytes, sync: true)
        PendingWrites.register(temporary, becoming: path)
      }
      PendingWrites.pauseForTests()
      try PendingWrites.locked {
        target = try check()  // the path may have changed while the bytes were written
        guard rename(temporary, target.resolved) == 0 else { throw POSIXError(errno) }
        PendingWrites.unregister(temporary)
      }
    } catch {
      PendingWrites.locked {
        if OutputPath.kind(of: temporary) == .file { unlink(temporary) }
        PendingWrites.unregister(temporary)
      }
      if let e = error as? CompileError { throw e }
      throw target.error("cannot write: \(OutputPath.reason(error))")
    }
  }

  /// The path, resolved, if the rules allow writing it now.
  private func check() throws -> OutputPath {
    let target = try OutputPath(path, expecting: .file, inputs: inputs)
    guard OutputPath.kind(of: target.parent) == .folder else { throw target.error("cannot write: no folder \(target.parent)") }
    guard target.kind != .missing else { return target }
    guard force || recognizes(target.resolved) else {
      throw target.error("exists and nncompile did not write it; name a new file, or pass --force to replace it")
    }
    return target
  }
}

/// A new file at `path` holding `bytes` (flushed to the disk with `sync`), or an error and no file:
/// a full disk fails here, with the system's reason, before anything is renamed into place.
func createFile(atPath path: String, _ bytes: [UInt8], sync: Bool) throws {
  let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
  guard fd >= 0 else { throw POSIXError(errno) }
  var failure: Int32 = 0
  var done = 0
  while done < bytes.count && failure == 0 {
    let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
    if n > 0 { done += n } else if n == 0 { failure = ENOSPC } else if errno != EINTR { failure = errno }
  }
  if failure == 0 && sync && fsync(fd) != 0 { failure = errno }
  if close(fd) != 0 && failure == 0 { failure = errno }
  guard failure == 0 else {
    unlink(path)
    throw POSIXError(failure)
  }
}
