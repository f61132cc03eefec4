import Foundation
import NNFormats
import NNImport
import NNIR

/// Reads a model file (`.nnp`, `.onnx`, `.tflite`, or a bare `.nntxt`/`.prototxt` whose parameters are written in it).
public enum ModelLoader {
  public static func load(path: String, executor: String? = nil) throws -> ImportedModel {
    let bytes = try readFile(path)
    do {
      if path.hasSuffix(".nntxt") || path.hasSuffix(".prototxt") {
        guard let text = String(validating: bytes, as: UTF8.self) else {
          throw CompileError(file: path, "error: not valid UTF-8 text")
        }
        return try NNablaImporter.importText(text, executor: executor)
      }
      // `.tflite`, or any file with TFLite's FlatBuffer identifier "TFL3" at byte 4.
      if path.hasSuffix(".tflite") || (bytes.count >= 8 && Array(bytes[4..<8]) == Array("TFL3".utf8)) {
        return try TFLiteImporter.importModel(bytes: bytes)
      }
      // An .nnp is a zip ("PK"); anything else named .onnx is read as an ONNX ModelProto.
      if path.hasSuffix(".onnx") || (!path.hasSuffix(".nnp") && !bytes.starts(with: [0x50, 0x4B])) {
        let directory = (path as NSString).deletingLastPathComponent
        return try ONNXImporter.importModel(bytes: bytes, directory: directory.isEmpty ? "." : directory)
      }
      return try NNablaImporter.importNNP(bytes: bytes, executor: executor)
    } catch {
      throw CompileError(file: path, wrapping: error)
    }
  }

  /// The bytes of a model file, or a `CompileError` saying why they cannot be read.
  public static func readFile(_ path: String) throws -> [UInt8] {
    do { return try RegularFile.read(path, limit: ModelLimits.fileBytes, kind: ModelLimits.kind) } catch let e as FileReadError {
      throw CompileError(file: e.path, "error: \(e.problem)")
    }
  }
}
