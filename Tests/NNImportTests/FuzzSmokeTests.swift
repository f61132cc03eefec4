import Foundation
import NNFormats
import Testing
import _NNFuzzTargets
import _NNTestSupport

/// A few hundred deterministic mutations of one fixture per reader, through the same functions
/// libFuzzer runs (`scripts/fuzz.sh`): a cheap, always-on check that no reader traps on a
/// damaged file. The seeded generator makes every run see the same inputs.
@Suite struct FuzzSmokeTests {
  /// One seed per target (the fuzzer's corpus starts from every fixture of the kind).
  static func seed(_ target: String) throws -> [UInt8] {
    switch target {
    case "zip": return try Fixtures.bytes("formats/zip/mixed.zip")
    case "inflate": return [0] + (try Fixtures.bytes("formats/inflate/text.L6.deflate"))
    case "gzip": return try Fixtures.bytes("formats/idx/tiny-images-idx3-ubyte.gz")
    case "prototext": return try Fixtures.bytes("train/mlp.nntxt")
    case "protowire":
      let archive = try ZipArchive(bytes: try Fixtures.bytes("nnabla/iris_mlp/model_pb.nnp"))
      return try archive.extract(try #require(archive.entries.first { $0.name.hasSuffix(".protobuf") }))
    case "hdf5": return try Fixtures.bytes("formats/hdf5/nnabla_latest.h5")
    case "png": return try Fixtures.bytes("formats/png/c3_d8.png")
    case "pgm": return try Fixtures.bytes("formats/pgm/p3.ppm")
    case "npy": return try Fixtures.bytes("formats/npy/f4.npy")
    case "csv": return Array("x:image,y:label\r\n\"a,b.png\",1\n\"say \"\"hi\"\"\nthere\",2\n".utf8)
    case "idx": return try Fixtures.bytes("formats/idx/tiny-images-idx3-ubyte")
    case "tflite": return try Array(Data(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("bench/mlperf-tiny/kws/kws_float32.tflite")))
    case "onnx": return try Fixtures.bytes("onnx/conv_gemm.onnx")
    default: return try Fixtures.bytes("nnabla/iris_mlp/model_pb.nnp")
    }
  }

  @Test(arguments: FuzzTargets.all.keys.sorted())
  func mutatedSeeds_neverTrap(_ target: String) throws {
    let body = try #require(FuzzTargets.all[target])
    let original = try Self.seed(target)
    var random = SeededRandom(seed: 10)
    for _ in 0..<300 {
      var bytes = original
      for _ in 0..<random.int(1...4) { Self.mutate(&bytes, &random) }
      body(bytes)
    }
  }

  /// libFuzzer's simplest moves: flip a bit, set a byte to an edge value, cut the tail, copy a run.
  static func mutate(_ bytes: inout [UInt8], _ random: inout SeededRandom) {
    guard !bytes.isEmpty else { return bytes.append(UInt8(truncatingIfNeeded: random.next())) }
    let at = random.int(0...bytes.count - 1)
    switch random.int(0...3) {
    case 0: bytes[at] ^= 1 << UInt8(random.int(0...7))
    case 1: bytes[at] = [0, 1, 0x7F, 0x80, 0xFF][random.int(0...4)]
    case 2: bytes.removeSubrange(at...)
    default:
      let from = random.int(0...bytes.count - 1), length = min(random.int(1...16), bytes.count - max(at, from))
      bytes.replaceSubrange(at..<at + length, with: bytes[from..<from + length])
    }
  }
}
