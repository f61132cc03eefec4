import NNFormats
import NNIR

/// Expected outputs (raw float32, every output of each sample back to back), e.g. nnabla's own.
public enum ExpectedOutputs {
  public static func load(path: String, graph: ModelGraph, samples: Int) throws -> [[FloatTensor]] {
    let shapes = graph.outputs.map { graph.tensors[$0].shape }
    let perSample = shapes.map { $0.reduce(1, *) }.reduce(0, +)
    let bytes: [UInt8]
    do { bytes = try RegularFile.read(path, limit: InputLoader.maxFileBytes, kind: InputLoader.fileKind) } catch {
      throw CompileError(file: path, wrapping: error)
    }
    guard bytes.count == perSample * samples * 4 else {
      throw CompileError(file: path, "error: expected outputs have \(bytes.count) bytes; \(samples) sample(s) of \(perSample) floats need \(perSample * samples * 4)")
    }
    let floats = bytes.withUnsafeBytes { raw in
      (0..<bytes.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
    }
    var result: [[FloatTensor]] = []
    var offset = 0
    for _ in 0..<samples {
      result.append(shapes.map { shape in
        let n = shape.reduce(1, *)
        defer { offset += n }
        return FloatTensor(shape: shape, values: Array(floats[offset..<offset + n]))
      })
    }
    return result
  }
}
