import Foundation
import Testing
import _NNTestSupport

/// Inputs that used to be accepted silently (issue 10, item 7) are refused with one line, or
/// built with a warning on stderr where the numbers stay well defined.
@Suite struct SilentlyAcceptedInputTests {
  typealias Hostile = HostileGraphTests

  static func batchNormalization(variance: [String], eps: String) -> InlineModel {
    let stat = [1, 2, 1, 1]
    return InlineModel(
      function: "BatchNormalization", param: "batch_normalization_param { axes: 1 eps: \(eps) }", input: [-1, 2, 2, 2],
      parameters: [("beta", stat, ["0", "0"]), ("gamma", stat, ["1", "1"]), ("mean", stat, ["0", "0"]), ("var", stat, variance)])
  }

  @Test(arguments: [
    (["1", "-0.5"], "1e-5", "variance + eps is -0.49999 for channel 1 (variance -0.5, eps 1e-05)"),
    (["0", "1"], "0", "variance + eps is 0.0 for channel 0 (variance 0.0, eps 0.0)"),
    (["1", "0.25"], "-0.5", "variance + eps is -0.25 for channel 1 (variance 0.25, eps -0.5)"),
    (["1", "1"], "nan", "eps nan is not finite"),
  ])
  func batchNormalization_whoseDenominatorIsNotPositive_isAnError(_ variance: [String], _ eps: String, _ fragment: String) throws {
    try Hostile.expectOneError(Self.batchNormalization(variance: variance, eps: eps), fragment)
  }

  @Test(arguments: [
    (["1", "-0.5"], "1", "warning: negative variance -0.5 for channel 1 ('var'); computed as given"),
    (["1", "1"], "-0.5", "warning: negative eps -0.5; computed as given"),
  ])
  func batchNormalization_negativeButFinite_isAWarning(_ variance: [String], _ eps: String, _ warning: String) throws {
    let (r, path, outExists) = try Hostile.run(Self.batchNormalization(variance: variance, eps: eps))
    #expect(r.status == 0 && outExists, "\(r.stderr)")
    #expect(r.stderr == "\(path): function 'f1' (BatchNormalization): \(warning)\n")
  }

  @Test func nonFiniteParameters_inAFloatBuild_warnPerParameter() throws {
    let model = InlineModel(
      function: "Convolution", param: "convolution_param { base_axis: 1 group: 1 }",
      parameters: [("W", [2, 1, 3, 3], ["0.5", "inf"] + Array(repeating: "nan", count: 16)), ("b", [2], ["1", "2"])])
    let (r, path, outExists) = try Hostile.run(model)
    #expect(r.status == 0 && outExists)
    #expect(r.stderr == "\(path): warning: parameter 'W' holds 17 non-finite values (first: inf at index 1); what depends on it will not be finite\n")
    let info = try Hostile.run(model, subcommand: "info", [])
    #expect(info.result.status == 0)
    #expect(info.result.stderr == "\(info.path): warning: parameter 'W' holds 17 non-finite values (first: inf at index 1); what depends on it will not be finite\n")
  }

  @Test(arguments: [
    (InlineModel(function: "ReLU", outputs: []), "executor 'runtime' has no output variable: there is nothing to compute"),
    (InlineModel(function: "ReLU", outputs: ["x"]), "executor 'runtime' computes nothing: its outputs are its inputs (0 layers)"),
  ])
  func executorWithNothingToCompute_isAnError(_ model: InlineModel, _ message: String) throws {
    let (r, path, outExists) = try Hostile.run(model)
    #expect(r.status == 1 && !outExists)
    #expect(r.stderr == "\(path): error: \(message)\n")
  }

  @Test(arguments: [
    ("nnc_types", "starts with nnc_"), ("nnc_runtime", "starts with nnc_"), ("int", "is a C keyword"), ("_Bool", "is a C keyword"),
    ("main", "clash with a C standard header, the program's main.c or Arduino.h"), ("errno", "clash with"), ("Math", "clash with"),
    ("Arduino", "clash with"), ("__model", "is reserved for the C implementation"), ("_Model", "is reserved"),
    ("9lives", "is not a C identifier"),
  ])
  func reservedName_isAUsageError(_ name: String, _ reason: String) throws {
    let (r, _, outExists) = try Hostile.run(.convolution(), ["--target", "host", "--quantize", "float32", "--name", name])
    #expect(r.status == 2 && !outExists)
    let first = r.stderr.split(separator: "\n").first.map(String.init) ?? ""
    #expect(first.hasPrefix("Error: --name '\(name)' ") && first.contains(reason), "\(r.stderr)")
  }

