import Foundation
import NNCompileKit
import Testing
import _NNTestSupport

/// `nncompile train` on data it cannot learn from: labels out of range or not numbers, and a
/// learning rate that drives the loss to NaN. One line naming the file and place, exit 1, never a
/// trap, and nothing written but a finite model.
@Suite struct TrainBadDataTests {
  /// Four inputs, ten classes: SoftmaxCrossEntropy over an Affine, small enough to train in a blink.
  static let network = """
    network {
      name: "Main"
      batch_size: 4
      variable { name: "x" type: "Buffer" shape: { dim: -1 dim: 4 } }
      variable { name: "y" type: "Buffer" shape: { dim: -1 dim: 1 } }
      variable { name: "fc/W" type: "Parameter" shape: { dim: 4 dim: 10 } initializer { type: "NormalAffineGlorot" multiplier: 1.0 } }
      variable { name: "fc/b" type: "Parameter" shape: { dim: 10 } initializer { type: "Constant" multiplier: 0.0 } }
      variable { name: "logits" type: "Buffer" shape: { dim: -1 dim: 10 } }
      variable { name: "loss" type: "Buffer" shape: { dim: -1 dim: 1 } }
      function { name: "fc" type: "Affine" input: "x" input: "fc/W" input: "fc/b" output: "logits" affine_param { base_axis: 1 } }
      function {
        name: "ce" type: "SoftmaxCrossEntropy" input: "logits" input: "y" output: "loss"
        softmax_cross_entropy_param { axis: 1 }
      }
    }
    training_config { max_epoch: 2 }
    optimizer {
      name: "Optimizer" network_name: "Main"
      solver { type: "Sgd" sgd_param { lr: 0.1 } }
      loss_variable { variable_name: "loss" }
    }

    """

  /// A folder with the network and a good dataset (`good.csv`: 8 samples, labels 0…7).
  static func sandbox(_ name: String) throws -> URL {
    let dir = try Fixtures.temporaryDirectory(name)
    try Data(network.utf8).write(to: dir.appendingPathComponent("net.nntxt"))
    try csv(labels: (0..<8).map(String.init)).write(to: dir.appendingPathComponent("good.csv"), atomically: true, encoding: .utf8)
    return dir
  }

  /// `x__0,…,y` rows with small inputs and the given labels; the header is line 1.
  static func csv(labels: [String], scale: Int = 1) -> String {
    "x__0,x__1,x__2,x__3,y:label\n"
      + labels.enumerated().map { i, label in "\(i % 4 * scale),\((i + 1) % 3 * scale),\(i % 2 * scale),1,\(label)\n" }.joined()
  }

  static let badLabels = [
    ("10", "label 10 is not a class index 0 ≤ label < 10"), ("-1", "label -1 is not a class index 0 ≤ label < 10"),
    ("1e9", "label 1e+09 is not a class index 0 ≤ label < 10"), ("nan", "label nan is not a class index 0 ≤ label < 10"),
    ("inf", "label inf is not a class index 0 ≤ label < 10"),
  ]

  /// Each bad label, on line 4 of the file given as --data, --valid or --test: one line naming the
  /// file, the line, the column, the value and the range; exit 1; no model written.
  @Test(arguments: ["--data", "--valid", "--test"])
  func badClassLabel_isOneLineNamingFileLineColumnValueAndRange(_ option: String) throws {
    let dir = try Self.sandbox("train-label")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out.nnp").path
    for (label, problem) in Self.badLabels {
      let bad = dir.appendingPathComponent("bad.csv")
      var labels = (0..<8).map(String.init)
      labels[2] = label
      try Self.csv(labels: labels).write(to: bad, atomically: true, encoding: .utf8)
      let good = dir.appendingPathComponent("good.csv").path
      var args = ["train", dir.appendingPathComponent("net.nntxt").path, "--data", good, "--batch-size", "4", "-o", out]
      if option == "--data" { args[3] = bad.path } else { args += [option, bad.path] }
      let r = try CLI.run(args)
      #expect(r.status == 1, "\(label): \(r.stderr)")
      #expect(r.stderr == "\(bad.path):4: error: column 'y:label': \(problem) (SoftmaxCrossEntropy 'ce')\n", "\(label)")
      #expect(!FileManager.default.fileExists(atPath: out), "\(label)")
    }
  }

