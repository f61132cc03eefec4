import NNFormats
import NNIR
import NNImport
import NNPasses
import NNQuantize

/// One function per reader that takes arbitrary bytes, for libFuzzer (`scripts/fuzz.sh`) and for
/// the tests that replay the inputs it found (`FuzzRegressionTests`).
///
/// A thrown error is the expected answer to a malformed file, so each target swallows it: only a
/// trap, a hang or runaway memory counts as a failure. The targets call the public API the way
/// nncompile does; they hold no checks of their own beyond the guards marked as such.
public enum FuzzTargets {
  /// Every target by the name `scripts/fuzz.sh` uses.
  public static let all: [String: @Sendable ([UInt8]) -> Void] = [
    "zip": { zip($0) }, "inflate": { inflate($0) }, "gzip": { gzip($0) }, "prototext": { protoText($0) },
    "protowire": { protoWire($0) }, "hdf5": { hdf5($0) }, "png": { png($0) }, "pgm": { pgm($0) }, "npy": { npy($0) },
    "csv": { csv($0) }, "idx": { idx($0) }, "nnp": { nnp($0) }, "tflite": { tflite($0) }, "onnx": { onnx($0) },
  ]

  /// Inflated output beyond this is refused by the reader, not allocated.
  static let maxInflatedBytes = 1 << 20

  /// The central directory, then every entry extracted (STORED or DEFLATE, CRC-checked).
  public static func zip(_ bytes: [UInt8]) {
    guard let archive = try? ZipArchive(bytes: bytes) else { return }
    // Guard: a huge declared size is the zip-bomb limit's job (issue 10 item 6), not this target's.
    for entry in archive.entries where entry.uncompressedSize <= maxInflatedBytes {
      _ = try? archive.extract(entry)
    }
  }

  /// The first byte picks raw DEFLATE or zlib, so one corpus covers both.
  public static func inflate(_ bytes: [UInt8]) {
    guard let mode = bytes.first else { return }
    let stream = Array(bytes.dropFirst())
    if mode & 1 == 0 {
      _ = try? Inflate.inflate(stream, maxOutput: maxInflatedBytes)
    } else {
      _ = try? Inflate.zlibDecompress(stream, maxOutput: maxInflatedBytes)
    }
  }

  public static func gzip(_ bytes: [UInt8]) {
    _ = try? Gzip.decompress(bytes, maxOutput: maxInflatedBytes)
  }

  /// The text parser, then the typed accessors the nnabla importer uses on every field.
  public static func protoText(_ bytes: [UInt8]) {
    guard let message = try? ProtoTextMessage.parse(bytes: bytes) else { return }
    visit(message)
  }

  private static func visit(_ message: ProtoTextMessage) {
    var seen = Set<String>()
    for name in message.fields.map(\.name) where seen.insert(name).inserted {
      _ = try? message.string(name)
      _ = try? message.ints(name)
      _ = try? message.doubles(name)
      _ = try? message.bool(name)
      message.messages(name).forEach(visit)
    }
  }

  /// The wire decoder, then every field read as each type a schema could give it, nested
  /// messages included (the decoder bounds their depth).
  public static func protoWire(_ bytes: [UInt8]) {
    guard let message = try? ProtoWireMessage(bytes: bytes) else { return }
    visit(message)
  }

  private static func visit(_ message: ProtoWireMessage) {
    var seen = Set<Int>()
    for number in message.fields.map(\.number) where seen.insert(number).inserted {
      _ = try? message.string(number)
      _ = try? message.int64(number)
      _ = try? message.double(number)
      _ = try? message.float(number)
      _ = try? message.bool(number)
      _ = try? message.repeatedInt64(number)
      _ = try? message.repeatedFloat(number)
      _ = try? message.repeatedDouble(number)
      (try? message.messages(number))?.forEach(visit)
    }
  }

  /// The ONNX decoder, then the importer on what it decoded (no external data: no directory).
  public static func onnx(_ bytes: [UInt8]) {
    _ = try? ONNXImporter.importModel(bytes: bytes)
  }

  public static func hdf5(_ bytes: [UInt8]) {
    _ = try? HDF5File(bytes: bytes).datasets()
  }

  /// Decoding, then the float planes a network is fed, in both channel counts; the bytes as
  /// given and with every chunk's CRC-32 made right, so a mutated header reaches the decoder
  /// instead of failing the CRC check.
  public static func png(_ bytes: [UInt8]) {
    for candidate in [bytes, withChunkCRCsFixed(bytes)] {
      guard let image = try? PNG.decode(candidate) else { continue }
      planes(image)
    }
  }

