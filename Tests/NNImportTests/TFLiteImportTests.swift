import Foundation
import NNCompileKit
import NNFormats
import NNIR
import NNImport
import Testing
import _NNTestSupport

/// The float32 `.tflite` import: the FlatBuffers reader on hand-made buffers, the MLPerf Tiny
/// models against TensorFlow Lite's own outputs, and the errors a bad file gets.
@Suite struct TFLiteImportTests {
  static func bench(_ relative: String) -> String {
    Fixtures.repositoryRoot.appendingPathComponent("bench/mlperf-tiny/\(relative)").path
  }

  static func benchBytes(_ relative: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: bench(relative))))
  }

  // MARK: - FlatBuffers reader

  /// root → table at 16 (vtable at 8: 2 fields, table 12 bytes) { uint32 42; [int32] 1,2,3 at 28 }.
  static func handMade(root: UInt32 = 16, soffset: Int32 = 8, field1Offset: UInt16 = 8, vectorCount: UInt32 = 3) -> [UInt8] {
    var b: [UInt8] = []
    func u16(_ v: UInt16) { b += [UInt8(v & 0xFF), UInt8(v >> 8)] }
    func u32(_ v: UInt32) { b += (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
    u32(root)
    b += Array("TEST".utf8)
    u16(8); u16(12); u16(4); u16(field1Offset)  // vtable at 8
    u32(UInt32(bitPattern: soffset))  // table at 16
    u32(42)
    u32(4)  // at 24: offset to the vector at 28
    u32(vectorCount)
    for v: UInt32 in [1, 2, 3] { u32(v) }
    return b
  }

  @Test func flatBuffer_readsScalarsVectorsAndDefaults() throws {
    let fb = FlatBuffer(bytes: Self.handMade())
    #expect(fb.identifier == "TEST")
    let root = try fb.root()
    #expect(try root.uint32(0) == 42)
    #expect(try root.int32s(1) == [1, 2, 3])
    #expect(try root.int32(2, default: 7) == 7)  // beyond the vtable: the default
    #expect(try root.string(3) == nil)
    #expect(try root.tables(4).isEmpty)
  }

  @Test(arguments: [
    (Self.handMade(vectorCount: 1000), "flatbuffers: vector of 1000 4-byte elements at byte 32 (4000 bytes) runs past the end of the 44-byte buffer"),
    (Self.handMade(root: 1000), "flatbuffers: offset at byte 0 points to byte 1000, past the end of the 44-byte buffer"),
    (Self.handMade(soffset: 100), "flatbuffers: table at byte 16 has its vtable at byte -84, outside the buffer"),
    (Self.handMade(field1Offset: 40), "flatbuffers: table at byte 16: field 1 at offset 40 (4 bytes) lies outside the table's 12 bytes"),
    (Array(Self.handMade().prefix(6)), "flatbuffers: file of 6 bytes is too short for a FlatBuffer"),
  ])
  func flatBuffer_outOfRangeOffsetsThrow(_ bytes: [UInt8], _ message: String) throws {
    let error = #expect(throws: FormatError.self) {
      let root = try FlatBuffer(bytes: bytes).root()
      _ = try root.int32s(1)
    }
    #expect(error?.description == message)
  }

  // MARK: - The MLPerf Tiny float models against TensorFlow Lite

  struct Case: CustomStringConvertible, Sendable {
    var model: String
    var inputs: String
    var expected: String
    /// Of the output range.
    var tolerance: Double
    var description: String { model }
    /// A path under bench/mlperf-tiny, or under Tests/Fixtures when it starts with "tflite/".
    static func path(_ relative: String) -> String {
      relative.hasPrefix("tflite/") ? Fixtures.path(relative) : TFLiteImportTests.bench(relative)
    }
  }

  static let cases: [Case] = [
    Case(model: "ad/ad_float32.tflite", inputs: "ad/inputs_nhwc.bin", expected: "ad/outputs_tflite_float.bin", tolerance: 1e-4),
    Case(model: "vww/vww_float32.tflite", inputs: "vww/inputs_nhwc.bin", expected: "vww/outputs_tflite_float.bin", tolerance: 1e-4),
    Case(model: "ic/ic_float32.tflite", inputs: "ic/inputs_nhwc.bin", expected: "ic/outputs_tflite_float.bin", tolerance: 1e-4),
    // kws's "float32" file is hybrid: int8 CONV_2D filters, whose input TFLite quantizes on the fly.
    Case(model: "kws/kws_float32.tflite", inputs: "kws/inputs_nhwc.bin", expected: "kws/outputs_tflite_float.bin", tolerance: 1e-4),
    // Every other operator the importer reads (scripts/tflite-op-fixtures.py): SAME padding that
    // is not symmetric (conv, max pool), average pooling over padded windows, MEAN, the NHWC
    // element order through CONCATENATION, PAD, STRIDED_SLICE, TRANSPOSE and RESHAPE, two outputs.
    Case(model: "tflite/conv_pool/model.tflite", inputs: "tflite/conv_pool/inputs.bin", expected: "tflite/conv_pool/outputs.bin", tolerance: 1e-5),
    Case(model: "tflite/elementwise/model.tflite", inputs: "tflite/elementwise/inputs.bin", expected: "tflite/elementwise/outputs.bin", tolerance: 1e-5),
  ]

  @Test(arguments: cases)
  func mlperfTinyFloat_matchesTFLite(_ c: Case) throws {
    let compilation = try Driver.compile(
      modelPath: Case.path(c.model), options: CompileOptions(target: try .named("host"), quantization: "float32"))
    #expect(compilation.model.inputLayout == "NHWC")
    let graph = compilation.model.graph
    let samples = try InputLoader(graph: graph, normalizeImages: false).load(path: Case.path(c.inputs))
    #expect(samples.count == (c.model.hasPrefix("tflite/") ? 3 : 12))
    let expected = try ExpectedOutputs.load(path: Case.path(c.expected), graph: graph, samples: samples.count)
    let report = try Verifier.verify(compilation, samples: samples, expected: expected, tolerance: 1e-5)
    for o in report.outputs {
      #expect(o.againstInterpreter.maxRel <= 1e-5, "\(o.name): \(report.text)")
      #expect(o.againstExpected!.maxRel <= c.tolerance, "\(o.name): \(report.text)")
      #expect(o.againstExpected!.top1Agreement == 1.0, "\(o.name): \(report.text)")
    }
    #expect(report.outputs.count == (c.model.hasPrefix("tflite/elementwise") ? 2 : 1))
  }

  /// kws's hybrid CONV_2Ds compute on their input quantized to int8 (per batch, symmetric), as
  /// TFLite does: that is what brings kws to TFLite's outputs (above); onnxruntime, which computes
  /// in float on the same dequantized weights, is 6.7e-2 of the range away, with every top-1 the same.
  @Test func kwsHybrid_quantizesTheConvolutionInputsAsTFLiteDoes() throws {
    let compilation = try Driver.compile(
      modelPath: Self.bench("kws/kws_float32.tflite"), options: CompileOptions(target: try .named("host"), quantization: "float32"))
    let graph = compilation.model.graph
    #expect(graph.nodes.filter { $0.name.hasSuffix("_q") && $0.op.typeName == "Round" }.count == 5)
    let samples = try InputLoader(graph: graph, normalizeImages: false).load(path: Self.bench("kws/inputs_nhwc.bin"))
    let expected = try ExpectedOutputs.load(path: Self.bench("kws/outputs_onnx.bin"), graph: graph, samples: samples.count)
    let report = try Verifier.verify(compilation, samples: samples, expected: expected, tolerance: 1e-5)
    let o = try #require(report.outputs.first?.againstExpected)
    #expect(o.maxRel > 6e-2 && o.maxRel < 7e-2, "\(report.text)")
    #expect(o.top1Agreement == 1.0)
  }

  @Test func info_saysTheInputIsNHWC() throws {
    let path = Self.bench("vww/vww_float32.tflite")
    let text = ModelInfo.text(try ModelLoader.load(path: path), file: "vww.tflite")
    #expect(text.contains("  input  input_1 [1, 96, 96, 3] (NHWC)\n"))
    #expect(text.contains("  input layout: NHWC, as the source framework takes it\n"))
    #expect(text.contains("  output Identity [1, 2]\n"))
  }

  // MARK: - Errors

  static func load(_ bytes: [UInt8], name: String = "m.tflite") throws -> ImportedModel {
    let dir = try Fixtures.temporaryDirectory("tflite-import")
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent(name).path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return try ModelLoader.load(path: path)
  }

  static func errorLine(_ bytes: [UInt8], name: String = "m.tflite") -> String? {
    do {
      _ = try load(bytes, name: name)
      return nil
    } catch let e as CompileError {
      return e.problems.joined(separator: "\n")
    } catch {
      return "\(error)"
    }
  }

  @Test func malformedFile_isOneErrorLine() throws {
    let kws = try Self.benchBytes("kws/kws_float32.tflite")
    #expect(Self.errorLine(Array(kws.prefix(2000))) == "error: tflite: offset at byte 36 points to byte 43280, past the end of the 2000-byte buffer")
    var wrongID = kws
    wrongID[4] = UInt8(ascii: "X")
    #expect(Self.errorLine(wrongID) == "error: tflite: not a TFLite model (no 'TFL3' file identifier at byte 4)")
  }

  /// Found by the "TFL3" identifier, whatever the file is called.
  @Test func tfliteIsRecognizedByItsIdentifier() throws {
    let kws = try Self.benchBytes("kws/kws_float32.tflite")
    #expect(try Self.load(kws, name: "model.bin").inputLayout == "NHWC")
  }

  /// Every operator TFLite names that nncompile does not import, in one line, with its index.
  @Test func unsupportedOperators_areListedInOneLine() throws {
    var kws = try Self.benchBytes("kws/kws_float32.tflite")
    let model = try TFLiteModel(bytes: kws)
    // Rewrite DEPTHWISE_CONV_2D's operator code as GATHER (36), both the byte and the int32.
    let root = try FlatBuffer(bytes: kws).root()
    let codes = try root.tables(1)
    let dw = try #require(model.operatorCodes.firstIndex { $0.builtinCode == TFLiteOp.depthwiseConv2D })
    let deprecated = try #require(try codes[dw].fieldPosition(0))
    kws[deprecated] = 36
    if let code = try codes[dw].fieldPosition(3) { kws[code] = 36 }
    let using = model.subgraphs[0].operators.indices.filter { model.subgraphs[0].operators[$0].opcodeIndex == dw }
    #expect(using.count == 4)
    let list = using.map { "#\($0) GATHER" }.joined(separator: ", ")
    #expect(Self.errorLine(kws) == "error: unsupported TFLite operators: \(list)")
  }

  /// The quantization parameters are read (the int8 import will keep them): kws's hybrid weights.
  @Test func quantizationParameters_areRead() throws {
    let model = try TFLiteModel(bytes: try Self.benchBytes("kws/kws_float32.tflite"))
    let int8 = model.subgraphs[0].tensors.filter { $0.type == .int8 }
    #expect(!int8.isEmpty)
    for t in int8 {
      let q = try #require(t.quantization)
      #expect(!q.scale.isEmpty && q.scale.allSatisfy { $0 > 0 })
      #expect(q.zeroPoint.count == q.scale.count)
    }
  }

  /// MLCommons' int8 kws is read whole, with the file's own quantization (its input: scale
  /// 0.584702909, zero point 83, as meta.json says).
  @Test func int8Model_quantizationIsRead() throws {
    let bytes = try Self.benchBytes("kws/kws_int8.tflite")
    let model = try TFLiteModel(bytes: bytes)
    let g = model.subgraphs[0]
    let input = g.tensors[Int(g.inputs[0])]
    #expect(input.type == .int8 && input.shape == [1, 49, 10, 1])
    let q = try #require(input.quantization)
    #expect(q.scale == [0.584702909] && q.zeroPoint == [83])
    // Per-channel filters: one scale per output channel along quantized_dimension 0.
    let conv = try #require(g.operators.first { model.operatorCodes[Int($0.opcodeIndex)].builtinCode == TFLiteOp.conv2D })
    let filter = g.tensors[Int(conv.inputs[1])]
    #expect(filter.quantization?.scale.count == Int(filter.shape[0]) && filter.quantization?.quantizedDimension == 0)
    #expect(model.operatorCodes.map(\.name).contains("DEPTHWISE_CONV_2D"))
  }
}
