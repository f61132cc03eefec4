import Foundation
import NNCompileKit
import NNFormats
import NNIR
import NNImport
import Testing
import _NNTestSupport

/// ONNX models compiled to C and run on the host, against onnxruntime's outputs; and what the
/// importer says about models it cannot compile.
@Suite struct ONNXImportTests {
  struct Case: CustomStringConvertible, Sendable {
    var model: String
    var inputs: String
    var outputs: String
    var description: String { model }
  }

  static let mlperf = Fixtures.repositoryRoot.appendingPathComponent("bench/mlperf-tiny")

  /// The four MLPerf Tiny models as tf2onnx writes them (opset 13, NCHW) and the small
  /// per-operator models of `scripts/make-onnx-fixtures.py`.
  static let cases: [Case] =
    ["kws", "ic", "vww", "ad"].map { m in
      let dir = mlperf.appendingPathComponent(m)
      return Case(
        model: dir.appendingPathComponent("model.onnx").path, inputs: dir.appendingPathComponent("inputs.bin").path,
        outputs: dir.appendingPathComponent("outputs_onnx.bin").path)
    }
    + ["conv_gemm", "shape_chain", "activations", "opset11", "resize", "conv_transpose", "layout", "math", "conv_bias_add", "shape_folding", "pool_ceil", "conv_transpose_shape",
    ].map { m in
      Case(model: Fixtures.path("onnx/\(m).onnx"), inputs: Fixtures.path("onnx/\(m).inputs.bin"), outputs: Fixtures.path("onnx/\(m).outputs.bin"))
    }

  /// Within 1e-4 of the output range of onnxruntime on every sample (as `verify --expected`
  /// requires), the same top-1 class, and the C equal to the interpreter within 1e-5.
  @Test(arguments: cases)
  func generatedC_matchesOnnxruntime(_ c: Case) throws {
    let compilation = try Driver.compile(modelPath: c.model, options: CompileOptions(target: try .named("host"), quantization: "float32"))
    let graph = compilation.model.graph
    let samples = try InputLoader(graph: graph, normalizeImages: false).load(path: c.inputs)
    let expected = try ExpectedOutputs.load(path: c.outputs, graph: graph, samples: samples.count)
    #expect(samples.count >= 3)
    let report = try Verifier.verify(compilation, samples: samples, expected: expected, tolerance: 1e-5)
    #expect(report.passed, "\(report.text)")
    for o in report.outputs {
      #expect(o.againstInterpreter.maxRel <= 1e-5, "\(o.name): \(report.text)")
      #expect(o.againstExpected!.maxRel <= 1e-4, "\(o.name): \(report.text)")
      #expect(o.againstExpected!.top1Agreement == 1.0, "\(o.name): \(report.text)")
    }
  }

  static let recurrentCases = [
    "lstm_forward", "lstm_bidirectional", "lstm_reverse", "gru_forward", "gru_bidirectional_lbr", "gru_reverse_lbr", "rnn_forward",
    "rnn_bidirectional", "lstm_batch_first", "gru_batch_first",
  ]

  /// LSTM, GRU and RNN unrolled into Affine/Slice/Add2/Mul2/Sigmoid/Tanh nodes: the C within 1e-5
  /// of onnxruntime (relative to the output range) for every direction, initial states or none,
  /// GRU's two reset variants, and each subset of Y, Y_h, Y_c.
  @Test(arguments: recurrentCases)
  func recurrentGeneratedC_matchesOnnxruntimeWithin1e5(_ m: String) throws {
    let compilation = try Driver.compile(
      modelPath: Fixtures.path("onnx/\(m).onnx"), options: CompileOptions(target: try .named("host"), quantization: "float32"))
    let graph = compilation.model.graph
    let samples = try InputLoader(graph: graph, normalizeImages: false).load(path: Fixtures.path("onnx/\(m).inputs.bin"))
    let expected = try ExpectedOutputs.load(path: Fixtures.path("onnx/\(m).outputs.bin"), graph: graph, samples: samples.count)
    #expect(samples.count == 3)
    let report = try Verifier.verify(compilation, samples: samples, expected: expected, tolerance: 1e-5)
    #expect(report.passed, "\(report.text)")
    for o in report.outputs {
      print("\(m): max relative error against onnxruntime \(o.againstExpected!.maxRel), C against interpreter \(o.againstInterpreter.maxRel)")
      #expect(o.againstInterpreter.maxRel <= 1e-5, "\(o.name): \(report.text)")
      #expect(o.againstExpected!.maxRel <= 1e-5, "\(o.name): \(report.text)")
    }
  }

