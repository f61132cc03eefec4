import Foundation
import NNCompileKit
import Testing
import _NNTestSupport

/// `nncompile train` as a user runs it: what it writes, prints and exits with, Ctrl-C included,
/// and that its .nnp computes in nnabla what it computes here.
@Suite struct TrainCommandTests {
  static let mlp = Fixtures.path("train/mlp.nntxt")
  static let digits = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples/digits")
  static func data(_ name: String) -> String { digits.appendingPathComponent(name).path }

  /// `epoch 2/3  loss 0.4598  valid error 4.50%  (best)` → (loss, error).
  static func epochLines(_ stderr: String) -> [(loss: Float, error: Float?)] {
    stderr.split(separator: "\n").compactMap { line -> (Float, Float?)? in
      let words = line.split(separator: " ", omittingEmptySubsequences: true)
      guard words.count >= 4, words[0] == "epoch", words[2] == "loss", let loss = Float(words[3]) else { return nil }
      let error = words.count >= 7 && words[4] == "valid" && words[5] == "error" ? Float(words[6].dropLast()) : nil
      return (loss, error)
    }
  }

  /// The file's optimizer feeds the renamed variables from columns x and y; loss falls; the
  /// written .nnp imports, has the added executor on the Dropout-free runtime network, and keeps
  /// the best epoch by validation error.
  @Test func trainsTheFilesNetwork_lossFalls_writesAnExecutableNNP() throws {
    let dir = try Fixtures.temporaryDirectory("train")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("mlp.nnp").path
    let r = try CLI.run(["train", Self.mlp, "--data", Self.data("train_4_9.csv"), "--valid", Self.data("valid_4_9.csv"),
                         "--epochs", "4", "--seed", "2", "--test", Self.data("test_4_9.csv"), "-o", out])
    #expect(r.status == 0, "\(r.stderr)")
    let epochs = Self.epochLines(r.stderr)
    #expect(epochs.count == 4, "\(r.stderr)")
    #expect(r.stderr.split(separator: "\n").first?.hasPrefix("epoch 1/4  loss ") == true, "\(r.stderr)")
    #expect(epochs.last!.loss < epochs.first!.loss, "\(r.stderr)")
    let errors = epochs.compactMap(\.error)
    #expect(errors.count == 4)
    let best = errors.min()!
    #expect(r.stdout.contains("Wrote \(out) (epoch \(errors.firstIndex(of: best)! + 1), valid error \(String(format: "%.2f", best))%)"), "\(r.stdout)")
    #expect(r.stdout.contains("on 80 samples of"), "\(r.stdout)")

    let model = try NNablaImporter.importNNP(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: out))))
    let graph = model.graph
    #expect(graph.nodes.map(\.op.typeName) == ["Affine", "ReLU", "Affine"])
    #expect(graph.tensors[graph.inputs[0]].name == "image")
    #expect(graph.tensors[graph.outputs[0]].name == "logits")
    // Trained: the initial biases were zero.
    let b = graph.tensors.first { $0.name == "fc2/b" }!.data!.values
    #expect(b.contains { $0 != 0 })
  }

  /// NNC's structure search puts PReLU and SELU into networks: the same MLP with a per-channel
  /// PReLU (slopes from 0.25) and a SELU trains, and the written .nnp holds both functions with
  /// trained slopes.
  @Test func trainsANetworkWithPReLUAndSELU() throws {
    let dir = try Fixtures.temporaryDirectory("train-prelu")
    defer { try? FileManager.default.removeItem(at: dir) }
    var text = try String(contentsOfFile: Self.mlp, encoding: .utf8)
    text = text.replacingOccurrences(
      of: "function { name: \"relu1\" type: \"ReLU\" input: \"h1\" output: \"r1\" }",
      with: "function { name: \"prelu1\" type: \"PReLU\" input: \"h1\" input: \"prelu1/slope\" output: \"r1\" prelu_param { base_axis: 1 } }")
    text = text.replacingOccurrences(
      of: "type: \"Dropout\" input: \"r1\" output: \"d1\" dropout_param { p: 0.1 }",
      with: "type: \"SELU\" input: \"r1\" output: \"d1\" selu_param { scale: 1.0507 alpha: 1.67326 }")
    text = text.replacingOccurrences(
      of: "  variable { name: \"h1\" type: \"Buffer\"",
      with: "  variable {\n    name: \"prelu1/slope\" type: \"Parameter\" shape: { dim: 24 }\n    initializer { type: \"Constant\" multiplier: 0.25 }\n  }\n  variable { name: \"h1\" type: \"Buffer\"")
    let source = dir.appendingPathComponent("prelu.nntxt").path
    try Data(text.utf8).write(to: URL(fileURLWithPath: source))
    let out = dir.appendingPathComponent("prelu.nnp").path
    let r = try CLI.run(["train", source, "--data", Self.data("train_4_9.csv"), "--epochs", "2", "--seed", "2", "-o", out])
    #expect(r.status == 0, "\(r.stderr)")
    let epochs = Self.epochLines(r.stderr)
    #expect(epochs.count == 2 && epochs[1].loss < epochs[0].loss, "\(r.stderr)")
    let graph = try NNablaImporter.importNNP(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: out)))).graph
    #expect(graph.nodes.map(\.op.typeName) == ["Affine", "PReLU", "SELU", "Affine"])
    let slope = try #require(graph.tensors.first { $0.name == "prelu1/slope" }?.data?.values)
    #expect(slope.count == 24 && slope.contains { $0 != 0.25 })
  }

  /// The checked-in model `scripts/check-trained-nnp.sh` trained with this command, on the
  /// digits nnabla ran: our interpreter gives nnabla's outputs within 1e-5 of their range.
  @Test func trainedFixture_runsInNNablaWithOurOutputs() throws {
    let graph = try NNablaImporter.importNNP(bytes: Fixtures.bytes("train/mlp.trained.nnp")).graph
    let inputs = try Fixtures.floats("train/mlp.inputs.bin")
    let expected = try Fixtures.floats("train/mlp.trained.nnabla.bin")
    let shape = graph.tensors[graph.inputs[0]].shape
    let n = shape.reduce(1, *)
    #expect(inputs.count == 16 * n)
    var ours: [Float] = []
    for s in 0..<(inputs.count / n) {
      ours += FloatInterpreter.run(graph, inputs: [FloatTensor(shape: shape, values: Array(inputs[(s * n)..<((s + 1) * n)]))]).flatMap(\.values)
    }
    #expect(ours.count == expected.count && expected.count == 160)
    let range = (expected.max() ?? 0) - (expected.min() ?? 0)
    let worst = zip(ours, expected).map { abs($0 - $1) }.max() ?? .infinity
    #expect(worst <= 1e-5 * max(range, 1), "max-abs \(worst), output range \(range)")
    #expect(range > 1, "a trained classifier's logits spread out")
  }

  /// Ctrl-C mid-training: one line, exit 130, and the best model so far is written and loads.
  @Test func interrupt_writesTheBestModelSoFar_andExits130() throws {
    let dir = try Fixtures.temporaryDirectory("train-int")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("mlp.nnp").path
    // Two completed epochs, then Ctrl-C.
    let r = try CLI.interrupt(
      ["train", Self.mlp, "--data", Self.data("train_4_9.csv"), "--valid", Self.data("valid_4_9.csv"), "--epochs", "100000", "-o", out],
      when: { Self.epochLines($0).count >= 2 })
    #expect(r.status == 130, "\(r.stderr)")
    let last = r.stderr.split(separator: "\n").last.map(String.init) ?? ""
    #expect(last.hasPrefix("Interrupted after ") && last.hasSuffix("to \(out)"), "\(r.stderr)")
    #expect(last.contains(" of 100000 epochs: wrote the best model so far (epoch "), "\(last)")
    let graph = try NNablaImporter.importNNP(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: out)))).graph
    #expect(graph.nodes.count == 3)
  }

  @Test func badInput_isOneLineNamingTheFile() throws {
    let dir = try Fixtures.temporaryDirectory("train-bad")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("x.nnp").path
    let missing = dir.appendingPathComponent("missing.csv").path
    var r = try CLI.run(["train", Self.mlp, "--data", missing, "-o", out])
    #expect(r.status == 1)
    #expect(r.stderr == "\(missing): error: no such file\n")

    let wrongColumns = dir.appendingPathComponent("wrong.csv")
    try "a,b\n1,2\n".write(to: wrongColumns, atomically: true, encoding: .utf8)
    r = try CLI.run(["train", Self.mlp, "--data", wrongColumns.path, "-o", out])
    #expect(r.status == 1)
    #expect(r.stderr == "\(wrongColumns.path): error: no column 'x' for the network's variable 'image' (the dataset has: a, b)\n")

    let rmsprop = dir.appendingPathComponent("rmsprop.nntxt")
    try (try String(contentsOfFile: Self.mlp, encoding: .utf8)).replacingOccurrences(of: "type: \"Momentum\"", with: "type: \"RMSprop\"")
      .write(to: rmsprop, atomically: true, encoding: .utf8)
    r = try CLI.run(["train", rmsprop.path, "--data", Self.data("valid_4_9.csv"), "-o", out])
    #expect(r.status == 1)
    #expect(r.stderr == "\(rmsprop.path): error: solver 'RMSprop' is not supported (Sgd, Momentum, Adam)\n")
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test func usageErrors_exit2() throws {
    var r = try CLI.run(["train", Self.mlp, "--data", Self.data("valid_4_9.csv"), "--solver", "lbfgs", "-o", "x.nnp"])
    #expect(r.status == 2)
    #expect(r.stderr.hasPrefix("Error: '--solver' must be sgd, momentum or adam, got 'lbfgs'\n"))
    r = try CLI.run(["train", Self.mlp, "--data", Self.data("valid_4_9.csv")])
    #expect(r.status == 2)
    #expect(r.stderr.hasPrefix("Error: missing '-o <trained.nnp>'\n"))
    r = try CLI.run(["train", Self.mlp, "--data", Self.data("valid_4_9.csv"), "--epochs", "0", "-o", "x.nnp"])
    #expect(r.status == 2)
    #expect(r.stderr.hasPrefix("Error: '--epochs' needs a positive whole number, got '0'\n"))
  }
}
