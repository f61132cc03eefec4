import Foundation

/// Paths to `Tests/Fixtures` and readers for the raw files in it, shared by the test targets.
public enum Fixtures {
  /// `Tests/Fixtures`, found from this source file so tests run from any working directory.
  public static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

  public static func path(_ relative: String) -> String {
    root.appendingPathComponent(relative).path
  }

  public static func bytes(_ relative: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: root.appendingPathComponent(relative)))
  }

  /// A raw little-endian float32 file.
  public static func floats(_ relative: String) throws -> [Float] {
    let b = try bytes(relative)
    return b.withUnsafeBytes { raw in
      (0..<b.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
    }
  }

  /// A fresh empty temporary directory.
  public static func temporaryDirectory(_ name: String = "nncompile-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// The repository root (for the README's example paths and `runtime-c/`).
  public static let repositoryRoot = root.deletingLastPathComponent().deletingLastPathComponent()
}