  @Test func ordinaryNames_stillWork() throws {
    for name in ["model", "digits", "_model", "mathematics", "my_nnc_model"] {
      let (r, _, _) = try Hostile.run(.convolution(), ["--target", "host", "--quantize", "float32", "--name", name])
      #expect(r.status == 0, "\(name): \(r.stderr)")
    }
  }

  @Test func negativeLabelDimension_inTraining_isNotTheBatch() throws {
    let dir = try Fixtures.temporaryDirectory("label")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("mlp.nntxt").path
    let original = try String(contentsOfFile: TrainCommandTests.mlp, encoding: .utf8)
    let declared = "variable { name: \"label\" type: \"Buffer\" shape: { dim: -1 dim: 1 } }"
    #expect(original.contains(declared))
    try Data(original.replacingOccurrences(of: declared, with: declared.replacingOccurrences(of: "dim: 1", with: "dim: -3")).utf8)
      .write(to: URL(fileURLWithPath: model))
    let out = dir.appendingPathComponent("trained.nnp").path
    let r = try CLI.run(["train", model, "--data", TrainCommandTests.data("valid_4_9.csv"), "--epochs", "1", "-o", out])
    #expect(r.status == 1 && !FileManager.default.fileExists(atPath: out))
    #expect(r.stderr == "\(model): error: variable 'label': shape [-1, -3] must be positive dimensions (only the leading batch may be -1) of at most 2147483647 elements\n")
  }

  // MARK: - Target files

  static let hostTarget: String = (try? String(contentsOfFile: Fixtures.repositoryRoot.appendingPathComponent("targets/host.json").path, encoding: .utf8)) ?? ""

  @Test(arguments: [
    ("\"ramBytes\": 0", "\"ramBytes\": -5", "key 'ramBytes' is -5; it must not be negative (0 means no limit)"),
    ("\"flashBytes\": 0", "\"flashBytes\": -1", "key 'flashBytes' is -1; it must not be negative"),
    ("\"clockHz\": 0", "\"clockHz\": -1", "key 'clockHz' is -1; it must not be negative"),
    ("\"ramBytes\": 0", "\"ramBytes\": \"lots\"", "key 'ramBytes' must be a whole number"),
    ("\"ramBytes\": 0", "\"ramBytes\": 1.5", "key 'ramBytes' must be a whole number, got 1.5"),
    ("\"ramBytes\": 0", "\"ramBytes\": null", "key 'ramBytes' is null; it must be a whole number"),
    ("\"crossFlags\": []", "\"crossFlags\": [1]", "key 'crossFlags[0]' must be a string"),
    ("\"cpu\": \"host\",", "", "missing key 'cpu'"),
    ("\"defaultQuantization\": \"float32\"", "\"defaultQuantization\": \"int4\"", "key 'defaultQuantization' is 'int4'; it must be float32 or int8"),
    ("}", "", "not valid JSON: "),
  ])
  func invalidTargetFile_isOneLineNamingTheKey(_ original: String, _ replacement: String, _ message: String) throws {
    #expect(Self.hostTarget.contains(original))
    let dir = try Fixtures.temporaryDirectory("target")
    defer { try? FileManager.default.removeItem(at: dir) }
    let target = dir.appendingPathComponent("board.json").path
    try Data(Self.hostTarget.replacingOccurrences(of: original, with: replacement).utf8).write(to: URL(fileURLWithPath: target))
    let (r, _, outExists) = try Hostile.run(.convolution(), ["--target", target, "--quantize", "float32"])
    #expect(r.status == 1 && !outExists)
    #expect(r.stderr.hasPrefix("\(target): error: \(message)") && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
  }
}
