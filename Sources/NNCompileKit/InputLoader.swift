import Foundation
import NNFormats
import NNIR

/// Turns input files into samples for a graph (one `FloatTensor` per graph input per sample).
///
/// Accepted: raw little-endian float32 `.bin` (fed as it is; several samples back to back are
/// fine), `.npy`, images (`.png`, `.pgm`, `.ppm`) and Neural Network Console dataset `.csv` files
/// (`x:image` columns of image paths relative to the CSV, or `x__0, x__1, …` vector columns).
/// Images are fed as nnabla_cli forward feeds them: pixels / 255, unless `normalizeImages` is false.
public struct InputLoader {
  public var graph: ModelGraph
  public var normalizeImages: Bool

  public init(graph: ModelGraph, normalizeImages: Bool) {
    self.graph = graph
    self.normalizeImages = normalizeImages
  }

  var inputShapes: [[Int]] { graph.inputs.map { graph.tensors[$0].shape } }
  var sampleSize: Int { inputShapes.map { $0.reduce(1, *) }.reduce(0, +) }

  public func load(path: String) throws -> [[FloatTensor]] {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
      // A folder of images, in name order (a calibration set).
      let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
      let images = names.filter { n in [".png", ".pgm", ".ppm"].contains { n.lowercased().hasSuffix($0) } }.sorted()
      guard !images.isEmpty else { throw CompileError(file: path, "error: the folder holds no .png, .pgm or .ppm images") }
      return try images.flatMap { try load(path: URL(fileURLWithPath: path).appendingPathComponent($0).path) }
    }
    do {
      let lower = path.lowercased()
      if lower.hasSuffix(".csv") { return try loadCSV(path) }
      let bytes = try ModelLoader.readFile(path)
      if lower.hasSuffix(".npy") { return try split(try NPY.decode(bytes).values, what: "the .npy array") }
      if [".png", ".pgm", ".ppm"].contains(where: lower.hasSuffix) {
        return [try imageSample(bytes, isPNG: lower.hasSuffix(".png"))]
      }
      guard bytes.count % 4 == 0 else {
        throw CompileError(file: path, "error: raw float32 input has \(bytes.count) bytes, not a multiple of 4")
      }
      let floats = bytes.withUnsafeBytes { raw in
        (0..<bytes.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
      }
      return try split(floats, what: "raw float32 input")
    } catch let e as CompileError {
      throw e
    } catch {
      throw CompileError(file: path, wrapping: error)
    }
  }

  /// Splits a flat array into whole samples.
  private func split(_ values: [Float], what: String) throws -> [[FloatTensor]] {
    guard sampleSize > 0, !values.isEmpty, values.count % sampleSize == 0 else {
      throw InputError("\(what) has \(values.count) values; the model takes \(sampleSize) per sample (inputs \(inputShapes))")
    }
    var samples: [[FloatTensor]] = []
    var offset = 0
    while offset < values.count {
      var sample: [FloatTensor] = []
      for shape in inputShapes {
        let n = shape.reduce(1, *)
        sample.append(FloatTensor(shape: shape, values: Array(values[offset..<offset + n])))
        offset += n
      }
      samples.append(sample)
    }
    return samples
  }

  private func imageSample(_ bytes: [UInt8], isPNG: Bool) throws -> [FloatTensor] {
    guard inputShapes.count == 1, let shape = inputShapes.first else {
      throw InputError("an image can only feed a model with one input; this one has \(inputShapes.count)")
    }
    let image = isPNG ? try PNG.decode(bytes) : try PGM.decode(bytes)
    return [try tensor(from: image, shape: shape)]
  }

  /// CHW float data from an image, converting gray ↔ RGB as PIL does (`L = (299R + 587G + 114B) / 1000`).
  func tensor(from image: Image, shape: [Int]) throws -> FloatTensor {
    let spatial = shape.drop { $0 == 1 }.count >= 2 ? Array(shape.suffix(3)) : shape
    let (c, h, w) = spatial.count == 3 ? (spatial[0], spatial[1], spatial[2]) : (1, spatial.first ?? 0, spatial.last ?? 0)
    guard h == image.height, w == image.width else {
      throw InputError("image is \(image.width)×\(image.height) but the model input \(shape) needs \(w)×\(h)")
    }
    guard c == 1 || c == 3 else { throw InputError("model input \(shape) has \(c) channels; images feed 1 or 3") }
    let values = image.planarFloats(channels: c, scale: normalizeImages ? 1.0 / 255.0 : 1.0)
    return FloatTensor(shape: shape, values: values)
  }

  private func loadCSV(_ path: String) throws -> [[FloatTensor]] {
    let bytes = try ModelLoader.readFile(path)
    guard let text = String(validating: bytes, as: UTF8.self) else { throw InputError("not UTF-8 text") }
    let rows = CSV.parse(text).map(\.fields)
    guard let header = rows.first, rows.count > 1 else { throw InputError("a dataset CSV needs a header and at least one row") }
    guard inputShapes.count == 1, let shape = inputShapes.first else {
      throw InputError("CSV datasets feed models with one input; this one has \(inputShapes.count)")
    }
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
    let first = header[0]
    let variable = String(first.split(separator: ":").first ?? "").components(separatedBy: "__")[0]
    let vectorColumns = header.indices.filter { header[$0].hasPrefix(variable + "__") || header[$0] == variable }
    var samples: [[FloatTensor]] = []
    for (n, row) in rows.dropFirst().enumerated() where !(row.count == 1 && row[0].isEmpty) {
      let line = n + 2
      if first.hasSuffix(":image") {
        guard let cell = row.first, !cell.isEmpty else { throw InputError("line \(line): no image path") }
        let imagePath = cell.hasPrefix("/") ? cell : directory.appendingPathComponent(cell).path
        let imageBytes = try ModelLoader.readFile(imagePath)
        let image = cell.lowercased().hasSuffix(".png") ? try PNG.decode(imageBytes) : try PGM.decode(imageBytes)
        samples.append([try tensor(from: image, shape: shape)])
      } else {
        let values = try vectorColumns.map { col -> Float in
          guard col < row.count, let v = Float(row[col].trimmingCharacters(in: .whitespaces)) else {
            throw InputError("line \(line), column '\(header[min(col, header.count - 1)])': not a number")
          }
          return v
        }
        guard values.count == shape.reduce(1, *) else {
          throw InputError("line \(line): \(values.count) values for input shape \(shape)")
        }
        samples.append([FloatTensor(shape: shape, values: values)])
      }
    }
    return samples
  }
}

public struct InputError: Error, CustomStringConvertible {
  public var description: String
  init(_ description: String) { self.description = description }
}
