import Foundation
import NNCompileKit
import NNIR
import NNInterpreter
import Testing
import _NNTestSupport

/// int8 `.tflite` models compiled with their own quantization (no calibration): the MLPerf Tiny
/// models give TFLite Micro's exact output bytes, and TFLite's reference kernels' outputs on all
/// twelve samples.
@Suite struct TFLiteInt8Tests {
  static func int8Program(_ m: String) throws -> (Compilation, Int8Program) {
    let compilation = try Driver.compile(
      modelPath: TFLiteImportTests.bench("\(m)/\(m)_int8.tflite"), options: CompileOptions(target: try .named("host"), quantization: "int8"))
    return (compilation, try #require(compilation.program))
  }

  /// TFLM's bytes for its one sample (`tflm/<m>_input_int8.bin` → `<m>_output_int8.bin`, the
  /// same with its reference and CMSIS-NN kernels): fed as the codes they are, through the
  /// Swift int8 reference (which the C matches byte for byte, below and in every verify).
  @Test(arguments: ["ad", "kws", "ic", "vww"])
  func mlperfInt8_givesTFLMsBytes(_ m: String) throws {
    let (_, program) = try Self.int8Program(m)
    let input = try TFLiteImportTests.benchBytes("\(m)/\(m)_input_int8.bin").map { Int8(bitPattern: $0) }
    let expected = try TFLiteImportTests.benchBytes("\(m)/\(m)_output_int8.bin").map { Int8(bitPattern: $0) }
    // The codes as the float the program's input quantization turns back into those codes.
    let p = try #require(program.tensors[program.quantizedInputs[0]].quant)
    let shape = program.tensors[program.inputs[0]].shape
    #expect(shape.reduce(1, *) == input.count)
    let values = Int8ProgramInterpreter.runAll(program, inputs: [FloatTensor(shape: shape, values: input.map(p.dequantize))])
    #expect(values[program.quantizedInputs[0]]?.int8Values == input)
    let out = try #require(program.quantizedOutputs[0])
    #expect(values[out]?.int8Values == expected)
    #expect(program.notes.allSatisfy { !$0.contains("float32") }, "\(program.notes)")
  }

  /// `info` says the file brings its own quantization (int8 kws) or only int8 weights (the hybrid kws).
  @Test func info_saysWhoseQuantization() throws {
    let int8 = ModelInfo.text(try ModelLoader.load(path: TFLiteImportTests.bench("kws/kws_int8.tflite")), file: "kws.tflite")
    #expect(int8.contains("  quantization: the file's own int8 scales and zero points, with TFLite Micro's int8 arithmetic; int8 needs no --calibrate\n"))
    let hybrid = ModelInfo.text(try ModelLoader.load(path: TFLiteImportTests.bench("kws/kws_float32.tflite")), file: "kws.tflite")
    #expect(hybrid.contains("  quantization: int8 weights in the file (float activations);"))
    let float = ModelInfo.text(try ModelLoader.load(path: TFLiteImportTests.bench("vww/vww_float32.tflite")), file: "vww.tflite")
    #expect(!float.contains("quantization:"))
  }

  /// A hybrid model (int8 weights, float activations) built int8: the activations are calibrated,
  /// the weights keep the file's codes and scales rather than being quantized again.
  @Test func hybridInt8Build_keepsTheFilesWeightCodes() throws {
    let path = TFLiteImportTests.bench("kws/kws_float32.tflite")
    let compilation = try Driver.compile(
      modelPath: path,
      options: CompileOptions(target: try .named("host"), quantization: "int8", calibrationData: TFLiteImportTests.bench("kws/inputs_nhwc.bin")))
    let program = try #require(compilation.program)
    let graph = compilation.model.graph
    var checked = 0
    for step in program.steps {
      guard case .convolution(let layer) = step.kernel,
        let node = graph.nodes.first(where: { step.name.hasPrefix($0.name) && $0.inputs.count > 1 && graph.tensors[$0.inputs[1]].quantization != nil })
      else { continue }
      let codes = try #require(graph.tensors[node.inputs[1]].quantization?.codes)
      #expect(layer.weights == codes.map { Int8($0) }, "\(step.name)")
      checked += 1
    }
    #expect(checked == 5)  // its five CONV_2Ds; the depthwise filters are float32 in the file
  }

  /// All twelve samples through the generated C: the same outputs as TFLite's reference kernels
  /// (`scripts/tflite-int8-reference.py`), to the bit after dequantization.
  @Test(arguments: ["ad", "kws", "ic", "vww"])
  func mlperfInt8_CEqualsTFLiteReferenceKernels(_ m: String) throws {
    let (compilation, _) = try Self.int8Program(m)
    let graph = compilation.model.graph
    let samples = try InputLoader(graph: graph, normalizeImages: false).load(path: TFLiteImportTests.bench("\(m)/inputs_nhwc.bin"))
    let expected = try ExpectedOutputs.load(
      path: TFLiteImportTests.bench("\(m)/outputs_tflite_int8_ref.bin"), graph: graph, samples: samples.count)
    let report = try Verifier.verify(compilation, samples: samples, expected: expected, tolerance: 1e-5)
    let o = try #require(report.outputs.first)
    #expect(o.againstInterpreter.maxAbs == 0, "\(report.text)")
    #expect(o.againstExpected?.maxAbs == 0, "\(report.text)")
  }
}
