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

  /// The largest input file read whole (an image, `.npy`, expected outputs, a dataset CSV):
  /// 256 MiB is 85,000 LeNet samples of float32, more than any calibration or test set needs,
  /// and bounded whatever the path names. Raw `.bin` and `.npy` files are read only as far as
  /// `maxSamples` needs.
  public static let maxFileBytes = 256 << 20
  static let fileKind = "an input file"

  /// Reads the samples in `path`; with `maxSamples`, only the first that many (and, for raw
  /// `.bin`, `.npy`, image folders and CSVs, only the bytes and files those samples need).
  public func load(path: String, maxSamples: Int? = nil) throws -> [[FloatTensor]] {
    if RegularFile.isFolder(path) {
      // A folder of images, in name order (a calibration set).
      let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
      let images = names.filter { n in [".png", ".pgm", ".ppm"].contains { n.lowercased().hasSuffix($0) } }.sorted()
      guard !images.isEmpty else { throw CompileError(file: path, "error: the folder holds no .png, .pgm or .ppm images") }
      return try images.prefix(maxSamples ?? images.count).flatMap {
        try load(path: URL(fileURLWithPath: path).appendingPathComponent($0).path)
      }
    }
    do {
      let lower = path.lowercased()
      if lower.hasSuffix(".csv") { return try loadCSV(path, maxSamples: maxSamples) }
      let file = try RegularFile(path: path)
      if lower.hasSuffix(".npy") { return try loadNPY(file, maxSamples: maxSamples) }
      if [".png", ".pgm", ".ppm"].contains(where: lower.hasSuffix) {
        return [try imageSample(try file.readAll(limit: Self.maxFileBytes, kind: Self.fileKind), isPNG: lower.hasSuffix(".png"))]
      }
      return try loadRawFloats(file, maxSamples: maxSamples)
    } catch let e as CompileError {
      throw e
    } catch {
      throw CompileError(file: path, wrapping: error)
    }
  }

  /// A `.npy` array: its header first, then (C order) only the data of the first `maxSamples`
  /// samples; Fortran-ordered arrays need the whole file to be transposed.
  private func loadNPY(_ file: RegularFile, maxSamples: Int?) throws -> [[FloatTensor]] {
    let what = "the .npy array"
    let head = try file.read(upTo: min(file.size, 1 << 16))  // numpy pads headers to 64 bytes; 64 KiB is plenty
    let layout = try NPY.layout(head)
    guard !layout.fortranOrder, let maxSamples else {
      let rest = try file.readAll(limit: Self.maxFileBytes, kind: Self.fileKind)
      return try split(try NPY.decode(head + rest).values, what: what)
    }
    try NPY.check(layout, fileSize: file.size)
    guard sampleSize > 0, layout.count > 0, layout.count % sampleSize == 0 else { throw splitError(layout.count, what: what) }
    let count = min(layout.count / sampleSize, maxSamples) * sampleSize
    try checkLimit(count * layout.itemSize, samples: count / sampleSize, file: file)
    let bytes = head + (try file.read(upTo: layout.dataStart + count * layout.itemSize - head.count))
    guard bytes.count >= layout.dataStart + count * layout.itemSize else {
      throw CompileError(file: file.path, "error: the file shrank while being read")
    }
    return try split(NPY.leadingValues(bytes, layout, count: count), what: what)
  }

  /// Raw little-endian float32, samples back to back; the size is checked from `stat`, and only
  /// the first `maxSamples` samples are read.
  private func loadRawFloats(_ file: RegularFile, maxSamples: Int?) throws -> [[FloatTensor]] {
    guard file.size % 4 == 0 else {
      throw CompileError(file: file.path, "error: raw float32 input has \(file.size) bytes, not a multiple of 4")
    }
    let values = file.size / 4
    guard sampleSize > 0, values > 0, values % sampleSize == 0 else { throw splitError(values, what: "raw float32 input") }
    let wanted = min(values / sampleSize, maxSamples ?? Int.max) * sampleSize * 4
    try checkLimit(wanted, samples: wanted / 4 / sampleSize, file: file)
    let bytes = try file.read(upTo: wanted)
    guard bytes.count == wanted else {
      throw CompileError(file: file.path, "error: the file shrank while being read (\(bytes.count) of \(wanted) bytes)")
    }
    let floats = bytes.withUnsafeBytes { raw in
      (0..<bytes.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
    }
    return try split(floats, what: "raw float32 input")
  }

  /// Splits a flat array into whole samples.
  private func split(_ values: [Float], what: String) throws -> [[FloatTensor]] {
    guard sampleSize > 0, !values.isEmpty, values.count % sampleSize == 0 else { throw splitError(values.count, what: what) }
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

  /// Reading `bytes` for `samples` samples stays within the input limit.
  private func checkLimit(_ bytes: Int, samples: Int, file: RegularFile) throws {
    guard bytes <= Self.maxFileBytes else {
      throw CompileError(file: file.path,
        "error: \(samples) samples need \(ByteCount.describe(bytes)), more than the limit of \(ByteCount.describe(Self.maxFileBytes)) for \(Self.fileKind)")
    }
  }

  private func splitError(_ count: Int, what: String) -> InputError {
    InputError("\(what) has \(count) values; the model takes \(sampleSize) per sample (inputs \(inputShapes))")
  }

  private func imageSample(_ bytes: [UInt8], isPNG: Bool) throws -> [FloatTensor] {
    guard inputShapes.count == 1, let shape = inputShapes.first else {
      throw InputError("an image can only feed a model with one input; this one has \(inputShapes.count)")
    }
    // The header says the size: compare it with the model before decoding a single pixel.
    let (_, h, w) = Self.imageGeometry(of: shape)
    let size = try ImageDimensions.read(bytes, png: isPNG)
    guard size == ImageDimensions(width: w, height: h) else { throw sizeMismatch(size, shape: shape) }
    let image = try Image.decode(bytes, png: isPNG)
    return [try tensor(from: image, shape: shape)]
  }

  /// `(channels, height, width)` of an image that feeds `shape` (`[1, c, h, w]`, `[c, h, w]`, `[h, w]`).
  static func imageGeometry(of shape: [Int]) -> (channels: Int, height: Int, width: Int) {
    let spatial = shape.drop { $0 == 1 }.count >= 2 ? Array(shape.suffix(3)) : shape
    return spatial.count == 3 ? (spatial[0], spatial[1], spatial[2]) : (1, spatial.first ?? 0, spatial.last ?? 0)
  }

  private func sizeMismatch(_ size: ImageDimensions, shape: [Int]) -> InputError {
    let (_, h, w) = Self.imageGeometry(of: shape)
    return InputError("image is \(size.width)×\(size.height) but the model input \(shape) needs \(w)×\(h)")
  }

  /// CHW float data from an image, converting gray ↔ RGB as PIL does (`L = (299R + 587G + 114B) / 1000`).
  func tensor(from image: Image, shape: [Int]) throws -> FloatTensor {
    let (c, h, w) = Self.imageGeometry(of: shape)
    guard h == image.height, w == image.width else {
      throw sizeMismatch(ImageDimensions(width: image.width, height: image.height), shape: shape)
    }
    guard c == 1 || c == 3 else { throw InputError("model input \(shape) has \(c) channels; images feed 1 or 3") }
    let values = image.planarFloats(channels: c, scale: normalizeImages ? 1.0 / 255.0 : 1.0)
    return FloatTensor(shape: shape, values: values)
  }

  /// An NNC dataset CSV, read by `NNTrain.Dataset`: the variable named like the model's input
  /// (or the first one) feeds it, each sample reshaped to the input's shape.
  private func loadCSV(_ path: String, maxSamples: Int?) throws -> [[FloatTensor]] {
    guard inputShapes.count == 1, let shape = inputShapes.first else {
      throw InputError("CSV datasets feed models with one input; this one has \(inputShapes.count)")
    }
    let data: Dataset
    do {
      let channels = Self.imageChannels(of: shape)
      let (_, height, width) = Self.imageGeometry(of: shape)
      data = try Dataset.loadCSV(
        path: path, normalizeImages: normalizeImages, imageChannels: channels,
        imageSize: channels == nil ? nil : ImageDimensions(width: width, height: height), maxRows: maxSamples)
    } catch let e as DatasetError {
      throw CompileError(file: e.location(fallback: path), "error: \(e.message)")
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
    let c = imageGeometry(of: shape).channels
    return c == 1 || c == 3 ? c : nil
  }
}

public struct InputError: Error, CustomStringConvertible {
  public var description: String
  init(_ description: String) { self.description = description }
}
