import Foundation
import NNCompileKit
import NNFormats
import NNImport
import NNIR
import NNSearch
import Testing
import _NNTestSupport

@Suite struct MutationTests {
  static let lenetPath = Fixtures.repositoryRoot.appendingPathComponent("examples/train-lenet/net.nntxt").path
  static let lenetSummary = "conv16k5-maxpool2-relu-conv16k5-maxpool2-relu-fc50-relu-fc10"

  static func lenet() throws -> ProtoTextMessage {
    try ProtoTextMessage.parse(String(contentsOfFile: lenetPath, encoding: .utf8))
  }

  static func network(_ d: ProtoTextMessage, _ name: String) throws -> ProtoTextMessage {
    try #require(try d.messages("network").first { try $0.string("name") == name })
  }

  static func declaredShapes(_ net: ProtoTextMessage) throws -> [String: [Int]] {
    var out: [String: [Int]] = [:]
    for v in net.messages("variable") { out[try v.string("name") ?? ""] = try v.message("shape")?.ints("dim") ?? [] }
    return out
  }

  /// What must hold for every candidate: both importers take it, every declared shape is the
  /// computed one, and the input, the loss and the prediction's size are LeNet's.
  static func checkCandidate(_ d: ProtoTextMessage, base: ProtoTextMessage, note: String) throws {
    let text = d.formatted()
    let training = try NNablaImporter.importTrainingText(text, network: "Main")
    let main = try network(d, "Main")
    let declared = try declaredShapes(main)
    for t in training.graph.tensors {
      guard let shape = declared[t.name] else { continue }
      let batchOne = shape.enumerated().map { $0.offset == 0 && $0.element == -1 ? 1 : $0.element }
      #expect(batchOne == t.shape, "\(note): \(t.name) declared \(shape), computes \(t.shape)")
    }
    // Inference: the executor's network, parameters of the declared shapes.
    let runtime = try network(d, "MainRuntime")
    var parameters: [ParameterDef] = []
    for v in runtime.messages("variable") where try v.string("type") == "Parameter" {
      let shape = try v.message("shape")?.ints("dim") ?? []
      parameters.append(ParameterDef(name: try v.string("name")!, shape: shape, values: [Float](repeating: 1, count: shape.reduce(1, *))))
    }
    let inference = try NNablaImporter.importText(text, extraParameters: parameters)
    #expect(inference.graph.inputs.map { inference.graph.tensors[$0].shape } == [[1, 1, 28, 28]], "\(note)")
    #expect(inference.graph.outputs.map { inference.graph.tensors[$0].shape } == [[1, 10]], "\(note)")

    // Untouched: the input and label declarations, the loss, the prediction's size, the executor's output.
    let baseMain = try network(base, "Main")
    let baseDeclared = try declaredShapes(baseMain)
    for name in ["x", "y", "a4", "loss"] { #expect(declared[name] == baseDeclared[name], "\(note): \(name)") }
    #expect(main.messages("function").last == baseMain.messages("function").last, "\(note): the loss changed")
    #expect(d.messages("executor").first?.messages("output_variable") == base.messages("executor").first?.messages("output_variable"))
    // Derived networks: the same functions (Runtime without the loss), every executor parameter declared there.
    let mainNames = try main.messages("function").map { try $0.string("name")! }
    #expect(try network(d, "MainValidation").messages("function").map { try $0.string("name")! } == mainNames, "\(note)")
    #expect(try runtime.messages("function").map { try $0.string("name")! } == Array(mainNames.dropLast()), "\(note)")
    let runtimeParameters = try runtime.messages("variable").filter { try $0.string("type") == "Parameter" }.map { try $0.string("name")! }
    let executorParameters = try d.messages("executor").first!.messages("parameter_variable").map { try $0.string("variable_name")! }
    #expect(executorParameters == runtimeParameters, "\(note)")
    // Every Main parameter has an initializer (new ones included), so the trainer can start it.
    for v in main.messages("variable") where try v.string("type") == "Parameter" {
      let name = try v.string("name") ?? ""
      #expect(v.message("initializer") != nil, "\(note): \(name) has no initializer")
    }
  }

  @Test func summaryOfLeNet() throws {
    #expect(try NetworkMutator.summary(Self.lenet(), network: "Main") == Self.lenetSummary)
    #expect(try NetworkMutator.summary(Self.lenet(), network: "MainRuntime") == Self.lenetSummary)
    #expect(throws: (any Error).self) { try NetworkMutator.summary(Self.lenet(), network: "Nope") }
  }

  /// 50 mutations, each of the previous candidate (a search's walk), back to LeNet every 10.
  @Test func fiftyMutationsImportAndKeepShapes() throws {
    let base = try Self.lenet()
    var mutator = NetworkMutator(seed: 42)
    var current = base
    var descriptions: [String] = []
    for step in 0..<50 {
      if step % 10 == 0 { current = base }
      let (next, description) = try mutator.mutate(current, network: "Main")
      try Self.checkCandidate(next, base: base, note: "step \(step) (\(description))")
      #expect(next != current, "step \(step): \(description) changed nothing")
      #expect(!description.isEmpty && !description.contains("\n"))
      descriptions.append(description)
      current = next
    }
    #expect(Set(descriptions).count > 20)
  }

  @Test func sameSeedSameSequence() throws {
    let base = try Self.lenet()
    func walk(_ seed: UInt64) throws -> [String] {
      var m = NetworkMutator(seed: seed)
      var d = base
      var out: [String] = []
      for _ in 0..<12 {
        let r = try m.mutate(d, network: "Main")
        d = r.definition
        out.append(r.description + "\n" + d.formatted())
      }
      return out
    }
    let a = try walk(5)
    #expect(a == (try walk(5)))
    #expect(a != (try walk(6)))
  }

  /// Every kind shows up over a few hundred tries (walks of 6 from LeNet, so that a
  /// BatchNormalization inserted can be removed).
  @Test func everyKindIsProduced() throws {
    let base = try Self.lenet()
    var mutator = NetworkMutator(seed: 1)
    var seen: [MutationKind: String] = [:]
    var d = base
    // Every other walk starts without relu3, where a ReLU can be inserted (the rarest kind).
    let (withoutReLU, _) = try mutator.mutate(base, network: "Main", kind: .removeReLU, at: "relu3")
    for step in 0..<3000 where seen.count < MutationKind.allCases.count {
      if step % 6 == 0 { d = step % 12 == 0 ? base : withoutReLU }
      let r = try mutator.mutate(d, network: "Main")
      let kind = try #require(mutator.lastKind)
      if seen[kind] == nil { seen[kind] = r.description }
      d = r.definition
    }
    #expect(Set(seen.keys) == Set(MutationKind.allCases), "missing: \(Set(MutationKind.allCases).subtracting(seen.keys))")
    // The descriptions say what changed.
    #expect(seen[.convolutionOutmaps].map { $0.contains("outmaps") && $0.contains("→") } == true)
    #expect(seen[.depthwiseSeparable].map { $0.contains("depthwise-separable") } == true)
  }

  /// A width change shows in the description and the summary; the next layer's weight follows
  /// and carries no initializer of the wrong shape.
  @Test func widthChangeFollowsThrough() throws {
    let base = try Self.lenet()
    var mutator = NetworkMutator(seed: 0)
    for _ in 0..<200 {
      let (d, description) = try mutator.mutate(base, network: "Main")
      guard mutator.lastKind == .convolutionOutmaps, description.hasPrefix("conv2 ") else { continue }
      let new = try #require(Int(description.split(separator: "→").last!))
      #expect(description.hasPrefix("conv2 outmaps 16→"))
      #expect(try NetworkMutator.summary(d, network: "Main") == "conv16k5-maxpool2-relu-conv\(new)k5-maxpool2-relu-fc50-relu-fc10")
      let shapes = try Self.declaredShapes(Self.network(d, "Main"))
      #expect(shapes["conv2/W"] == [new, 16, 5, 5])
      #expect(shapes["fc3/W"] == [new * 16, 50])
      #expect(shapes["conv1/W"] == [16, 1, 5, 5])
      return
    }
    Issue.record("no conv2 outmaps mutation in 200 tries")
  }

  /// One candidate trains for an epoch on a few digits and compiles to int8.
  @Test func candidateTrainsAndCompilesInt8() throws {
    let base = try Self.lenet()
    var mutator = NetworkMutator(seed: 3)
    var candidate = base
    var description = ""
    // A candidate no larger than LeNet keeps the test fast: take the first that is not a widening.
    for _ in 0..<20 {
      let r = try mutator.mutate(base, network: "Main")
      if [.convolutionOutmaps, .affineOutmaps, .insertConvolution, .insertAffine, .residual, .replaceByAffine].contains(mutator.lastKind!) { continue }
      (candidate, description) = r
      break
    }
    #expect(candidate != base)
    let dir = try Fixtures.temporaryDirectory("mutation-train")
    defer { try? FileManager.default.removeItem(at: dir) }
    let digits = Fixtures.repositoryRoot.appendingPathComponent("examples/digits")
    let rows = try String(contentsOf: digits.appendingPathComponent("train.csv"), encoding: .utf8)
      .split(separator: "\n").map(String.init)
    let subset = [rows[0]] + rows[1...96].map { row in digits.path + "/" + row }
    let csv = dir.appendingPathComponent("subset.csv").path
    try subset.joined(separator: "\n").write(toFile: csv, atomically: true, encoding: .utf8)
    let nntxt = dir.appendingPathComponent("candidate.nntxt").path
    try candidate.formatted().write(toFile: nntxt, atomically: true, encoding: .utf8)

    let setup = try TrainingSetup.load(path: nntxt, overrides: .init(epochs: 1, batchSize: 32))
    var session = try TrainingSession(setup: setup, seed: 1)
    let data = try Dataset.load(path: csv, normalizeImages: setup.normalizeImages)
    #expect(data.count == 96)
    let outcome = try session.run(train: data, valid: nil)
    #expect(outcome.completedEpochs == 1, "\(description)")
    #expect(outcome.divergence == nil)
    let nnp = dir.appendingPathComponent("trained.nnp").path
    let bytes = try TrainedModelWriter.nnp(setup: setup, parameters: outcome.parameters, dataURI: csv, samples: data.count)
    try Data(bytes).write(to: URL(fileURLWithPath: nnp))

    let compiled = try Driver.compile(
      modelPath: nnp,
      options: CompileOptions(target: try .named("cortex-m4f"), quantization: "int8", calibrationData: csv, calibrationSamples: 16))
    #expect(compiled.program != nil, "\(description)")
    #expect(compiled.report.totals.macs > 0)
    #expect(compiled.model.graph.outputs.map { compiled.model.graph.tensors[$0].shape } == [[1, 10]])
  }

  /// The first `count` rows of the digits' training CSV with absolute image paths, written to `dir`.
  static func digitsSubset(_ count: Int, in dir: URL) throws -> String {
    let digits = Fixtures.repositoryRoot.appendingPathComponent("examples/digits")
    let rows = try String(contentsOf: digits.appendingPathComponent("train.csv"), encoding: .utf8)
      .split(separator: "\n").map(String.init)
    let subset = [rows[0]] + rows[1...count].map { row in digits.path + "/" + row }
    let csv = dir.appendingPathComponent("subset\(count).csv").path
    try subset.joined(separator: "\n").write(toFile: csv, atomically: true, encoding: .utf8)
    return csv
  }

  /// `candidate` trained `epochs` (0: its initial parameters) on `csv`, then compiled to int8 for
  /// the Cortex-M4F, calibrated on 16 rows; the compiled program's MACs.
  @discardableResult
  static func trainAndCompile(_ candidate: ProtoTextMessage, epochs: Int, csv: String, dir: URL, note: String) throws -> Int {
    let nntxt = dir.appendingPathComponent("candidate.nntxt").path
    try candidate.formatted().write(toFile: nntxt, atomically: true, encoding: .utf8)
    let setup = try TrainingSetup.load(path: nntxt, overrides: .init(epochs: max(epochs, 1), batchSize: 32))
    var session = try TrainingSession(setup: setup, seed: 1)
    let data = try Dataset.load(path: csv, normalizeImages: setup.normalizeImages)
    var parameters = session.trainer.parameters
    if epochs > 0 {
      let outcome = try session.run(train: data, valid: nil)
      #expect(outcome.completedEpochs == epochs, "\(note)")
      #expect(outcome.divergence == nil, "\(note)")
      parameters = outcome.parameters
    }
    let nnp = dir.appendingPathComponent("trained.nnp").path
    let bytes = try TrainedModelWriter.nnp(setup: setup, parameters: parameters, dataURI: csv, samples: data.count)
    try Data(bytes).write(to: URL(fileURLWithPath: nnp))
    let compiled = try Driver.compile(
      modelPath: nnp,
      options: CompileOptions(target: try .named("cortex-m4f"), quantization: "int8", calibrationData: csv, calibrationSamples: 16))
    #expect(compiled.program != nil, "\(note)")
    #expect(compiled.model.graph.outputs.map { compiled.model.graph.tensors[$0].shape } == [[1, 10]], "\(note)")
    return compiled.report.totals.macs
  }

  /// What the structure search must never make (the last run's 75–90 % error candidates): a
  /// max pooling, a second pooling or a BatchNormalization on the raw image (one average pooling,
  /// a downscale, is allowed), a BatchNormalization that is not right after
  /// a weight layer (it would not fold and would run as a float island), a ReLU after a ReLU.
  static func misplaced(_ summary: String) -> String? {
    let parts = summary.split(separator: "-").map(String.init)
    guard let first = parts.first else { return "empty" }
    if first.hasPrefix("maxpool") || first == "bn" { return "\(first) first" }
    if first.hasPrefix("avgpool"), parts.count > 1, parts[1].hasPrefix("maxpool") || parts[1].hasPrefix("avgpool") || parts[1] == "bn" {
      return "\(first)-\(parts[1]) first"
    }
    for (a, b) in zip(parts, parts.dropFirst()) {
      if b == "bn", !(a.hasPrefix("conv") || a.hasPrefix("dwconv") || a.hasPrefix("fc")) { return "bn after \(a)" }
      if a == "relu", b == "relu" { return "relu-relu" }
    }
    return nil
  }

  /// LeNet to an MLP in two removals, each a whole block (no pooling left on the image), and the
  /// MLP (an Affine straight on the 1×28×28 input) trains an epoch and compiles to int8.
  @Test func removingBothConvolutionBlocksLeavesAnMLPThatTrainsAndCompiles() throws {
    let base = try Self.lenet()
    var mutator = NetworkMutator(seed: 1)
    let (one, d1) = try mutator.mutate(base, network: "Main", kind: .removeBlock, at: "conv1")
    #expect(d1 == "remove conv1 + pool1 + relu1")
    #expect(try NetworkMutator.summary(one, network: "Main") == "conv16k5-maxpool2-relu-fc50-relu-fc10")
    try Self.checkCandidate(one, base: base, note: d1)
    let (mlp, d2) = try mutator.mutate(one, network: "Main", kind: .removeBlock, at: "conv2")
    #expect(d2 == "remove conv2 + pool2 + relu2")
    #expect(try NetworkMutator.summary(mlp, network: "Main") == "fc50-relu-fc10")
    try Self.checkCandidate(mlp, base: base, note: d2)
    #expect(try Self.declaredShapes(Self.network(mlp, "Main"))["fc3/W"] == [784, 50])
    // The prediction's Affine is never removed.
    #expect(throws: (any Error).self) { _ = try mutator.mutate(mlp, network: "Main", kind: .removeBlock, at: "fc4") }
    // On the image an MLP may put one average pooling (a downscale: the digits are 8×8 upscaled
    // to 28×28), never a max pooling, never a second.
    for _ in 0..<6 {
      let (pooled, d3) = try mutator.mutate(mlp, network: "Main", kind: .insertPooling, at: "x")
      #expect(try NetworkMutator.summary(pooled, network: "Main") == "avgpool2-fc50-relu-fc10", "\(d3)")
      #expect(try Self.declaredShapes(Self.network(pooled, "Main"))["fc3/W"] == [196, 50])
      #expect(throws: (any Error).self) { _ = try mutator.mutate(pooled, network: "Main", kind: .insertPooling, at: "x") }
    }

    let dir = try Fixtures.temporaryDirectory("mutation-mlp")
    defer { try? FileManager.default.removeItem(at: dir) }
    let csv = try Self.digitsSubset(96, in: dir)
    let macs = try Self.trainAndCompile(mlp, epochs: 1, csv: csv, dir: dir, note: d2)
    #expect(macs == 784 * 50 + 50 * 10)
  }

  /// The convolutions replaced by one Affine (the whole conv part, or the last block), then the
  /// hidden Affine removed: LeNet to fcN-relu-fc10 in two moves; an Affine hidden layer inserted
  /// into that MLP and narrowed.
  @Test func replaceByAffineFlattensTheConvolutions() throws {
    let base = try Self.lenet()
    var mutator = NetworkMutator(seed: 2)
    let (flat, d1) = try mutator.mutate(base, network: "Main", kind: .replaceByAffine, at: "conv1")
    let s1 = try NetworkMutator.summary(flat, network: "Main")
    #expect(s1.wholeMatch(of: /fc(8|16|32|64)-relu-fc50-relu-fc10/) != nil, "\(d1): \(s1)")
    #expect(d1.hasPrefix("conv1…conv2 → fc"), "\(d1)")
    try Self.checkCandidate(flat, base: base, note: d1)
    let (mlp, d2) = try mutator.mutate(flat, network: "Main", kind: .removeBlock, at: "fc3")
    let s2 = try NetworkMutator.summary(mlp, network: "Main")
    #expect(s2.wholeMatch(of: /fc(8|16|32|64)-relu-fc10/) != nil, "\(d2): \(s2)")
    try Self.checkCandidate(mlp, base: base, note: d2)

    // Only the last block: the first stays a convolution.
    let (half, d3) = try mutator.mutate(base, network: "Main", kind: .replaceByAffine, at: "conv2")
    let s3 = try NetworkMutator.summary(half, network: "Main")
    #expect(s3.wholeMatch(of: /conv16k5-maxpool2-relu-fc(8|16|32|64)-relu-fc50-relu-fc10/) != nil, "\(d3): \(s3)")

    // An MLP gets a hidden layer (after the input or after its hidden ReLU), never after the prediction.
    let mlpChain = try ProtoTextMessage.parse(String(contentsOfFile: Fixtures.repositoryRoot.appendingPathComponent("examples/train-mlp/net.nntxt").path, encoding: .utf8))
    let mlpSummary = try NetworkMutator.summary(mlpChain, network: "Main")
    let input = try #require(try Self.network(mlpChain, "Main").messages("function").first?.strings("input").first)
    let (deeper, d4) = try mutator.mutate(mlpChain, network: "Main", kind: .insertAffine, at: input)
    let s4 = try NetworkMutator.summary(deeper, network: "Main")
    #expect(s4.hasPrefix("fc") && s4.hasSuffix(mlpSummary) && s4.count > mlpSummary.count, "\(d4): \(s4)")
    #expect(s4.split(separator: "-").filter { $0.hasPrefix("fc") }.count == mlpSummary.split(separator: "-").filter { $0.hasPrefix("fc") }.count + 1)
  }

  /// A BatchNormalization goes only right after a Convolution or Affine (folded by the int8
  /// compiler), never after a pooling or ReLU or on the input; widths narrow to 4 channels.
  @Test func batchNormalizationPositionsAndNarrowWidths() throws {
    let base = try Self.lenet()
    var mutator = NetworkMutator(seed: 4)
    let (a, _) = try mutator.mutate(base, network: "Main", kind: .insertBatchNormalization, at: "c1")
    #expect(try NetworkMutator.summary(a, network: "Main") == "conv16k5-bn-maxpool2-relu-conv16k5-maxpool2-relu-fc50-relu-fc10")
    let (b, _) = try mutator.mutate(base, network: "Main", kind: .insertBatchNormalization, at: "a3")
    #expect(try NetworkMutator.summary(b, network: "Main") == "conv16k5-maxpool2-relu-conv16k5-maxpool2-relu-fc50-bn-relu-fc10")
    for site in ["x", "p1", "r1", "p2", "r3", "a4"] {
      #expect(throws: (any Error).self, "bn after \(site)") {
        _ = try mutator.mutate(base, network: "Main", kind: .insertBatchNormalization, at: site)
      }
    }
    // Nothing goes between a convolution and its BatchNormalization.
    for kind in [MutationKind.insertPooling, .insertReLU, .insertConvolution, .residual] {
      #expect(throws: (any Error).self, "\(kind) after c1") { _ = try mutator.mutate(a, network: "Main", kind: kind, at: "c1") }
    }

    var widths: Set<Int> = []
    for _ in 0..<40 {
      let (d, description) = try mutator.mutate(base, network: "Main", kind: .convolutionOutmaps, at: "conv1")
      widths.insert(try #require(Int(description.split(separator: "→").last!)))
      #expect(try Self.declaredShapes(Self.network(d, "Main"))["conv1/W"]?.first.map(widths.contains) == true)
    }
    #expect(widths == [4, 8, 12, 20, 32])
    var features: Set<Int> = []
    for _ in 0..<40 {
      let (_, description) = try mutator.mutate(base, network: "Main", kind: .affineOutmaps, at: "fc3")
      features.insert(try #require(Int(description.split(separator: "→").last!)))
    }
    #expect(features == [12, 25, 38, 62, 100])
  }

  /// Kernels 5→3, 3→5 or 1 (1 only where there are channels to mix), strides 1→2→1 or 3 (never
  /// past the kernel), no stride on a 1×1.
  @Test func kernelsAndStrides() throws {
    let base = try Self.lenet()
    var mutator = NetworkMutator(seed: 6)
    func outcomes(_ d: ProtoTextMessage, _ kind: MutationKind, _ site: String) throws -> Set<String> {
      var out: Set<String> = []
      for _ in 0..<24 { out.insert(String(try mutator.mutate(d, network: "Main", kind: kind, at: site).description.split(separator: "→").last!)) }
      return out
    }
    #expect(try outcomes(base, .convolutionKernel, "conv1") == ["3"])
    let (k3, _) = try mutator.mutate(base, network: "Main", kind: .convolutionKernel, at: "conv2")
    #expect(try outcomes(k3, .convolutionKernel, "conv2") == ["5", "1"])
    let (both, _) = try mutator.mutate(k3, network: "Main", kind: .convolutionKernel, at: "conv1")
    #expect(try NetworkMutator.summary(both, network: "Main") == "conv16k3-maxpool2-relu-conv16k3-maxpool2-relu-fc50-relu-fc10")
    #expect(try outcomes(both, .convolutionKernel, "conv1") == ["5"], "a 1×1 on the one-channel image")
    #expect(try outcomes(both, .stride, "conv1") == ["2"])
    let (s2, _) = try mutator.mutate(both, network: "Main", kind: .stride, at: "conv1")
    #expect(try outcomes(s2, .stride, "conv1") == ["1", "3"])
    let (dws, _) = try mutator.mutate(base, network: "Main", kind: .depthwiseSeparable, at: "conv2")
    #expect(try NetworkMutator.summary(dws, network: "Main") == "conv16k5-maxpool2-relu-dwconvk5-conv16k1-maxpool2-relu-fc50-relu-fc10")
    #expect(throws: (any Error).self) { _ = try mutator.mutate(dws, network: "Main", kind: .stride, at: "conv2_pw") }
    // The depthwise-separable pair is one block: removed together.
    let (gone, description) = try mutator.mutate(dws, network: "Main", kind: .removeBlock, at: "conv2_dw")
    #expect(description == "remove conv2_dw + conv2_pw + pool2 + relu2")
    #expect(try NetworkMutator.summary(gone, network: "Main") == "conv16k5-maxpool2-relu-fc50-relu-fc10")
  }

  /// Random mutations from LeNet (walks of 4): none puts a layer where it costs or loses (see
  /// `misplaced`); the productive kinds come several times as often as the toggles; and every
  /// candidate loads for training and compiles to int8 (initial parameters: the shapes are what
  /// matters here).
  @Test func randomMutationsFromLeNetAreTidyAndCompile() throws {
    let base = try Self.lenet()
    let dir = try Fixtures.temporaryDirectory("mutation-compile")
    defer { try? FileManager.default.removeItem(at: dir) }
    let csv = try Self.digitsSubset(16, in: dir)
    var mutator = NetworkMutator(seed: 7)
    var d = base
    var kinds: [MutationKind: Int] = [:]
    var structures: Set<String> = []
    for step in 0..<60 {
      if step % 4 == 0 { d = base }
      let (next, description) = try mutator.mutate(d, network: "Main")
      kinds[mutator.lastKind!, default: 0] += 1
      let summary = try NetworkMutator.summary(next, network: "Main")
      #expect(Self.misplaced(summary) == nil, "step \(step) \(description): \(summary)")
      structures.insert(summary)
      try Self.trainAndCompile(next, epochs: 0, csv: csv, dir: dir, note: "step \(step) \(description): \(summary)")
      d = next
    }
    #expect(structures.count > 30)
    let toggles = [MutationKind.insertReLU, .removeReLU, .insertBatchNormalization, .removeBatchNormalization].reduce(0) { $0 + kinds[$1, default: 0] }
    let productive = [MutationKind.convolutionOutmaps, .affineOutmaps, .convolutionKernel, .stride, .removeBlock, .depthwiseSeparable, .replaceByAffine]
      .reduce(0) { $0 + kinds[$1, default: 0] }
    #expect(productive > 3 * toggles, "\(kinds)")
  }

  /// The other training examples and fixtures (an MLP, logistic regression, an autoencoder whose
  /// output is the image, a small CNN): walks of mutations stay importable, the losses intact.
  @Test(arguments: [
    "examples/train-mlp/net.nntxt", "examples/train-logreg-4v9/net.nntxt", "examples/train-autoencoder/net.nntxt",
    "Tests/Fixtures/nnabla/train_small_cnn/net.nntxt",
  ])
  func otherNetworksMutate(_ path: String) throws {
    let base = try ProtoTextMessage.parse(String(contentsOfFile: Fixtures.repositoryRoot.appendingPathComponent(path).path, encoding: .utf8))
    let main = try Self.network(base, "Main")
    let losses = main.messages("function").suffix(1)
    var mutator = NetworkMutator(seed: 9)
    var d = base
    for step in 0..<12 {
      let (next, description) = try mutator.mutate(d, network: "Main")
      let text = next.formatted()
      _ = try NNablaImporter.importTrainingText(text, network: "Main")
      #expect(Array(try Self.network(next, "Main").messages("function").suffix(1)) == Array(losses), "\(path) step \(step): \(description)")
      #expect(try NetworkMutator.summary(next, network: "Main") != "")
      d = next
    }
  }

  /// Values stored in the text (`parameter { }`) stay for parameters whose shape did not change
  /// and are dropped for those that did, so the trainer starts those afresh; the training
  /// importer lists exactly the dropped and new ones as uninitialized.
  @Test func storedValuesOnlyWhereTheShapeHeld() throws {
    var base = try Self.lenet()
    let shapes = try Self.declaredShapes(Self.network(base, "Main"))
    for name in ["conv1/W", "conv1/b", "conv2/W", "conv2/b", "fc3/W", "fc3/b", "fc4/W", "fc4/b"] {
      var p = ProtoTextMessage()
      p.add("variable_name", name)
      p.add("shape", building: { s in for d in shapes[name]! { s.add("dim", d) } })
      for _ in 0..<shapes[name]!.reduce(1, *) { p.add("data", 0.5) }
      base.add("parameter", p)
    }
    var mutator = NetworkMutator(seed: 11)
    for _ in 0..<200 {
      let (d, description) = try mutator.mutate(base, network: "Main")
      guard description.hasPrefix("conv2 outmaps") else { continue }
      let kept = try d.messages("parameter").map { try $0.string("variable_name")! }
      #expect(kept == ["conv1/W", "conv1/b", "fc3/b", "fc4/W", "fc4/b"], "\(description)")
      let training = try NNablaImporter.importTrainingText(d.formatted(), network: "Main")
      let fresh = Set(training.uninitialized.keys.map { training.graph.tensors[$0].name })
      #expect(fresh == ["conv2/W", "conv2/b", "fc3/W"], "\(description)")
      return
    }
    Issue.record("no conv2 outmaps mutation in 200 tries")
  }

  /// A BatchNormalization the mutator inserts starts as the identity, as nnabla initializes one:
  /// beta and mean 0, gamma and variance 1 (gamma 0 would cut every gradient before it).
  @Test func insertedBatchNormalizationStartsAsTheIdentity() throws {
    let base = try Self.lenet()
    var mutator = NetworkMutator(seed: 5)
    var found = false
    for _ in 0..<300 where !found {
      let (candidate, _) = try mutator.mutate(base, network: "Main")
      guard mutator.lastKind == .insertBatchNormalization else { continue }
      found = true
      let main = try Self.network(candidate, "Main")
      var multipliers: [String: Double] = [:]
      for v in main.messages("variable") {
        guard let name = try v.string("name"), let i = v.message("initializer") else { continue }
        multipliers[name] = try i.double("multiplier")
      }
      let bn = try #require(multipliers.keys.first { $0.hasSuffix("/gamma") }).dropLast("/gamma".count)
      #expect(multipliers["\(bn)/beta"] == 0 && multipliers["\(bn)/gamma"] == 1, "\(multipliers)")
      #expect(multipliers["\(bn)/mean"] == 0 && multipliers["\(bn)/var"] == 1, "\(multipliers)")
    }
    #expect(found)
  }
}
