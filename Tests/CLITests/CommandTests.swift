import Foundation
import NNHostSim
import Testing
import _NNTestSupport

/// The three commands as a user runs them: what they write, print and exit with.
@Suite struct CommandTests {
  static let lenet = Fixtures.path("real/nnabla_lenet_010000.nnp")

  @Test func compileWritesTheDocumentedAPIUnderTheChosenName() throws {
    let dir = try Fixtures.temporaryDirectory("cli")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out")
    let r = try CLI.run([Self.lenet, "--target", "cortex-m4f", "--quantize", "float32", "--name", "digits", "-o", out.path])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("653300 MACs"), "\(r.stdout)")
    let names = Set(try FileManager.default.contentsOfDirectory(atPath: out.path))
    for expected in ["digits.h", "digits.c", "digits_weights.c", "nnc_conv_f32.c", "nnc_runtime.h"] {
      #expect(names.contains(expected), "\(names)")
    }
    #expect(!names.contains("model.h"))
    // Exactly the kernels LeNet calls: no int8 file rides along on a float build.
    #expect(names.filter { $0.hasSuffix(".c") && $0.hasPrefix("nnc_") }.sorted() == [
      "nnc_activation_f32.c", "nnc_affine_f32.c", "nnc_arith_f32.c", "nnc_conv_f32.c", "nnc_pool_f32.c",
    ])
    let header = try String(contentsOf: out.appendingPathComponent("digits.h"), encoding: .utf8)
    #expect(header.contains("#define DIGITS_INPUT_SIZE 784"))
    #expect(header.contains("#define DIGITS_OUTPUT_SIZE 10"))
    #expect(header.contains("#define DIGITS_ARENA_BYTES 46080"))
    #expect(header.contains("int digits_run(const float *input, float *output);"))

    // The folder links into a program with nothing but the C compiler and libm.
    let main = dir.appendingPathComponent("main.c")
    try """
      #include "digits.h"
      int main(void) {
        static float x[DIGITS_INPUT_SIZE];
        float y[DIGITS_OUTPUT_SIZE];
        return digits_run(x, y);
      }
      """.write(to: main, atomically: true, encoding: .utf8)
    let sources = names.filter { $0.hasSuffix(".c") }.sorted().map { out.appendingPathComponent($0).path }
    let cc = try ProcessRunner.run(
      "cc", ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2", "-I", out.path, main.path] + sources
        + ["-lm", "-o", dir.appendingPathComponent("prog").path])
    #expect(cc.status == 0, "\(cc.stderr)")
    let run = try ProcessRunner.run(dir.appendingPathComponent("prog").path, [])
    #expect(run.status == 0)
  }

  @Test func compileReplacesAnExistingOutputFolderWhole() throws {
    let dir = try Fixtures.temporaryDirectory("cli")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out")
    // An earlier build under another name wrote old_model.c: the next build leaves none of it.
    let first = try CLI.run([Self.lenet, "--quantize", "float32", "--name", "old_model", "-o", out.path])
    #expect(first.status == 0, "\(first.stderr)")
    let r = try CLI.run([Self.lenet, "--quantize", "float32", "-o", out.path])
    #expect(r.status == 0, "\(r.stderr)")
    let names = try FileManager.default.contentsOfDirectory(atPath: out.path)
    #expect(!names.contains("old_model.c"), "a stale .c would be built into the user's program")
    #expect(names.contains("model.c"))
  }

  @Test func infoListsLayersShapesParametersAndMACs() throws {
    let r = try CLI.run(["info", Fixtures.path("real/nnc_result2.nnp")])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("networks: Main, MainValidation, MainRuntime"))
    #expect(r.stdout.contains("compiled: network 'MainRuntime'"))
    // Convolution 16@3×3... on 28×28: 16 × 22 × 22 outputs × 49 taps.
    let conv = r.stdout.split(separator: "\n").first { $0.hasPrefix("  Convolution ") }
    #expect(conv?.contains("[1, 16, 22, 22]") == true && conv?.contains("379456") == true, "\(r.stdout)")
    #expect(r.stdout.contains("total: 10 layers, 78810 parameters (315240 bytes float32), 802876 MACs"))
  }

  @Test func verifyPassesOnTheLeNetSampleAndComparesWithNNabla() throws {
    let r = try CLI.run([
      "verify", Self.lenet, "--quantize", "float32", "--input", Fixtures.path("real/nnabla_5.pgm"), "--no-image-normalization",
      "--expected", Fixtures.path("real/nnabla_lenet_010000__nnabla_5.output.bin"),
    ])
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.contains("C vs Swift interpreter max-abs"))
    #expect(r.stdout.contains("C vs expected"))
    #expect(r.stdout.contains("top-1 class per sample: 5\n"), "\(r.stdout)")
    #expect(r.stdout.hasSuffix("PASS\n"))
  }

  @Test func verifyFailsWithExitOneWhenExpectedOutputsDisagree() throws {
    let dir = try Fixtures.temporaryDirectory("cli")
    defer { try? FileManager.default.removeItem(at: dir) }
    var wrong = try Fixtures.floats("real/nnabla_lenet_010000__nnabla_5.output.bin")
    wrong[3] += 1
    let path = dir.appendingPathComponent("wrong.bin")
    try Data(wrong.withUnsafeBufferPointer { Data(buffer: $0) }).write(to: path)
    let r = try CLI.run([
      "verify", Self.lenet, "--quantize", "float32", "--input", Fixtures.path("real/nnabla_lenet_010000__nnabla_5.input.bin"),
      "--expected", path.path,
    ])
    #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.hasSuffix("FAIL\n"), "\(r.stdout)")
  }

  /// An NNC dataset CSV of image paths, as Neural Network Console writes it, fed ÷255.
  @Test func verifyReadsAnNNCDatasetCSV() throws {
    let dir = try Fixtures.temporaryDirectory("cli")
    defer { try? FileManager.default.removeItem(at: dir) }
    for i in 1...4 {
      try FileManager.default.copyItem(
        atPath: Fixtures.path("real/nnc_00\(i).png"), toPath: dir.appendingPathComponent("nnc_00\(i).png").path)
    }
    let csv = dir.appendingPathComponent("test.csv")
    let rows = "x:image,y:label\n" + (1...4).map { "nnc_00\($0).png,0\n" }.joined()
    try rows.write(to: csv, atomically: true, encoding: .utf8)
    // nnabla's outputs for the four images, one after another.
    var expected = Data()
    for i in 1...4 { expected.append(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("real/nnc_result2__nnc_00\(i).output.bin")))) }
    let expectedPath = dir.appendingPathComponent("expected.bin")
    try expected.write(to: expectedPath)
    let r = try CLI.run(["verify", Fixtures.path("real/nnc_result2.nnp"), "--quantize", "float32", "--input", csv.path, "--expected", expectedPath.path])
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.contains("verified 4 sample(s)"), "\(r.stdout)")
    #expect(r.stdout.contains("top-1 class per sample: 4 4 9 9\n"), "\(r.stdout)")
  }

  /// NNC's 4-vs-9 logistic model has one sigmoid output: verify shows the score, not a class.
  @Test func verifyShowsTheScoreOfAOneValueOutput() throws {
    let inputs = (1...4).flatMap { ["--input", Fixtures.path("real/nnc_result__nnc_00\($0).input.bin")] }
    let r = try CLI.run(["verify", Fixtures.path("real/nnc_result.nnp"), "--quantize", "float32"] + inputs)
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    let line = r.stdout.split(separator: "\n").first { $0.hasPrefix("  value per sample: ") }
    let scores = line.map { $0.dropFirst("  value per sample: ".count).split(separator: " ").compactMap { Float($0) } } ?? []
    #expect(scores.count == 4, "\(r.stdout)")
    if scores.count == 4 { #expect(scores[0] < 0.5 && scores[1] < 0.5 && scores[2] > 0.5 && scores[3] > 0.5) }
  }

  @Test func thresholdsSetTheExitCodeAndJSONCarriesTheFigures() throws {
    let dir = try Fixtures.temporaryDirectory("cli")
    defer { try? FileManager.default.removeItem(at: dir) }
    let json = dir.appendingPathComponent("report.json")
    let input = Fixtures.path("real/nnabla_lenet_010000__nnabla_5.input.bin")
    let pass = try CLI.run(["verify", Self.lenet, "--quantize", "float32", "--input", input, "--min-top1-agreement", "1", "--min-cosine", "0.999999", "--json", json.path])
    #expect(pass.status == 0, "\(pass.stdout)\(pass.stderr)")
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any]
    #expect((object?["failures"] as? [Any])?.isEmpty == true)
    let outputs = object?["outputs"] as? [[String: Any]]
    #expect((outputs?.first?["predictedClasses"] as? [Int]) == [5], "\(String(describing: object))")

    // A cosine above 1 cannot be met: the run fails and says which limit.
    let fail = try CLI.run(["verify", Self.lenet, "--quantize", "float32", "--input", input, "--min-cosine", "1.5"])
    #expect(fail.status == 1)
    #expect(fail.stdout.contains("FAILED: output 'y': cosine"), "\(fail.stdout)")
  }

  /// cortex-m4f defaults to int8; verify shows per-layer figures and gates on --min-top1-agreement.
  @Test func int8IsTheDefaultForCortexM4FAndVerifyReportsEveryLayer() throws {
    let model = Fixtures.path("nnabla/digits_lenet/model.nnp")
    let calibration = Fixtures.path("nnabla/digits_lenet/calibration.bin")
    let missing = try CLI.run([model, "--target", "cortex-m4f", "-o", "/nonexistent/out"])
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("pass --calibrate"), "\(missing.stderr)")
    let dir = try Fixtures.temporaryDirectory("cli")
    defer { try? FileManager.default.removeItem(at: dir) }
    let json = dir.appendingPathComponent("int8.json")
    let r = try CLI.run([
      "verify", model, "--calibrate", calibration, "--calibration-method", "percentile:99.99",
      "--input", calibration, "--min-top1-agreement", "0.99", "--json", json.path,
    ])
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.contains("int8 C is byte-identical to the Swift int8 reference in every step"), "\(r.stdout)")
    #expect(r.stdout.contains("per layer, int8 (dequantized) vs float model:"))
    #expect(r.stdout.contains("conv_s8") && r.stdout.contains("affine_s8") && r.stdout.contains("softmax_s8"))
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any]
    // 5 layers: each MaxPooling runs inside the convolution before it.
    #expect((object?["layers"] as? [Any])?.count == 5, "\(String(describing: object?["layers"]))")
    #expect((object?["mismatchedSteps"] as? [Any])?.isEmpty == true)
    let header = dir.appendingPathComponent("out")
    let compiled = try CLI.run([model, "--calibrate", calibration, "-o", header.path])
    #expect(compiled.status == 0, "\(compiled.stderr)")
    // Everything runs in int8 (softmax's float math is inside nnc_softmax_s8): no float kernel
    // file; the convolutions (with their max pooling) and affines are the optimized kernels.
    let kernels = try FileManager.default.contentsOfDirectory(atPath: header.path).filter { $0.hasPrefix("nnc_") && $0.hasSuffix(".c") }
    #expect(kernels.sorted() == ["nnc_conv_s8_opt.c", "nnc_quantize_s8.c", "nnc_softmax_s8.c"])
    // --kernels reference: the plain kernels, a fused max pooling as a second call.
    let reference = dir.appendingPathComponent("reference")
    let plain = try CLI.run([model, "--calibrate", calibration, "--kernels", "reference", "-o", reference.path])
    #expect(plain.status == 0, "\(plain.stderr)")
    let plainKernels = try FileManager.default.contentsOfDirectory(atPath: reference.path).filter { $0.hasPrefix("nnc_") && $0.hasSuffix(".c") }
    #expect(plainKernels.sorted() == ["nnc_affine_s8.c", "nnc_conv_s8.c", "nnc_pool_s8.c", "nnc_quantize_s8.c", "nnc_softmax_s8.c"])
    let h = try String(contentsOf: header.appendingPathComponent("model.h"), encoding: .utf8)
    #expect(h.contains("int model_run_int8(const int8_t *input, int8_t *output);"))
    #expect(h.contains("#define MODEL_INPUT_ZERO_POINT") && h.contains("#define MODEL_OUTPUT_SCALE"))
  }

  @Test func usageErrorsExitTwo() throws {
    let r = try CLI.run(["verify", Self.lenet])
    #expect(r.status == 2)
    #expect(r.stderr.contains("--input"), "\(r.stderr)")
    let unknownTarget = try CLI.run([Self.lenet, "--target", "z80"])
    #expect(unknownTarget.status == 2)
    #expect(unknownTarget.stderr.contains("z80"), "\(unknownTarget.stderr)")
    let badKernels = try CLI.run([Self.lenet, "--kernels", "fast"])
    #expect(badKernels.status == 2)
    #expect(badKernels.stderr.contains("'--kernels' must be optimized or reference, got 'fast'"), "\(badKernels.stderr)")
    let profileAlone = try CLI.run(["verify", Self.lenet, "--input", Self.lenet, "--profile"])
    #expect(profileAlone.status == 2)
    #expect(profileAlone.stderr.contains("--profile needs --emulate"), "\(profileAlone.stderr)")
  }
}