  /// The unrolled LSTM and GRU compile to int8 (calibrated on the fixture's inputs): the C equals
  /// the Swift int8 reference and stays near onnxruntime's float outputs.
  @Test(arguments: ["lstm_forward", "gru_forward"])
  func recurrentInt8Compile_isExactAgainstTheReference(_ m: String) throws {
    let inputs = Fixtures.path("onnx/\(m).inputs.bin")
    let compilation = try Driver.compile(
      modelPath: Fixtures.path("onnx/\(m).onnx"),
      options: CompileOptions(target: try .named("host"), quantization: "int8", calibrationData: inputs))
    let graph = compilation.model.graph
    let samples = try InputLoader(graph: graph, normalizeImages: false).load(path: inputs)
    let expected = try ExpectedOutputs.load(path: Fixtures.path("onnx/\(m).outputs.bin"), graph: graph, samples: samples.count)
    let report = try Verifier.verify(compilation, samples: samples, expected: expected)
    #expect(report.mismatchedSteps == [], "\(report.text)")
    for o in report.outputs {
      print("\(m) int8: cosine against onnxruntime \(o.againstExpected!.cosine), max abs \(o.againstExpected!.maxAbs)")
      #expect(o.againstInterpreter.maxAbs == 0, "\(report.text)")
      #expect(o.againstExpected!.cosine > 0.98, "\(report.text)")
    }
  }

  /// int8, calibrated on the 12 samples: the C equals the Swift int8 reference byte for byte,
  /// and stays near onnxruntime's float outputs (cosine kws 0.9990, ic 0.9859, vww 0.9997, ad
  /// 0.99997; ic's is what its `model_native.nnp` gives too, so the quantizer's, not the import's).
  @Test(arguments: ["kws", "ic", "vww", "ad"])
  func int8Compile_isExactAgainstTheReferenceAndNearOnnxruntime(_ m: String) throws {
    let dir = Self.mlperf.appendingPathComponent(m)
    let inputs = dir.appendingPathComponent("inputs.bin").path
    let compilation = try Driver.compile(
      modelPath: dir.appendingPathComponent("model.onnx").path,
      options: CompileOptions(target: try .named("host"), quantization: "int8", calibrationData: inputs))
    let graph = compilation.model.graph
    let samples = try InputLoader(graph: graph, normalizeImages: false).load(path: inputs)
    let expected = try ExpectedOutputs.load(path: dir.appendingPathComponent("outputs_onnx.bin").path, graph: graph, samples: samples.count)
    let report = try Verifier.verify(compilation, samples: samples, expected: expected)
    #expect(report.mismatchedSteps == [], "\(report.text)")
    for o in report.outputs {
      #expect(o.againstInterpreter.maxAbs == 0, "\(report.text)")
      #expect(o.againstExpected!.cosine > 0.985, "\(report.text)")
    }
  }

  /// What kws becomes: grouped convolutions with one group per channel are depthwise, the
  /// asymmetric padding of the first convolution is a Pad before it, MatMul + Add is one Affine
  /// with a bias, and the NHWC→NCHW Reshape tf2onnx put first stays a Reshape.
  @Test func kws_mapsToDepthwiseAffineAndOnePad() throws {
    let model = try ModelLoader.load(path: Self.mlperf.appendingPathComponent("kws/model.onnx").path)
    let ops = model.graph.nodes.map(\.op)
    #expect(ops.filter { if case .depthwiseConvolution = $0 { true } else { false } }.count == 4)
    #expect(ops.filter { if case .convolution = $0 { true } else { false } }.count == 5)
    #expect(ops.filter { if case .pad = $0 { true } else { false } }.count == 1)
    #expect(ops.filter { if case .add2 = $0 { true } else { false } }.isEmpty)
    let affine = try #require(model.graph.nodes.first { if case .affine = $0.op { true } else { false } })
    #expect(affine.inputs.count == 3)
    #expect(model.graph.tensors[model.graph.inputs[0]].shape == [1, 1, 49, 10])
    #expect(model.graph.tensors[model.graph.outputs[0]].name == "Identity")
    let info = ModelInfo.text(model, file: "kws.onnx")
    #expect(info.contains("  input layout: NCHW, as the source framework takes it\n"), "\(info)")
  }

  /// A Transpose to NHWC and back cancels, Identity, Dropout and Cast copy nothing: what is left
  /// is the Convolution and the ReLU, the ReLU writing the graph output 'y'.
  @Test func layoutCleanUp_leavesOnlyTheComputation() throws {
    let model = try ModelLoader.load(path: Fixtures.path("onnx/layout.onnx"))
    #expect(model.graph.nodes.map(\.op.typeName) == ["Convolution", "ReLU"])
    #expect(model.graph.nodes[0].inputs[0] == model.graph.inputs[0])
    #expect(model.graph.tensors[model.graph.outputs[0]].name == "y")
    #expect(model.graph.nodes[1].outputs == model.graph.outputs)
    #expect(model.graph.tensors.count == 4)  // x, W, the convolution's output, y
  }

