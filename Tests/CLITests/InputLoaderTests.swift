import Foundation
import NNCompileKit
import Testing
import _NNTestSupport

/// Every input format `verify` accepts gives exactly the array nnabla was fed.
@Suite struct InputLoaderTests {
  static func graph(_ model: String) throws -> ModelGraph {
    try ModelLoader.load(path: Fixtures.path(model)).graph
  }

  @Test func pgmFedRawMatchesTheLeNetSampleInput() throws {
    let loader = InputLoader(graph: try Self.graph("real/nnabla_lenet_010000.nnp"), normalizeImages: false)
    let samples = try loader.load(path: Fixtures.path("real/nnabla_5.pgm"))
    #expect(samples.count == 1)
    #expect(samples[0][0].values == (try Fixtures.floats("real/nnabla_lenet_010000__nnabla_5.input.bin")))
  }

  /// Neural Network Console feeds dataset images as pixel / 255.
  @Test(arguments: 1...4)
  func pngNormalizedMatchesWhatNNablaCliFed(_ i: Int) throws {
    let loader = InputLoader(graph: try Self.graph("real/nnc_result2.nnp"), normalizeImages: true)
    let samples = try loader.load(path: Fixtures.path("real/nnc_00\(i).png"))
    let fed = try Fixtures.floats("real/nnc_result2__nnc_00\(i).input.bin")
    let worst = zip(samples[0][0].values, fed).map { abs($0 - $1) }.max() ?? 1
    #expect(worst <= 1e-7, "largest difference \(worst)")
  }

  @Test func npyFloat32IsFedAsItIs() throws {
    let values = try Fixtures.floats("real/nnabla_lenet_010000__nnabla_5.input.bin")
    let dir = try Fixtures.temporaryDirectory("npy")
    defer { try? FileManager.default.removeItem(at: dir) }
    // NPY v1.0: magic, version, little-endian header length, a dict padded to 64 bytes with '\n'.
    var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 28, 28), }"
    header += String(repeating: " ", count: 63 - (10 + header.count) % 64) + "\n"
    var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
    bytes += Array(header.utf8)
    for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
    let path = dir.appendingPathComponent("x.npy")
    try Data(bytes).write(to: path)
    let loader = InputLoader(graph: try Self.graph("real/nnabla_lenet_010000.nnp"), normalizeImages: true)
    let samples = try loader.load(path: path.path)
    #expect(samples.count == 1 && samples[0][0].values == values)
  }

  @Test func csvVectorColumnsFeedTheIrisModel() throws {
    let graph = try Self.graph("nnabla/iris_mlp/model.nnp")
    let fed = try Fixtures.floats("nnabla/iris_mlp/inputs.bin")
    let width = graph.tensors[graph.inputs[0]].elementCount
    let dir = try Fixtures.temporaryDirectory("csv")
    defer { try? FileManager.default.removeItem(at: dir) }
    var text = (0..<width).map { "x__\($0)" }.joined(separator: ",") + ",y\n"
    for row in stride(from: 0, to: fed.count, by: width) {
      text += fed[row..<row + width].map { "\($0)" }.joined(separator: ",") + ",0\n"
    }
    let path = dir.appendingPathComponent("iris.csv")
    try text.write(to: path, atomically: true, encoding: .utf8)
    let samples = try InputLoader(graph: graph, normalizeImages: true).load(path: path.path)
    #expect(samples.count == fed.count / width)
    #expect(samples.flatMap { $0[0].values } == fed)
  }

  /// The bundled NNC dataset feeds the digit classifier (CSV parsing is NNTrain's `Dataset`).
  @Test func digitsExampleCSVFeedsTheDigitClassifier() throws {
    let loader = InputLoader(graph: try Self.graph("nnabla/digits_lenet/model.nnp"), normalizeImages: true)
    let samples = try loader.load(path: Fixtures.repositoryRoot.appendingPathComponent("examples/digits/test.csv").path)
    #expect(samples.count == 400)
    #expect(samples[0][0].shape == [1, 1, 28, 28])
    let fixture = try Fixtures.floats("nnabla/digits_lenet/test_inputs.bin")
    let worst = zip(samples.flatMap { $0[0].values }, fixture).map { abs($0 - $1) }.max() ?? 1
    #expect(worst <= 1.0 / 510 + 1e-6)
  }

  @Test func csvErrorNamesTheFileAndLine() throws {
    let dir = try Fixtures.temporaryDirectory("csv")
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("bad.csv")
    try "x__0,x__1,x__2,x__3,y\n1,2,3,4,0\n1,2,three,4,0\n".write(to: path, atomically: true, encoding: .utf8)
    let loader = InputLoader(graph: try Self.graph("nnabla/iris_mlp/model.nnp"), normalizeImages: true)
    #expect {
      _ = try loader.load(path: path.path)
    } throws: { error in
      "\(error)" == "\(path.path):3: error: column 'x__2': 'three' is not a number"
    }
  }

  @Test func rawInputOfTheWrongSizeSaysWhatTheModelTakes() throws {
    let dir = try Fixtures.temporaryDirectory("bin")
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("x.bin")
    try Data(count: 4 * 100).write(to: path)
    let loader = InputLoader(graph: try Self.graph("real/nnabla_lenet_010000.nnp"), normalizeImages: true)
    #expect {
      _ = try loader.load(path: path.path)
    } throws: { error in
      "\(error)".contains("100 values") && "\(error)".contains("784 per sample") && "\(error)".contains(path.path)
    }
  }
}
