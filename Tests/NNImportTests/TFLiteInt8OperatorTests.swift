import Foundation
import NNCompileKit
import NNFunctions
import NNIR
import NNInterpreter
import Testing
import _NNTestSupport

/// One small fully int8 `.tflite` per operator and edge case (`scripts/make-tflite-int8-fixtures.py`,
/// `Tests/Fixtures/tflite-int8/<case>/`), compiled with the file's own quantization: the Swift int8
/// reference gives the codes TFLite's reference kernels (BUILTIN_REF) give, every one, on every
/// sample; for some the generated C runs too and equals the Swift reference byte for byte.
@Suite struct TFLiteInt8OperatorTests {
  struct Meta: Decodable {
    struct Port: Decodable {
      var shape: [Int]
      var scale: Float
      var zero_point: Int
    }
    var ops: [String]
    var samples: Int
    var output_dtype: String
    var inputs: [Port]
    var outputs: [Port]
  }

  struct Case {
    var meta: Meta
    var compilation: Compilation
    var program: Int8Program
    /// Per sample, the int8 codes of each input.
    var inputs: [[[Int8]]]
    /// Per sample, each output: int8 codes, or floats for a float output.
    var outputs: [[ProgramValue]]

    /// The codes as the floats the program's input quantization turns back into those codes.
    func floatInputs(_ sample: Int) -> [FloatTensor] {
      zip(program.quantizedInputs, inputs[sample]).enumerated().map { k, e in
        let p = program.tensors[e.0].quant!
        return FloatTensor(shape: program.tensors[program.inputs[k]].shape, values: e.1.map(p.dequantize))
      }
    }
  }