  /// A NaN input value is as meaningless as a NaN label: refused with its line and column.
  @Test func nanInput_isOneLineNamingItsColumn() throws {
    let dir = try Self.sandbox("train-nan-input")
    defer { try? FileManager.default.removeItem(at: dir) }
    let bad = dir.appendingPathComponent("bad.csv")
    try Self.csv(labels: (0..<8).map(String.init)).replacingOccurrences(of: "\n2,0,0,1,2\n", with: "\n2,0,nan,1,2\n")
      .write(to: bad, atomically: true, encoding: .utf8)
    let r = try CLI.run(["train", dir.appendingPathComponent("net.nntxt").path, "--data", bad.path, "--batch-size", "4", "-o", dir.appendingPathComponent("out.nnp").path])
    #expect(r.status == 1, "\(r.stderr)")
    #expect(r.stderr == "\(bad.path):4: error: column 'x__2': value nan is not a finite number\n")
  }

  /// SquaredError on ten outputs with a one-value label: refused at import, naming the loss,
  /// rather than read past the label's end.
  @Test func labelShapeThatDoesNotFitTheLoss_isOneLine() throws {
    let dir = try Self.sandbox("train-label-shape")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("squared.nntxt")
    try Self.network.replacingOccurrences(of: "type: \"SoftmaxCrossEntropy\"", with: "type: \"SquaredError\"")
      .replacingOccurrences(of: "softmax_cross_entropy_param { axis: 1 }", with: "").write(to: model, atomically: true, encoding: .utf8)
    let r = try CLI.run(["train", model.path, "--data", dir.appendingPathComponent("good.csv").path, "--batch-size", "4", "-o", dir.appendingPathComponent("out.nnp").path])
    #expect(r.status == 1, "\(r.stderr)")
    #expect(r.stderr == "\(model.path): error: function 'ce' (SquaredError): label 'y' has shape [1, 1]; a prediction of shape [1, 10] needs [1, 10]\n")
  }

