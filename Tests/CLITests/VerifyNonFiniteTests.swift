import Foundation
import NNCompileKit
import Testing
import _NNTestSupport

/// `nncompile verify` never passes an output it cannot vouch for: NaN in the C output, NaN in
/// the expected outputs, and int8 held to int8-against-float limits when compared with nnabla's
/// float outputs.
@Suite struct VerifyNonFiniteTests {
  /// x[4] → Affine → y[3]; `w0` is the weight that feeds output 0 from input 0.
  static func affine(w0: String) -> String {
    """
    network {
      name: "net"
      batch_size: 1
      variable { name: "x" type: "Buffer" shape { dim: -1 dim: 4 } }
      variable { name: "fc/W" type: "Parameter" shape { dim: 4 dim: 3 } }
      variable { name: "y" type: "Buffer" shape { dim: -1 dim: 3 } }
      function { name: "fc" type: "Affine" input: "x" input: "fc/W" output: "y" affine_param { base_axis: 1 } }
    }
    parameter {
      variable_name: "fc/W" shape { dim: 4 dim: 3 }
      data: \(w0) data: 1 data: 1 data: 1 data: 1 data: 1 data: 1 data: 1 data: 1 data: 1 data: 1 data: 1
    }
    executor {
      name: "runtime" network_name: "net"
      data_variable { variable_name: "x" data_name: "x" }
      output_variable { variable_name: "y" data_name: "y" }
    }

    """
  }