  static func load(_ name: String) throws -> Case {
    let dir = "tflite-int8/\(name)"
    let meta = try JSONDecoder().decode(Meta.self, from: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("\(dir)/meta.json"))))
    let compilation = try Driver.compile(
      modelPath: Fixtures.path("\(dir)/model.tflite"), options: CompileOptions(target: try .named("host"), quantization: "int8"))
    let program = try #require(compilation.program)
    let inBytes = Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("\(dir)/inputs_int8.bin")))).map { Int8(bitPattern: $0) }
    let outBytes = Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("\(dir)/outputs_int8.bin"))))
    let inSizes = meta.inputs.map { $0.shape.reduce(1, *) }
    let outSizes = meta.outputs.map { $0.shape.reduce(1, *) }
    let width = meta.output_dtype == "float32" ? 4 : 1
    try #require(inBytes.count == meta.samples * inSizes.reduce(0, +))
    try #require(outBytes.count == meta.samples * outSizes.reduce(0, +) * width)
    var inputs: [[[Int8]]] = []
    var outputs: [[ProgramValue]] = []
    var i = 0
    var o = 0
    for _ in 0..<meta.samples {
      inputs.append(inSizes.map { n in defer { i += n }; return Array(inBytes[i..<i + n]) })
      outputs.append(
        outSizes.map { n in
          defer { o += n * width }
          if width == 1 { return .int8(outBytes[o..<o + n].map { Int8(bitPattern: $0) }) }
          return .float(
            (0..<n).map { k in
              let b = o + 4 * k
              return Float(bitPattern: UInt32(outBytes[b]) | UInt32(outBytes[b + 1]) << 8 | UInt32(outBytes[b + 2]) << 16 | UInt32(outBytes[b + 3]) << 24)
            })
        })
    }
    return Case(meta: meta, compilation: compilation, program: program, inputs: inputs, outputs: outputs)
  }

  static let cases = [
    "conv_same", "conv_valid_s2", "conv_dilation2", "conv_relu", "conv_relu6", "conv_s2_same_relu6", "conv_per_tensor",
    "dwconv_m1_s2_same", "dwconv_m2", "dwconv_m1_valid", "fc_bias", "fc_nobias", "fc_batch1",
    "add", "add_bcast_relu", "sub", "sub_bcast", "mul", "mul_bcast_relu",
    "avgpool_same", "avgpool_valid", "maxpool_same", "maxpool_valid", "mean_keepdims", "mean", "mean_channels", "mean_h_keepdims",
    "relu", "relu6", "relu_n1_to_1", "reshape", "concat", "concat_requantize", "pad", "strided_slice", "transpose", "dequantize",
  ]

  /// Every output code equals TFLite's reference kernels' (a float output: the same float).
  @Test(arguments: cases)
  func swiftInt8_equalsTFLiteReferenceKernels(_ name: String) throws {
    let c = try Self.load(name)
    #expect(c.program.inputs.count == c.meta.inputs.count)
    #expect(c.program.outputs.count == c.meta.outputs.count)
    #expect(c.program.notes.allSatisfy { !$0.contains("float32") }, "\(c.program.notes)")
    for (k, p) in c.meta.inputs.enumerated() {
      let q = try #require(c.program.tensors[c.program.quantizedInputs[k]].quant)
      #expect(q.scale == p.scale && Int(q.zeroPoint) == p.zero_point, "input \(k): \(q)")
    }
    for s in 0..<c.meta.samples {
      let values = Int8ProgramInterpreter.runAll(c.program, inputs: c.floatInputs(s))
      for (k, t) in c.program.quantizedInputs.enumerated() {
        #expect(values[t]?.int8Values == c.inputs[s][k], "input \(k) of sample \(s)")
      }
      for (k, expected) in c.outputs[s].enumerated() {
        let t = c.meta.output_dtype == "float32" ? c.program.outputs[k] : try #require(c.program.quantizedOutputs[k])
        let actual = try #require(values[t])
        let diffs = Self.differences(actual, expected)
        #expect(diffs.isEmpty, "\(name) sample \(s) output \(k): \(diffs.count) of \(c.meta.outputs[k].shape.reduce(1, *)) differ, first \(diffs.prefix(4))")
      }
    }
  }

  /// (index, ours, TFLite's) where they differ.
  static func differences(_ a: ProgramValue, _ b: ProgramValue) -> [(Int, String, String)] {
    switch (a, b) {
    case (.int8(let x), .int8(let y)):
      guard x.count == y.count else { return [(-1, "\(x.count) values", "\(y.count)")] }
      return zip(x, y).enumerated().filter { $1.0 != $1.1 }.map { ($0, "\($1.0)", "\($1.1)") }
    case (.float(let x), .float(let y)):
      guard x.count == y.count else { return [(-1, "\(x.count) values", "\(y.count)")] }
      return zip(x, y).enumerated().filter { $1.0 != $1.1 }.map { ($0, "\($1.0)", "\($1.1)") }
    default: return [(-1, "\(a)", "\(b)")]
    }
  }

  /// TFLite's SUB (`reference_ops::SubElementwise`) scales b with its positive multiplier and
  /// subtracts; negating b's multiplier instead rounds b' the other way where its product sits
  /// exactly half-way (SaturatingRoundingDoublingHighMul rounds +x.5 up, −x.5 towards zero). Hand
  /// parameters that show it: a' = qa, b' = (qb + 1) · 0.375 (a half-way 1.5 at qb = 3), y = a' ∓ b'.
  /// From scales such ties move b' by one unit of 2^20 and rarely reach a code, but they can.
  @Test func sub_subtractsAfterScalingAsTFLite() {
    func params(_ subtract: Int32) -> AddS8Params {
      AddS8Params(
        shape: [256], aStrides: [1], bStrides: [0], aOffset: 0, bOffset: 1, leftShift: 0, aMultiplier: 1 << 30, aShift: 1,
        bMultiplier: subtract == 1 ? 3 << 28 : -(3 << 28), bShift: 0, outMultiplier: .max, outShift: 0, outputOffset: 0,
        subtract: subtract)
    }
    let qa = (-128...127).map { Int8($0) }
    // reference_ops::SubElementwise, transcribed.
    let p = params(1)
    let tflite = qa.map { x in
      let s1 = FixedPoint.requantize(Int32(x) + p.aOffset, multiplier: p.aMultiplier, shift: p.aShift)
      let s2 = FixedPoint.requantize(3 + p.bOffset, multiplier: p.bMultiplier, shift: p.bShift)
      return Int8(clamping: FixedPoint.requantize(s1 - s2, multiplier: p.outMultiplier, shift: p.outShift) + p.outputOffset)
    }
    #expect(tflite == qa.map { Int8(clamping: Int($0) - 2) }, "a − round(1.5)")
    #expect(Int8Kernels.add(p, qa, [3]) == tflite)
    #expect(Int8Kernels.add(params(0), qa, [3]) == qa.map { Int8(clamping: Int($0) - 1) }, "the negated multiplier: a + round(−1.5) = a − 1")
  }

  /// TFLite's MEAN folds the division by the count into the multiplier after quantizing
  /// `s_in / s_out` (`reference_ops::QuantizedMeanOrSum`); quantizing `s_in / (s_out · n)` at once
  /// rounds twice where TFLite rounds once: (−127 − 126 − 126) / 3 = −126.33 gives −127 there.
  @Test func mean_foldsTheCountAsTFLite() throws {
    let m = QuantizedMultiplier.tfliteMean(1.0, count: 3)
    #expect(m == QuantizedMultiplier(multiplier: 715_827_882, shift: 0), "(2^30 << 1) / 3, shift 1 − 1")
    let p = QuantParams(scale: 0.1, zeroPoint: 0)
    let mean = Mean(axes: [1], keepDims: false)
    let x: [Int8] = [-127, -126, -126]
    #expect(try mean.int8Kernel(inputs: [p], output: p, shapes: [[1, 3], [1]], rules: .tflite).run([x]) == [-126])
    #expect(try mean.int8Kernel(inputs: [p], output: p, shapes: [[1, 3], [1]], rules: .nncompile).run([x]) == [-127])
  }

  /// The generated C, compiled and run on the same samples: every step's bytes equal the Swift
  /// int8 reference (so TFLite's codes, above).
  @Test(arguments: [
    "conv_s2_same_relu6", "dwconv_m2", "fc_bias", "sub", "mul_bcast_relu", "maxpool_same", "mean", "mean_channels", "relu6", "pad", "concat_requantize",
  ])
  func generatedC_equalsSwiftInt8(_ name: String) throws {
    let c = try Self.load(name)
    let samples = (0..<c.meta.samples).map { c.floatInputs($0) }
    let report = try Verifier.verify(c.compilation, samples: samples)
    #expect(report.mismatchedSteps == [], "\(report.text)")
    for o in report.outputs {
      #expect(o.againstInterpreter.maxAbs == 0, "\(report.text)")
    }
  }
}
