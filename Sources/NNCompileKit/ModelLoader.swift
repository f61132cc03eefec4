import Foundation
import NNImport
import NNIR

/// Reads a model file (`.nnp`, or a bare `.nntxt`/`.prototxt` whose parameters are written in it).
public enum ModelLoader {
  /// Largest model file accepted, so a wrong path to a huge file fails fast instead of filling memory.
  static let maxFileBytes = 1 << 30

  public static func load(path: String, executor: String? = nil) throws -> ImportedModel {
    let bytes = try readFile(path, limit: maxFileBytes)
    do {
      if path.hasSuffix(".nntxt") || path.hasSuffix(".prototxt") {
        guard let text = String(validating: bytes, as: UTF8.self) else {
          throw CompileError(file: path, "error: not valid UTF-8 text")
        }
        return try NNablaImporter.importText(text, executor: executor)
      }
      return try NNablaImporter.importNNP(bytes: bytes, executor: executor)
    } catch {
      throw CompileError(file: path, wrapping: error)
    }
  }

  /// The bytes of `path`, or a `CompileError` saying why they cannot be read.
  public static func readFile(_ path: String, limit: Int = 1 << 30) throws -> [UInt8] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw CompileError(file: path, "error: no such file")
    }
    guard !isDirectory.boolValue else { throw CompileError(file: path, "error: is a directory, expected a file") }
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw CompileError(file: path, "error: cannot open the file for reading")
    }
    defer { try? handle.close() }
    let size = (try? handle.seekToEnd()) ?? 0
    guard size <= UInt64(limit) else {
      throw CompileError(file: path, "error: file is \(size) bytes, larger than the \(limit)-byte limit")
    }
    try? handle.seek(toOffset: 0)
    guard let data = try? handle.readToEnd() else { return [] }
    return [UInt8](data)
  }
}
