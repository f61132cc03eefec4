import Foundation
import NNFormats
import NNIR
import NNTrain

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

  /// An NNC dataset CSV, read by `NNTrain.Dataset`: the variable named like the model's input
  /// (or the first one) feeds it, each sample reshaped to the input's shape.
  private func loadCSV(_ path: String) throws -> [[FloatTensor]] {
    guard inputShapes.count == 1, let shape = inputShapes.first else {
      throw InputError("CSV datasets feed models with one input; this one has \(inputShapes.count)")
    }
    let data: Dataset
    do {
      data = try Dataset.loadCSV(path: path, normalizeImages: normalizeImages, imageChannels: Self.imageChannels(of: shape))
    } catch let e as DatasetError {
      throw CompileError(file: e.file, "\(e.line.map { "line \($0): " } ?? "")error: \(e.message)")
    }
    let inputName = graph.tensors[graph.inputs[0]].name
    guard let k = data.variables.firstIndex(where: { $0.name == inputName }) ?? data.variables.indices.first else { return [] }
    let variable = data.variables[k]
    let n = variable.elementCount
    guard n == shape.reduce(1, *) else {
      throw InputError("variable '\(variable.name)' has shape \(variable.shape) per sample; the model input is \(shape)")
    }
    return (0..<data.count).map { i in [FloatTensor(shape: shape, values: Array(data.data[k][(i * n)..<((i + 1) * n)]))] }
  }

  /// The channel count an image must have to feed `shape` (`[1, c, h, w]` or `[c, h, w]`), or
  /// nil when the input does not look like an image.
  static func imageChannels(of shape: [Int]) -> Int? {
    let spatial = shape.drop { $0 == 1 }.count >= 2 ? Array(shape.suffix(3)) : shape
    let c = spatial.count == 3 ? spatial[0] : 1
    return c == 1 || c == 3 ? c : nil
  }
}

public struct InputError: Error, CustomStringConvertible {
  public var description: String
  init(_ description: String) { self.description = description }
}
