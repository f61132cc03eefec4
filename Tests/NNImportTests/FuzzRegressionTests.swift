import Foundation
import Testing
import _NNFuzzTargets
import _NNTestSupport

/// Replays every input libFuzzer found a crash with (`scripts/fuzz.sh`, kept under
/// `Tests/Fixtures/fuzz/<target>/`) through the same function the fuzzer ran: the test fails by
/// trapping, as the reader once did.
@Suite struct FuzzRegressionTests {
  static let root = Fixtures.root.appendingPathComponent("fuzz")

  /// "target/file" for every kept input.
  static let keptInputs: [String] = {
    let files = FileManager.default
    let targets = (try? files.contentsOfDirectory(atPath: root.path)) ?? []
    return targets.sorted().flatMap { target in
      ((try? files.contentsOfDirectory(atPath: root.appendingPathComponent(target).path)) ?? []).sorted().map { "\(target)/\($0)" }
    }
  }()

  /// A misnamed folder would silently replay nothing.
  @Test func everyKeptFolderNamesAFuzzTarget() {
    let folders = (try? FileManager.default.contentsOfDirectory(atPath: Self.root.path)) ?? []
    for folder in folders {
      #expect(FuzzTargets.all[folder] != nil, "Tests/Fixtures/fuzz/\(folder) names no target of FuzzTargets.all")
      #expect(Self.keptInputs.contains { $0.hasPrefix("\(folder)/") }, "Tests/Fixtures/fuzz/\(folder) is empty")
    }
  }

  @Test(arguments: keptInputs)
  func keptInput_runsWithoutTrapping(_ input: String) throws {
    let target = try #require(FuzzTargets.all[String(input.split(separator: "/")[0])])
    target(try Fixtures.bytes("fuzz/\(input)"))
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