  /// The shape arithmetic (Shape, Size, Range, Mod, Cast, ConstantOfShape, Where, Less, Equal,
  /// Slice, ReduceProd, Expand of a constant) is evaluated at import: only the computation on x is
  /// left, with the Expand of a computed tensor a Broadcast.
  @Test func shapeArithmetic_isFoldedAtImport() throws {
    let model = try ModelLoader.load(path: Fixtures.path("onnx/shape_folding.onnx"))
    #expect(
      model.graph.nodes.map(\.op.typeName) == ["Reshape", "Mul2", "Add2", "Mul2", "Add2", "Mean", "Broadcast", "Sub2", "Reshape"])
    #expect(model.graph.tensors[model.graph.outputs[0]].shape == [1, 12, 2])
  }

  /// Add of one value per channel after a bias-less convolution becomes its bias.
  @Test func convolutionPlusChannelAdd_becomesTheBias() throws {
    let model = try ModelLoader.load(path: Fixtures.path("onnx/conv_bias_add.onnx"))
    #expect(model.graph.nodes.map(\.op.typeName) == ["Convolution", "DepthwiseConvolution"])
    #expect(model.graph.nodes.map(\.inputs.count) == [3, 3])
    #expect(model.graph.tensors[model.graph.outputs[0]].name == "y")
  }

  // MARK: - Errors

  /// A model built field by field (onnx.proto numbers): input x [N, 4] and the nodes given.
  static func model(
    nodes: [(op: String, name: String, inputs: [String], outputs: [String])], input: [ProtoWireWriter] = [dim(param: "N"), dim(4)],
    initializers: [ProtoWireWriter] = [], opset: Int64 = 13
  ) -> [UInt8] {
    var graph = ProtoWireWriter()
    for n in nodes {
      var node = ProtoWireWriter()
      for i in n.inputs { node.string(1, i) }
      for o in n.outputs { node.string(2, o) }
      node.string(3, n.name)
      node.string(4, n.op)
      graph.message(1, node)
    }
    graph.string(2, "g")
    for t in initializers { graph.message(5, t) }
    var shape = ProtoWireWriter()
    for d in input { shape.message(1, d) }
    var tensorType = ProtoWireWriter()
    tensorType.varint(1, 1)
    tensorType.message(2, shape)
    var type = ProtoWireWriter()
    type.message(1, tensorType)
    var x = ProtoWireWriter()
    x.string(1, "x")
    x.message(2, type)
    graph.message(11, x)
    var y = ProtoWireWriter()
    y.string(1, nodes.last?.outputs.first ?? "y")
    graph.message(12, y)
    var model = ProtoWireWriter()
    model.varint(1, 7)
    model.message(7, graph)
    var opsetID = ProtoWireWriter()
    opsetID.string(1, "")
    opsetID.varint(2, opset)
    model.message(8, opsetID)
    return model.bytes
  }

  static func dim(_ value: Int64) -> ProtoWireWriter {
    var d = ProtoWireWriter()
    d.varint(1, value)
    return d
  }

  static func dim(param: String) -> ProtoWireWriter {
    var d = ProtoWireWriter()
    d.string(2, param)
    return d
  }

  /// The error `nncompile` prints for these bytes saved as `model.onnx`.
  static func loadError(_ bytes: [UInt8], extraFiles: [String: [UInt8]] = [:]) throws -> String {
    let dir = try Fixtures.temporaryDirectory("onnx-import")
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("model.onnx")
    try Data(bytes).write(to: path)
    for (name, b) in extraFiles { try Data(b).write(to: dir.appendingPathComponent(name)) }
    do {
      _ = try ModelLoader.load(path: path.path)
    } catch let e as CompileError {
      return e.description.replacingOccurrences(of: path.path, with: "model.onnx")
    }
    return "no error"
  }

  @Test func unsupportedOperators_areListedInOneLineWithTheirNodesAndTheOpset() throws {
    let bytes = Self.model(nodes: [
      ("Foo", "f1", ["x"], ["a"]), ("Relu", "r", ["a"], ["b"]), ("Foo", "f2", ["b"], ["c"]), ("Bar", "b1", ["c"], ["y"]),
    ])
    #expect(
      try Self.loadError(bytes)
        == "model.onnx: error: 2 ONNX operators are not supported (opset 13): Foo ('f1', 'f2'), Bar ('b1')")
  }

  /// Peepholes, clip and non-default activations are named together, with the node and the opset.
  @Test func recurrentWithUnsupportedAttributes_namesThemAllAtOnce() throws {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("onnx/lstm_refused.onnx"))))
    #expect(
      try Self.loadError(bytes)
        == "model.onnx: error: 2 ONNX nodes use attributes nncompile does not support (opset 13): 'lstm_peephole' (LSTM): "
        + "activations Sigmoid, HardSigmoid, Tanh (only sigmoid, tanh, tanh), clip, peepholes (input P); "
        + "'pool_dilated' (MaxPool): dilations [2, 2], storage_order")
  }

  @Test func truncatedFile_isOneLineNamingTheByte() throws {
    let kws = [UInt8](try Data(contentsOf: Self.mlperf.appendingPathComponent("kws/model.onnx")))
    let message = try Self.loadError(Array(kws.prefix(5000)))
    #expect(message.hasPrefix("model.onnx: error: protobuf: field 7: length "), "\(message)")
    #expect(message.contains("runs past the end of the message"), "\(message)")
    #expect(!message.contains("\n"))
  }

  @Test func fileWithoutAGraph_saysSo() throws {
    #expect(try Self.loadError([0x08, 0x07]) == "model.onnx: error: ONNX: the file holds no graph (is it an ONNX model?)")
  }

  @Test func dynamicNonBatchDimension_isRefused() throws {
    let bytes = Self.model(nodes: [("Relu", "r", ["x"], ["y"])], input: [Self.dim(1), Self.dim(param: "width")])
    #expect(
      try Self.loadError(bytes)
        == "model.onnx: error: input 'x' has the dynamic dimension 'width' at axis 1; only the leading batch dimension may be dynamic")
  }

  /// A TensorProto initializer: `dims` (none for a scalar), data type (1 float, 2 uint8, 3 int8,
  /// 5 int16, 6 int32), name and raw little-endian data.
  static func tensor(_ name: String, type: Int64, raw: [UInt8], dims: [Int64] = []) -> ProtoWireWriter {
    var t = ProtoWireWriter()
    if !dims.isEmpty { t.packedInt64(1, dims) }
    t.varint(2, type)
    t.string(8, name)
    t.bytes(9, raw)
    return t
  }

  /// A weight whose dims promise more values than its raw data holds.
  @Test func initializerWithTooLittleData_namesIt() throws {
    let w = Self.tensor("W", type: 1, raw: [UInt8](repeating: 0, count: 40), dims: [4, 3])
    let bytes = Self.model(nodes: [("MatMul", "mm", ["x", "W"], ["y"])], initializers: [w])
    #expect(
      try Self.loadError(bytes) == "model.onnx: error: ONNX: tensor 'W' of shape [4, 3] has 40 bytes of raw data, expected 48")
  }

  @Test func badNodeAttribute_namesTheNode() throws {
    let bytes = Self.model(nodes: [("Softmax", "sm", ["x"], ["y"])], input: [Self.dim(1), Self.dim(4)])
    // Softmax over a 2-D input is fine; a Reshape without its shape input is not.
    #expect(try Self.loadError(bytes) == "no error")
    let reshape = Self.model(nodes: [("Reshape", "rs", ["x"], ["y"])])
    #expect(try Self.loadError(reshape) == "model.onnx: node 'rs' (Reshape): error: has no shape input")
  }

  /// Weights kept in a file next to the model (onnx's save_as_external_data) are read from it;
  /// one that points outside the model's folder is refused.
  @Test func externalData_isReadFromTheModelsFolder() throws {
    func weight(location: String) -> ProtoWireWriter {
      var w = ProtoWireWriter()
      w.packedInt64(1, [4, 2])
      w.varint(2, 1)
      w.string(8, "W")
      for (k, v) in [("location", location), ("offset", "8"), ("length", "32")] {
        var e = ProtoWireWriter()
        e.string(1, k)
        e.string(2, v)
        w.message(13, e)
      }
      w.varint(14, 1)
      return w
    }
    let values: [Float] = [1, 2, 3, 4, 5, 6, 7, 8]
    let data = [UInt8](repeating: 0xEE, count: 8) + values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
    let dir = try Fixtures.temporaryDirectory("onnx-external")
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("model.onnx")
    try Data(Self.model(nodes: [("MatMul", "mm", ["x", "W"], ["y"])], initializers: [weight(location: "weights.bin")])).write(to: path)
    try Data(data).write(to: dir.appendingPathComponent("weights.bin"))
    let model = try ModelLoader.load(path: path.path)
    #expect(model.graph.tensors.first { $0.name == "W" }?.data?.values == values)

    let outside = Self.model(nodes: [("MatMul", "mm", ["x", "W"], ["y"])], initializers: [weight(location: "../weights.bin")])
    #expect(
      try Self.loadError(outside)
        == "model.onnx: error: initializer 'W' keeps its data in '../weights.bin', which is not a file next to the model")
  }
}
