import Foundation
import NNCompileKit
import NNExport
import NNFunctions
import NNIR
import NNInterpreter
import NNPasses
import Testing
import _NNTestSupport

/// The data-movement and shape functions of `Sources/NNFunctions/Shape` and the binarized layers
/// of `Sources/NNFunctions/Layers`: the interpreter against nnabla's own outputs on every fixture
/// (bit for bit where nnabla only moves values), the float C against the interpreter and the int8
/// C against the Swift int8 reference on models that hold several functions at once (each compile
/// costs a host cc run).
@Suite struct ShapeFunctionTests {
  static let functions = [
    "Unpooling", "Split", "Stack", "Flip", "Shift", "Broadcast", "BroadcastTo", "Tile", "MatrixDiag", "MatrixDiagPart",
    "OneHot", "Embed", "Interpolate", "MeanSubtraction",
    "BinaryConnectAffine", "BinaryWeightAffine", "BinaryConnectConvolution", "BinaryWeightConvolution",
  ]

  static var fixtures: [FunctionFixture] {
    (try? FunctionFixtures.cases().filter { functions.contains($0.function) }) ?? []
  }

  @Test func everyFunctionHasFixtures() throws {
    let covered = Set(Self.fixtures.map(\.function))
    // nnabla's fixtures have no Tile and BroadcastTo cases; those are checked by hand below.
    #expect(Set(Self.functions).subtracting(covered) == ["Tile", "BroadcastTo"])
  }

  /// The interpreter (the oracle the C answers to) against nnabla: data movement bit for bit,
  /// sums of products (binarized layers, linear interpolation) within float rounding.
  @Test(arguments: fixtures)
  func interpreterMatchesNNabla(_ c: FunctionFixture) throws {
    let model = try ModelLoader.load(path: c.modelPath)
    let (inputs, expected) = try FunctionFixtures.tensors(c)
    let outputs = FloatInterpreter.run(model.graph, inputs: inputs)
    #expect(outputs.count == expected.count)
    for (y, e) in zip(outputs, expected) {
      #expect(y.shape.reduce(1, *) == e.count, "\(c.name): shape \(y.shape) vs \(e.shape)")
      let range = max(1, e.values.map { abs($0) }.max() ?? 1)
      let worst = zip(y.values, e.values).map { abs($0 - $1) }.max() ?? 0
      if c.toleranceClass == .exact {
        #expect(worst == 0, "\(c.name): max |Δ| \(worst)")
      } else {
        #expect(worst <= 1e-5 * range, "\(c.name): max |Δ| \(worst) of range \(range)")
      }
    }
  }