  /// MNIST IDX files: a label byte of 200 for ten classes is named by its index in the label file.
  @Test func idxLabel200_isOneLineNamingTheLabelFileAndIndex() throws {
    let dir = try Self.sandbox("train-idx")
    defer { try? FileManager.default.removeItem(at: dir) }
    // 8 images of 2×2 pixels (the network's 4 inputs) and their labels, the fifth (index 4) 200.
    let images = dir.appendingPathComponent("tiny-images-idx3-ubyte")
    let labels = dir.appendingPathComponent("tiny-labels-idx1-ubyte")
    try Data([0, 0, 8, 3, 0, 0, 0, 8, 0, 0, 0, 2, 0, 0, 0, 2] + (0..<32).map { UInt8($0 * 7) }).write(to: images)
    try Data([0, 0, 8, 1, 0, 0, 0, 8, 0, 1, 2, 3, 200, 5, 6, 7]).write(to: labels)
    let out = dir.appendingPathComponent("out.nnp").path
    let r = try CLI.run(["train", dir.appendingPathComponent("net.nntxt").path, "--data", images.path, "--batch-size", "4", "-o", out])
    #expect(r.status == 1, "\(r.stderr)")
    #expect(r.stderr == "\(labels.path): error: index 4, column 'y': label 200 is not a class index 0 ≤ label < 10 (SoftmaxCrossEntropy 'ce')\n")
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  /// 2.5 is class 2, as nnabla reads it: one warning naming the first such label, and training runs.
  @Test func fractionalLabel_warnsAndTrainsAsNNablaDoes() throws {
    let dir = try Self.sandbox("train-frac")
    defer { try? FileManager.default.removeItem(at: dir) }
    let data = dir.appendingPathComponent("frac.csv")
    try Self.csv(labels: ["0", "1", "2.5", "3", "4", "5.5", "6", "7"]).write(to: data, atomically: true, encoding: .utf8)
    let out = dir.appendingPathComponent("out.nnp").path
    let r = try CLI.run(["train", dir.appendingPathComponent("net.nntxt").path, "--data", data.path, "--batch-size", "4", "-o", out])
    #expect(r.status == 0, "\(r.stderr)")
    let warning = "\(data.path):4: warning: column 'y:label': label 2.5 is not a whole number; read as class 2, as nnabla does (2 such labels)"
    #expect(r.stderr.split(separator: "\n").first.map(String.init) == warning, "\(r.stderr)")
    #expect(FileManager.default.fileExists(atPath: out))
  }

  /// Inputs in the tens of thousands and a huge learning rate: the first epoch's update stays
  /// finite, the second step's loss is NaN. Training stops there, exit 1, and the model kept is
  /// epoch 1's, which loads and holds only finite numbers.
  @Test func nanLoss_stopsWithOneLine_keepsTheBestEpoch() throws {
    let dir = try Self.sandbox("train-nan")
    defer { try? FileManager.default.removeItem(at: dir) }
    let data = dir.appendingPathComponent("big.csv")
    try Self.csv(labels: (0..<8).map(String.init), scale: 30000).write(to: data, atomically: true, encoding: .utf8)
    let out = dir.appendingPathComponent("out.nnp").path
    let model = dir.appendingPathComponent("net.nntxt").path
    let r = try CLI.run(["train", model, "--data", data.path, "--batch-size", "8", "--epochs", "3", "--learning-rate", "1e30", "-o", out])
    #expect(r.status == 1, "\(r.stderr)")
    let last = r.stderr.split(separator: "\n").last.map(String.init) ?? ""
    #expect(last == "\(model): error: the loss became NaN at epoch 2, step 1 (learning rate 1e+30); wrote the best model so far (epoch 1) to \(out)", "\(r.stderr)")
    #expect(r.stdout.isEmpty, "\(r.stdout)")
    let graph = try NNablaImporter.importNNP(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: out)))).graph
    let parameters = graph.tensors.compactMap(\.data)
    #expect(parameters.count == 2)
    #expect(parameters.allSatisfy { $0.values.allSatisfy(\.isFinite) })
  }

  /// A regression whose validation loss overflows float (inputs of 1e20, squared errors past
  /// 3.4e38): stopped at the first validation, with no epoch to keep, so nothing is written.
  @Test func infiniteValidationLoss_stopsAndWritesNothing() throws {
    let dir = try Self.sandbox("train-valid-inf")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("regression.nntxt")
    try Self.network.replacingOccurrences(of: "type: \"SoftmaxCrossEntropy\"", with: "type: \"SquaredError\"")
      .replacingOccurrences(of: "softmax_cross_entropy_param { axis: 1 }", with: "")
      .replacingOccurrences(of: "dim: 4 dim: 10", with: "dim: 4 dim: 1").replacingOccurrences(of: "dim: 10", with: "dim: 1")
      .write(to: model, atomically: true, encoding: .utf8)
    let valid = dir.appendingPathComponent("huge.csv")
    try "x__0,x__1,x__2,x__3,y\n1e20,1e20,1e20,1e20,0\n".write(to: valid, atomically: true, encoding: .utf8)
    let out = dir.appendingPathComponent("out.nnp").path
    let r = try CLI.run(["train", model.path, "--data", dir.appendingPathComponent("good.csv").path, "--valid", valid.path, "--batch-size", "4", "-o", out])
    #expect(r.status == 1, "\(r.stderr)")
    #expect(r.stderr == "\(model.path): error: the validation loss became infinite at epoch 1 (learning rate 0.1); no epoch completed before it, so nothing was written; try a smaller --learning-rate\n")
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  /// So large a rate that the very first update overflows: nothing completed, nothing written.
  @Test func infiniteParameterInTheFirstEpoch_writesNothing() throws {
    let dir = try Self.sandbox("train-inf")
    defer { try? FileManager.default.removeItem(at: dir) }
    let data = dir.appendingPathComponent("big.csv")
    try Self.csv(labels: (0..<8).map(String.init), scale: 30000).write(to: data, atomically: true, encoding: .utf8)
    let out = dir.appendingPathComponent("out.nnp").path
    let model = dir.appendingPathComponent("net.nntxt").path
    let r = try CLI.run(["train", model, "--data", data.path, "--batch-size", "8", "--learning-rate", "1e35", "-o", out])
    #expect(r.status == 1, "\(r.stderr)")
    #expect(r.stderr == "\(model): error: parameter 'fc/W' became NaN or infinite at epoch 1, step 1 (learning rate 1e+35); no epoch completed before it, so nothing was written; try a smaller --learning-rate\n")
    #expect(!FileManager.default.fileExists(atPath: out))
  }
}
