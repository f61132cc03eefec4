import Foundation
import Testing
@testable import _NNFuzzTargets
import _NNTestSupport

/// Replays every input libFuzzer found a crash with (`scripts/fuzz.sh`, kept under
/// `Tests/Fixtures/fuzz/<target>/`) through the same function the fuzzer ran: the test fails by
/// trapping, as the reader once did.
@Suite struct FuzzRegressionTests {
  static let root = Fixtures.root.appendingPathComponent("fuzz")

  /// Each folder names a target (a misnamed one would silently replay nothing); each file in it
  /// runs through that target. One test rather than one per file, so none is reported skipped
  /// while no input is kept.
  @Test func keptInputs_runWithoutTrapping() throws {
    let files = FileManager.default
    let folders = ((try? files.contentsOfDirectory(atPath: Self.root.path)) ?? []).filter { $0 != "README.md" }
    for folder in folders.sorted() {
      let target = try #require(FuzzTargets.all[folder], "Tests/Fixtures/fuzz/\(folder) names no target of FuzzTargets.all")
      let inputs = try files.contentsOfDirectory(atPath: Self.root.appendingPathComponent(folder).path)
      #expect(!inputs.isEmpty, "Tests/Fixtures/fuzz/\(folder) is empty")
      for input in inputs.sorted() { target(try Fixtures.bytes("fuzz/\(folder)/\(input)")) }
    }
  }
}

/// The whole-import target reaches the int8 rewrite on real models, so fuzzing it exercises every stage.
@Suite struct FuzzTargetCoverageTests {
  @Test(arguments: ["nnabla/iris_mlp/model_pb.nnp", "export/cnn_bn.graph.nnp", "formats/nntxt/tiny_cnn.nntxt"])
  func nnpTarget_quantizesAFixtureModel(_ path: String) throws {
    #expect(FuzzTargets.nnp(try Fixtures.bytes(path)) == .quantized)
  }

  @Test func nnpTarget_rejectsBytesThatAreNotAZip() {
    #expect(FuzzTargets.nnp(Array("not a zip".utf8)) == .rejected)
  }
}

@Suite struct FuzzTargetPNGTests {
  /// The CRC fix-up the png target applies restores a fixture whose CRCs were damaged.
  @Test func chunkCRCFixUp_restoresDamagedCRCs() throws {
    let original = try Fixtures.bytes("formats/png/c3_d8.png")
    var damaged = original
    damaged[29] ^= 0xFF  // inside IHDR's CRC (8 signature + 8 length/type + 13 data)
    #expect(FuzzTargets.withChunkCRCsFixed(damaged) == original)
  }
}
