import Foundation
import NNCompileKit
import Testing
import _NNTestSupport

/// Every training example goes the whole way its `run.sh` goes — `train` its `net.nntxt`, compile
/// the result to int8 for cortex-m4f, and build that C with arm-none-eabi-gcc under -Werror — on a
/// small split for one epoch, so CI cross-compiles every example without the minutes of a full run.
@Suite struct TrainingExamplesBuildTests {
  /// (example folder, training and calibration CSV relative to it)
  static let examples = [
    ("train-logreg-4v9", "../digits/valid_4_9.csv"),
    ("train-mlp", "../digits/valid.csv"),
    ("train-lenet", "../digits/valid.csv"),
    ("train-autoencoder", "valid_0_4.csv"),
  ]

  @Test(arguments: examples)
  func exampleTrainsCompilesToInt8AndCrossCompiles(_ example: String, _ csv: String) throws {
    let folder = Fixtures.repositoryRoot.appendingPathComponent("examples/\(example)")
    let data = folder.appendingPathComponent(csv).standardized.path
    let dir = try Fixtures.temporaryDirectory("example-build")
    defer { try? FileManager.default.removeItem(at: dir) }
    let trained = dir.appendingPathComponent("trained.nnp").path
    let out = dir.appendingPathComponent("out")

    let train = try CLI.run(
      ["train", folder.appendingPathComponent("net.nntxt").path, "--data", data, "--epochs", "1", "--seed", "1", "-o", trained])
    #expect(train.status == 0, "\(train.stderr)")
    let compile = try CLI.run([trained, "--target", "cortex-m4f", "--calibrate", data, "-o", out.path])
    #expect(compile.status == 0, "\(compile.stderr)")
    #expect(compile.stdout.contains("(int8, target cortex-m4f)"), "\(compile.stdout)")

    let sources = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".c") }.sorted()
    #expect(sources.contains("model.c"), "\(sources)")
    for source in sources {
      let r = try ProcessRunner.run(
        "arm-none-eabi-gcc",
        ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror",
         "-pedantic", "-c", "-I", out.path, out.appendingPathComponent(source).path, "-o", dir.appendingPathComponent(source + ".o").path])
      #expect(r.status == 0, "\(example) \(source):\n\(r.stderr)")
    }
  }
}
