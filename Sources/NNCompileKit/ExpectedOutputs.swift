import NNIR

/// Expected outputs (raw float32, every output of each sample back to back), e.g. nnabla's own.
public enum ExpectedOutputs {
  public static func load(path: String, graph: ModelGraph, samples: Int) throws -> [[FloatTensor]] {
    let bytes = try ModelLoader.readFile(path)
    let shapes = graph.outputs.map { graph.tensors[$0].shape }
    let perSample = shapes.map { $0.reduce(1, *) }.reduce(0, +)
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