  /// The fixtures with stored parameters (Embed, MeanSubtraction, binarized layers) and the ones
  /// whose C is not a gather (MatrixDiag, OneHot, linear Interpolate): float C against the
  /// interpreter and nnabla, one compile each.
  @Test(arguments: [
    "embed_matrix_rows", "mean_subtraction_base_axis2", "matrix_diag", "one_hot_2d", "interpolate_linear_half_pixel",
    "interpolate_linear_1d", "binary_connect_affine", "binary_weight_affine", "binary_connect_convolution_stride2_qz0",
    "binary_weight_convolution",
  ])
  func floatCMatchesNNabla(_ name: String) throws {
    let c = try FunctionFixtures.fixture(named: name)
    let (inputs, expected) = try FunctionFixtures.tensors(c)
    let report = try FunctionConformance.checkFloat(
      c.modelPath, samples: [inputs], expected: [expected], expectedTolerance: c.toleranceClass == .exact ? 0 : 1e-5)
    if c.toleranceClass == .exact || c.function == "Interpolate" {
      for o in report.outputs { #expect(o.againstInterpreter.maxAbs == 0, "\(name): \(report.text)") }
    }
  }

  /// The binarized layers become a core Affine/Convolution: their int8 C is the fast kernels'.
  @Test func binaryWeightConvolution_runsAsInt8Convolution() throws {
    let c = try FunctionFixtures.fixture(named: "binary_weight_convolution")
    let (inputs, _) = try FunctionFixtures.tensors(c)
    let samples = [inputs] + FunctionConformance.samples(inputs[0].shape, count: 2, seed: 5)
    let report = try #require(try FunctionConformance.checkInt8(c.modelPath, samples: samples))
    #expect(report.outputs.count == 1)
  }

  /// Sony's sample networks that use these functions (NNC's 11_deconvolution with Unpooling, the
  /// binarized LeNets): interpreter and float C against nnabla.
  @Test(arguments: ["deconvolution", "binary_cnn", "binary_connect_mnist_lenet", "binary_weight_mnist_lenet"])
  func sampleNetworksMatchNNabla(_ name: String) throws {
    let c = try FunctionFixtures.fixture(named: name)
    let (inputs, expected) = try FunctionFixtures.tensors(c)
    let report = try FunctionConformance.checkFloat(c.modelPath, samples: [inputs], expected: [expected], expectedTolerance: 1e-4)
    #expect(report.outputs.count == expected.count)
  }

  /// The deconvolution sample (Unpooling between deconvolutions, as a U-Net decoder) in int8.
  @Test func deconvolutionSample_int8() throws {
    let c = try FunctionFixtures.fixture(named: "deconvolution")
    let (inputs, _) = try FunctionFixtures.tensors(c)
    let report = try #require(try FunctionConformance.checkInt8(c.modelPath, samples: [inputs]))
    #expect(report.layers.contains { $0.kernel == "Unpooling (int8 data movement)" })
  }

  // MARK: - Several functions in one model

  /// `x [1, 2, 4, 4]` through every gather function, Split and Stack (core ops after expansion),
  /// and the float-only MatrixDiag and linear Interpolate (2-D and 3-D): one float compile, two int8 ones.
  static let movementModel = ShapeModel(input: [1, 2, 4, 4], functions: [
    ("Unpooling", ["x"], ["unpool"], "unpooling_param { kernel { dim: 2 dim: 3 } }"),
    ("Flip", ["x"], ["flip"], "flip_param { axes: 1 axes: 3 }"),
    ("Shift", ["x"], ["shift_reflect"], "shift_param { shifts: 1 shifts: -2 border_mode: \"reflect\" }"),
    ("Shift", ["x"], ["shift_nearest"], "shift_param { shifts: 3 shifts: 1 shifts: -1 }"),
    ("Tile", ["x"], ["tile"], "tile_param { reps: 2 reps: 1 reps: 3 }"),
    ("Interpolate", ["x"], ["nearest"], "interpolate_param { output_size: 6 output_size: 5 mode: \"nearest\" half_pixel: true }"),
    ("Split", ["x"], ["split0", "split1"], "split_param { axis: 1 }"),
    ("Stack", ["split0", "split1", "split0"], ["stack"], "stack_param { axis: -1 }"),
    ("MatrixDiagPart", ["x"], ["diag_part"], ""),
    ("Reshape", ["diag_part"], ["column"], "reshape_param { shape { dim: 1 dim: 2 dim: 4 dim: 1 } }"),
    ("Broadcast", ["column"], ["broadcast"], "broadcast_param { shape { dim: 1 dim: 2 dim: 4 dim: 3 } }"),
    ("BroadcastTo", ["x", "diag_part"], ["broadcast_to"], "broadcast_to_param { axis: 0 }"),
    ("MatrixDiag", ["diag_part"], ["diag"], ""),
    ("Interpolate", ["x"], ["linear"], "interpolate_param { output_size: 7 output_size: 3 mode: \"linear\" align_corners: true }"),
    ("Interpolate", ["x"], ["linear3d"], "interpolate_param { output_size: 3 output_size: 5 output_size: 7 mode: \"linear\" half_pixel: true }"),
  ], outputs: [
    "unpool", "flip", "shift_reflect", "shift_nearest", "tile", "nearest", "split0", "split1", "stack", "broadcast",
    "broadcast_to", "diag", "linear", "linear3d",
  ])

  @Test func movement_floatCIsTheInterpreterBitForBit() throws {
    let path = try FunctionConformance.write(Self.movementModel.text)
    let samples = FunctionConformance.samples([1, 2, 4, 4], count: 2)
    let report = try FunctionConformance.checkFloat(path, samples: samples)
    #expect(report.outputs.count == 14)
    for o in report.outputs { #expect(o.againstInterpreter.maxAbs == 0, "\(o.name): \(report.text)") }
  }

  @Test func movement_int8CIsTheSwiftReferenceByteForByte() throws {
    let path = try FunctionConformance.write(Self.movementModel.text)
    let report = try #require(try FunctionConformance.checkInt8(path, samples: FunctionConformance.samples([1, 2, 4, 4], count: 3)))
    #expect(report.outputs.count == 14)
    // The pickers move int8 codes (no float round trip); Split and Stack became core slices and a concat.
    let kernels = Set(report.layers.map(\.kernel))
    for k in ["Unpooling", "Flip", "Shift", "Tile", "Interpolate", "MatrixDiagPart", "Broadcast"].map { $0 + " (int8 data movement)" } + ["slice_s8", "concatenate_s8"] {
      #expect(kernels.contains(k), "\(k) not in \(kernels.sorted())")
    }
  }

  /// Values checked by hand where nnabla has no fixture (Tile, BroadcastTo) and at the corners of
  /// the index rules.
  @Test func movement_knownValues() throws {
    let model = try ModelLoader.load(path: try FunctionConformance.write(Self.movementModel.text))
    let x = FloatTensor(shape: [1, 2, 4, 4], values: (0..<32).map(Float.init))
    let y = FloatInterpreter.run(model.graph, inputs: [x])
    let names = Self.movementModel.outputs
    func out(_ name: String) -> FloatTensor { y[names.firstIndex(of: name)!] }
    // Tile reps [2, 1, 3] on [1, 2, 4, 4] → [1, 4, 4, 12]: x[0, c % 2, h, w % 4].
    let tile = out("tile")
    #expect(tile.shape == [1, 4, 4, 12])
    #expect(tile.values[(3 * 4 + 2) * 12 + 9] == x.values[(1 * 4 + 2) * 4 + 1])
    // BroadcastTo axis 0: the diagonal [1, 2, 4] laid over x's first three axes, repeated on the last.
    let bt = out("broadcast_to")
    #expect(bt.shape == [1, 2, 4, 4])
    #expect(bt.values[(1 * 4 + 2) * 4 + 3] == x.values[16 + 2 * 5])
    // Shift nearest by (3, 1, −1): y[c, h, w] = x[clamp(c − 3), clamp(h − 1), clamp(w + 1)].
    let shift = out("shift_nearest")
    #expect(shift.values[(1 * 4 + 0) * 4 + 3] == x.values[(0 * 4 + 0) * 4 + 3])
    // Stack axis −1 of three [1, 4, 4] pieces → [1, 4, 4, 3].
    #expect(out("stack").shape == [1, 4, 4, 3])
    #expect(out("stack").values[(2 * 4 + 1) * 3 + 1] == x.values[16 + 2 * 4 + 1])
  }

  /// Tile, BroadcastTo and 3-D linear Interpolate against nnabla
  /// (`Tests/Fixtures/functions/shape/make_tile_broadcast_to.py`: the fixtures have no such cases),
  /// bit for bit.
  @Test func tileBroadcastToAndLinear3D_matchNNabla() throws {
    let golden = try Fixtures.floats("functions/shape/tile_broadcast_to.bin")
    let x = FloatTensor(shape: [1, 2, 4, 4], values: (0..<32).map(Float.init))
    let small = FloatTensor(shape: [2, 3], values: (0..<6).map(Float.init))
    let diag = MatrixDiagPart().evaluate([x])[0]
    let row = FloatTensor(shape: [4], values: Array(x.values[0..<4]))
    let outputs = [
      Tile(reps: [2, 1, 3]).evaluate([x])[0], Tile(reps: [2, 1, 2]).evaluate([small])[0],
      BroadcastTo(axis: 0).evaluate([x, diag])[0], BroadcastTo(axis: -1).evaluate([x, row])[0],
      try Interpolate(outputSize: [3, 5, 7], mode: "linear").evaluate([FloatTensor(shape: x.shape, values: x.values.map { $0 * 0.37 })])[0],
    ]
    #expect(outputs.map(\.shape) == [[1, 4, 4, 12], [2, 2, 6], [1, 2, 4, 4], [1, 2, 4, 4], [1, 3, 5, 7]])
    #expect(outputs.flatMap(\.values) == golden)
  }

  /// Split's expansion (a Slice and a Reshape per output) computes what the interpreter computes
  /// running the multi-output node itself; so do Stack's, BroadcastTo's and MeanSubtraction's.
  @Test func expansionsMatchTheUnexpandedNodes() throws {
    for model in [try ModelLoader.load(path: try FunctionConformance.write(Self.movementModel.text)).graph,
                  try ModelLoader.load(path: try FunctionFixtures.fixture(named: "mean_subtraction").modelPath).graph] {
      let (expanded, names) = try FunctionExpansion.expand(model)
      #expect(!names.isEmpty)
      #expect(!expanded.nodes.contains { $0.outputs.count > 1 })
      let x = FunctionConformance.samples(model.tensors[model.inputs[0]].shape, count: 1, seed: 9)[0]
      #expect(FloatInterpreter.run(expanded, inputs: x) == FloatInterpreter.run(model, inputs: x))
    }
  }

  /// The `.nnp` writer puts every attribute back (`attributeFields`): a written model reads back as
  /// the same functions.
  @Test func writtenModelsReadBackTheSame() throws {
    let paths = try [try FunctionConformance.write(Self.movementModel.text)] + [
      "binary_weight_convolution_stride2", "binary_connect_affine_qz_neg1_nobias", "mean_subtraction_base_axis2", "one_hot_2d",
      "embed", "interpolate_nearest_half_pixel_for_nn", "shift_reflect", "unpooling_1d_in_3d",
    ].map { try FunctionFixtures.fixture(named: $0).modelPath }
    let dir = try Fixtures.temporaryDirectory("shape-roundtrip")
    for (k, path) in paths.enumerated() {
      let graph = try ModelLoader.load(path: path).graph
      let written = dir.appendingPathComponent("m\(k).nnp")
      try Data(try NNPWriter.archive(graph: graph)).write(to: written)
      let again = try ModelLoader.load(path: written.path).graph
      #expect(again.nodes.map(\.op) == graph.nodes.map(\.op), "\(path)")
    }
  }

  @Test func oneHot_negativeClassesCountFromTheEndAndOutOfRangeIsZero() throws {
    let y = OneHot(shape: [3]).evaluate([FloatTensor(shape: [3, 1], values: [-1, 3, 1])])[0]
    #expect(y.values == [0, 0, 1, 0, 0, 0, 0, 1, 0])
  }

  @Test func absentFieldsAreProto3Zeros() throws {
    let text = InlineModel(function: "Shift", param: "shift_param { shifts: 1 }", input: [1, 4]).text
    let shift = try ModelLoader.load(path: try FunctionConformance.write(text))
    #expect(shift.graph.nodes[0].op == .function(FunctionCall(try Shift(shifts: [1], borderMode: "nearest"))))
    let cubic = InlineModel(function: "Interpolate", param: "interpolate_param { output_size: 2 mode: \"cubic\" }", input: [1, 4])
    let error = #expect(throws: (any Error).self) { _ = try ModelLoader.load(path: try FunctionConformance.write(cubic.text)) }
    #expect("\(error.map { "\($0)" } ?? "")".contains("Interpolate mode 'cubic' is not nearest or linear"), "\(String(describing: error))")
  }
}

/// A hand-written `.nntxt` of several functions on one input `x` (tensors named by the function
/// lines; parameters none).
struct ShapeModel {
  var input: [Int]
  var functions: [(type: String, inputs: [String], outputs: [String], param: String)]
  var outputs: [String]

  var text: String {
    let shape = "shape { \(input.map { "dim: \($0)" }.joined(separator: " ")) }"
    var variables = ["  variable { name: \"x\" type: \"Buffer\" \(shape) }"]
    var lines: [String] = []
    for (k, f) in functions.enumerated() {
      variables += f.outputs.map { "  variable { name: \"\($0)\" type: \"Buffer\" }" }
      let ins = f.inputs.map { " input: \"\($0)\"" }.joined(), outs = f.outputs.map { " output: \"\($0)\"" }.joined()
      lines.append("  function { name: \"f\(k)\" type: \"\(f.type)\"\(ins)\(outs) \(f.param) }")
    }
    let executorOutputs = outputs.map { " output_variable { variable_name: \"\($0)\" data_name: \"\($0)\" }" }.joined()
    return """
      network {
        name: "net"
      \((variables + lines).joined(separator: "\n"))
      }
      executor { name: "runtime" network_name: "net" data_variable { variable_name: "x" data_name: "x" }\(executorOutputs) }

      """
  }
}