  static func floats(_ values: [Float]) -> Data {
    Data(values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
  }

  /// A NaN weight makes output 0 NaN (in the C and in the interpreter alike): FAIL, and the
  /// first failure says NaN and where.
  @Test func nanOutput_failsLoudly() throws {
    let dir = try Fixtures.temporaryDirectory("verify-nan")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("nan.nntxt")
    try Data(Self.affine(w0: "nan").utf8).write(to: model)
    let input = dir.appendingPathComponent("x.bin")
    try Self.floats([1, 2, 3, 4]).write(to: input)
    let r = try CLI.run(["verify", model.path, "--quantize", "float32", "--input", input.path])
    #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
    let failures = r.stdout.split(separator: "\n").filter { $0.hasPrefix("  FAILED: ") }
    #expect(failures.first == "  FAILED: output 'y': the C output holds 1 NaN or infinite value(s), first sample 1, element 0 = nan", "\(r.stdout)")
    #expect(r.stdout.contains("cosine nan"), "\(r.stdout)")
    #expect(r.stdout.hasSuffix("FAIL\n"))
  }

  /// The same NaN on the emulated Cortex-M4F: its own failure line, though bit-exact with the host.
  @Test func nanOutput_failsOnTheEmulatedBoardToo() throws {
    let dir = try Fixtures.temporaryDirectory("verify-nan-emu")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("nan.nntxt")
    try Data(Self.affine(w0: "nan").utf8).write(to: model)
    let input = dir.appendingPathComponent("x.bin")
    try Self.floats([1, 2, 3, 4]).write(to: input)
    let r = try CLI.run(["verify", model.path, "--quantize", "float32", "--target", "cortex-m4f", "--input", input.path, "--emulate"])
    #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.contains("  FAILED: emulated Cortex-M4F outputs hold 1 NaN or infinite value(s), first sample 1, element 0 = nan\n"), "\(r.stdout)")
  }

  /// The C is right, the expected file holds a NaN: no figure may read as agreement.
  @Test func nanInTheExpectedOutputs_fails() throws {
    let dir = try Fixtures.temporaryDirectory("verify-nan-expected")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("ok.nntxt")
    try Data(Self.affine(w0: "1").utf8).write(to: model)
    let input = dir.appendingPathComponent("x.bin")
    try Self.floats([1, 2, 3, 4]).write(to: input)
    let expected = dir.appendingPathComponent("y.bin")
    try Self.floats([.nan, 10, 10]).write(to: expected)
    let fail = try CLI.run(["verify", model.path, "--quantize", "float32", "--input", input.path, "--expected", expected.path])
    #expect(fail.status == 1, "\(fail.stdout)")
    #expect(fail.stdout.contains("FAILED: output 'y': C differs from the expected outputs by nan of the range"), "\(fail.stdout)")
    try Self.floats([10, 10, 10]).write(to: expected)
    let pass = try CLI.run(["verify", model.path, "--quantize", "float32", "--input", input.path, "--expected", expected.path])
    #expect(pass.status == 0, "\(pass.stdout)")
  }

  /// Metrics over NaN are NaN, never 0 or 1; equal infinities are no difference but no NaN is.
  @Test func metrics_nanIsNeverAgreement() {
    let nan = ComparisonMetrics(actual: [FloatTensor(shape: [3], values: [.nan, .nan, .nan])], reference: [FloatTensor(shape: [3], values: [.nan, .nan, .nan])])
    #expect(nan.maxAbs.isNaN && nan.maxRel.isNaN && nan.cosine.isNaN && nan.rmse.isNaN && nan.top1Agreement.isNaN)
    #expect(nan.nonFinite == 3 && nan.firstNonFinite == "sample 1, element 0 = nan")
    let sameInf = ComparisonMetrics(actual: [FloatTensor(shape: [2], values: [.infinity, 1])], reference: [FloatTensor(shape: [2], values: [.infinity, 1])])
    #expect(sameInf.nonFinite == 0 && sameInf.maxAbs == 0 && sameInf.top1Agreement == 1)
    let otherInf = ComparisonMetrics(actual: [FloatTensor(shape: [2], values: [-.infinity, 1])], reference: [FloatTensor(shape: [2], values: [.infinity, 1])])
    #expect(otherInf.nonFinite == 1 && otherInf.maxAbs == .infinity)
    #expect(ComparisonMetrics.argmax([.nan, 1, 3, .nan]) == 2)
  }

  /// digits LeNet in int8 against nnabla's own float outputs for the first 8 test images:
  /// held to cosine ≥ 0.99 (the default int8 limit, said in the report), not to the bit-exact
  /// tolerance; outputs with the class order reversed fail on that cosine.
  @Test func int8AgainstExpectedFloatOutputs_usesTheInt8Limits() throws {
    let dir = try Fixtures.temporaryDirectory("verify-int8-expected")
    defer { try? FileManager.default.removeItem(at: dir) }
    let samples = 8
    let inputs = dir.appendingPathComponent("x.bin")
    try Data(Fixtures.bytes("nnabla/digits_lenet/test_inputs.bin").prefix(samples * 784 * 4)).write(to: inputs)
    let nnabla = Array(try Fixtures.floats("nnabla/digits_lenet/test_outputs.bin").prefix(samples * 10))
    let expected = dir.appendingPathComponent("y.bin")
    try Self.floats(nnabla).write(to: expected)
    let args = [
      // Calibrated on the 8 samples themselves: a tenth of the fixture's calibration set, as good here.
      "verify", Fixtures.path("nnabla/digits_lenet/model.nnp"), "--calibrate", inputs.path, "--input", inputs.path, "--expected", expected.path,
    ]
    let pass = try CLI.run(args)
    #expect(pass.status == 0, "\(pass.stdout)\(pass.stderr)")
    #expect(pass.stdout.hasPrefix("verified 8 sample(s); int8 C vs the Swift int8 reference: bit-exact; int8 C vs expected float outputs: cosine ≥ 0.99 (the default int8 limit;"), "\(pass.stdout)")
    #expect(pass.stdout.contains("  int8 C vs expected (float)"), "\(pass.stdout)")

    let reversed = (0..<samples).flatMap { s in nnabla[(s * 10)..<((s + 1) * 10)].reversed() }
    try Self.floats(reversed).write(to: expected)
    let fail = try CLI.run(args)
    #expect(fail.status == 1, "\(fail.stdout)")
    #expect(fail.stdout.contains("FAILED: output 'y' against the expected outputs: cosine "), "\(fail.stdout)")
    #expect(fail.stdout.contains("< 0.99"), "\(fail.stdout)")
    // Limits given on the command line replace the default, for the float model and expected outputs alike.
    let given = try CLI.run(args + ["--min-top1-agreement", "1"])
    #expect(given.status == 1, "\(given.stdout)")
    #expect(given.stdout.contains("int8 C vs expected float outputs: top-1 agreement ≥ 1.0\n"), "\(given.stdout)")
    #expect(given.stdout.contains("FAILED: output 'y' against the expected outputs: top-1 agreement "), "\(given.stdout)")
  }
}