  static func withChunkCRCsFixed(_ png: [UInt8]) -> [UInt8] {
    var bytes = png, at = 8
    while at <= bytes.count - 12 {
      let length = bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) }
      guard length <= bytes.count - at - 12 else { break }
      let crc = CRC32.checksum(bytes[(at + 4)..<(at + 8 + length)])
      for k in 0..<4 { bytes[at + 8 + length + k] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * k)) }
      at += 12 + length
    }
    return bytes
  }

  /// PGM and PPM, binary (P5/P6) and text (P2/P3).
  public static func pgm(_ bytes: [UInt8]) {
    guard let image = try? PGM.decode(bytes) else { return }
    planes(image)
  }

  private static func planes(_ image: Image) {
    for channels in [1, 3] { _ = image.planarFloats(channels: channels, scale: 1 / 255) }
  }

  public static func npy(_ bytes: [UInt8]) {
    _ = try? NPY.decode(bytes)
  }

  public static func csv(_ bytes: [UInt8]) {
    _ = CSV.parse(String(decoding: bytes, as: UTF8.self))
  }

  /// IDX, gzip'd or not.
  public static func idx(_ bytes: [UInt8]) {
    _ = try? IDXArray(bytes: bytes)
  }

  /// A `.tflite` through the FlatBuffers reader and the TFLite importer (shape-checked); an int8
  /// file on through the int8 rewrite with its own quantization, as `nncompile` runs it.
  public static func tflite(_ bytes: [UInt8]) {
    guard let model = try? TFLiteImporter.importModel(bytes: bytes), model.graph.hasFileQuantizedActivations,
      let expanded = try? FunctionExpansion.expand(model.graph).graph
    else { return }
    _ = try? Int8Quantizer.quantize(BatchNormFolding.fold(ConverterRewrites.apply(expanded).graph).0, ranges: [:])
  }

  /// How far `nnp` got before an error stopped it.
  public enum ImportStage: Int, Comparable, Sendable {
    case rejected, imported, calibrated, quantized
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
  }

  /// The whole import as `nncompile --quantize int8` runs it: `.nnp` → graph (with shape
  /// inference) → BatchNormalization folding → calibration on two samples derived from the input
  /// shapes → the int8 rewrite. Bytes that are not a zip are read as a bare `.nntxt`, as nncompile
  /// reads one, so mutated text reaches the later stages (a mutated zip mostly fails its CRC-32).
  @discardableResult
  public static func nnp(_ bytes: [UInt8]) -> ImportStage {
    let imported: ImportedModel?
    if bytes.starts(with: [0x50, 0x4B]) {
      imported = try? NNablaImporter.importNNP(bytes: bytes)
    } else {
      imported = String(validating: bytes, as: UTF8.self).flatMap { try? NNablaImporter.importText($0) }
    }
    guard let model = imported else { return .rejected }
    let (folded, _) = BatchNormFolding.fold(model.graph)
    // Guard: calibration runs the float interpreter; a tiny file may describe a model far too big
    // to run thousands of times a second, which is not a reader bug.
    guard let total = elementCount(folded.tensors.map(\.shape)), total <= 1 << 18 else { return .imported }
    let samples = (0..<2).map { sample in
      folded.inputs.map { input in
        let shape = folded.tensors[input].shape
        let count = shape.reduce(1, *)
        return FloatTensor(shape: shape, values: (0..<count).map { Float(($0 * 37 + sample * 11) % 17) / 8 - 1 })
      }
    }
    guard let ranges = try? Calibration.calibrate(folded, samples: samples) else { return .imported }
    guard (try? Int8Quantizer.quantize(folded, ranges: ranges)) != nil else { return .calibrated }
    return .quantized
  }

  /// The sum of the shapes' element counts, or nil when a dimension is negative or it overflows.
  private static func elementCount(_ shapes: [[Int]]) -> Int? {
    var total = 0
    for shape in shapes {
      var count = 1
      for d in shape {
        guard d >= 0 else { return nil }
        let (product, overflow) = count.multipliedReportingOverflow(by: d)
        guard !overflow else { return nil }
        count = product
      }
      let (sum, overflow) = total.addingReportingOverflow(count)
      guard !overflow else { return nil }
      total = sum
    }
    return total
  }
}
