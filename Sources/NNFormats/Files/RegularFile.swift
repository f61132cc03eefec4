#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The one way nncompile reads a file a user named: regular files only, never more than a limit.
///
/// - The path is `stat`ed before it is opened, so a FIFO, socket or device (`/dev/zero`, a
///   terminal) is refused without being opened; a FIFO would block `open`, a device never ends.
///   A symlink to a regular file is fine (`stat` follows it).
/// - The file is opened with `O_NONBLOCK` and `fstat`ed again, so a path swapped for a FIFO
///   between the two calls still cannot block or stream forever.
/// - Reads stop at `limit + 1` bytes whatever the size said, so a file that grows while we
///   read it, or a `/proc` file whose size is 0, is still bounded.
///
/// Every problem is a `FileReadError` naming the path, e.g.
/// `data.bin: error: is a FIFO (named pipe), expected a regular file`.
public final class RegularFile {
  public let path: String
  /// The size `fstat` reported when the file was opened.
  public let size: Int
  private let descriptor: Int32
  /// Bytes read so far.
  public private(set) var position = 0

  /// Opens `path` for reading if it is a regular file. `followingLinks: false` also refuses a
  /// symlink (what nncompile checks before replacing its own outputs).
  public init(path: String, followingLinks: Bool = true) throws {
    self.path = path
    var info = stat()
    guard (followingLinks ? stat(path, &info) : lstat(path, &info)) == 0 else { throw FileReadError(path: path, Self.describe(errno)) }
    try Self.requireRegular(info, path: path)
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | (followingLinks ? 0 : O_NOFOLLOW))
    guard fd >= 0 else { throw FileReadError(path: path, "cannot open the file: \(Self.describe(errno))") }
    guard fstat(fd, &info) == 0 else {
      let problem = Self.describe(errno)
      close(fd)
      throw FileReadError(path: path, problem)
    }
    do { try Self.requireRegular(info, path: path) } catch {
      close(fd)
      throw error
    }
    descriptor = fd
    size = Int(info.st_size)
  }

  deinit { close(descriptor) }

  /// The next bytes of the file, at most `count` (fewer at its end).
  public func read(upTo count: Int) throws -> [UInt8] {
    // Room for what `fstat` said is left and one byte more (to meet the end); more only if the
    // file really is longer, so a generous `count` costs nothing for a small file.
    var bytes = [UInt8](repeating: 0, count: min(max(0, count), max(0, size - position) + 1))
    var filled = 0
    while filled < count {
      if filled == bytes.count { bytes += [UInt8](repeating: 0, count: min(count - filled, max(bytes.count, 1 << 16))) }
      let n = bytes.withUnsafeMutableBytes { raw in
        systemRead(descriptor, raw.baseAddress! + filled, raw.count - filled)
      }
      if n == 0 { break }
      if n < 0 {
        if errno == EINTR { continue }
        throw FileReadError(path: path, "cannot read the file: \(Self.describe(errno))")
      }
      filled += n
    }
    bytes.removeLast(bytes.count - filled)
    position += filled
    return bytes
  }

  /// The rest of the file (all of it if nothing was read yet), refused when the whole file
  /// holds more than `limit` bytes; `kind` names what the limit is for ("a model file").
  public func readAll(limit: Int, kind: String) throws -> [UInt8] {
    guard size <= limit else { throw tooLarge(size, limit: limit, kind: kind) }
    // Ask for one byte more than allowed: getting it means the file grew past the limit.
    let bytes = try read(upTo: max(0, limit + 1 - position))
    guard position <= limit else { throw tooLarge(nil, limit: limit, kind: kind) }
    return bytes
  }

  /// The last `count` bytes of the file as `fstat` sized it (all of it when it is shorter).
  public func readTail(_ count: Int) throws -> [UInt8] {
    let skip = max(0, size - max(0, count))
    guard lseek(descriptor, off_t(skip), SEEK_SET) >= 0 else {
      throw FileReadError(path: path, "cannot seek in the file: \(Self.describe(errno))")
    }
    position = skip
    return try read(upTo: size - skip)
  }

  /// Reads the whole regular file at `path`, refusing more than `limit` bytes.
  public static func read(_ path: String, limit: Int, kind: String) throws -> [UInt8] {
    try RegularFile(path: path).readAll(limit: limit, kind: kind)
  }

  /// True when `path` names a folder (following symlinks); false for anything else or nothing.
  public static func isFolder(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
  }

  private func tooLarge(_ size: Int?, limit: Int, kind: String) -> FileReadError {
    let actual = size.map { "is \(ByteCount.describe($0))" } ?? "grew while being read"
    return FileReadError(path: path, "file \(actual), more than the limit of \(ByteCount.describe(limit)) for \(kind)")
  }

  private static func requireRegular(_ info: stat, path: String) throws {
    let what: String
    switch info.st_mode & S_IFMT {
    case S_IFREG: return
    case S_IFDIR: what = "is a folder"
    case S_IFIFO: what = "is a FIFO (named pipe)"
    case S_IFCHR: what = "is a character device"
    case S_IFBLK: what = "is a block device"
    case S_IFSOCK: what = "is a socket"
    case S_IFLNK: what = "is a symbolic link"
    default: what = "is not a regular file"
    }
    throw FileReadError(path: path, "\(what), expected a file")
  }

  private static func describe(_ code: Int32) -> String {
    code == ENOENT ? "no such file" : String(cString: strerror(code)).lowercased()
  }
}

/// `read(2)`, named apart from `RegularFile.read`.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
  #if canImport(Glibc)
    Glibc.read(fd, buffer, count)
  #else
    Darwin.read(fd, buffer, count)
  #endif
}

/// A file that cannot be read as asked, named with its path; printed `<path>: error: <problem>`.
public struct FileReadError: Error, Equatable, Sendable, CustomStringConvertible {
  public let path: String
  public let problem: String

  public init(path: String, _ problem: String) {
    self.path = path
    self.problem = problem
  }

  public var description: String { "\(path): error: \(problem)" }
}

/// Byte counts for messages: exact, with a binary unit when it helps (`67108864 bytes (64 MiB)`).
public enum ByteCount {
  public static func describe(_ bytes: Int) -> String {
    let units = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
    guard let (size, name) = units.first(where: { bytes >= $0.0 }) else { return "\(bytes) bytes" }
    let value = Double(bytes) / Double(size)
    let shown = value >= 100 || value == value.rounded() ? String(Int(value.rounded())) : String(format1(value))
    return "\(bytes) bytes (\(shown) \(name))"
  }

  private static func format1(_ v: Double) -> String {
    let tenths = Int((v * 10).rounded())
    return "\(tenths / 10).\(tenths % 10)"
  }
}
