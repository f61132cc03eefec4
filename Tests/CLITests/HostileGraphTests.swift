import Foundation
import Testing
import _NNTestSupport

/// Hostile attribute values and parameters (issue 10, item 3): each is one error line naming the
/// file, the function and the value, exit 1, no trap and no `out/`. int8 builds of extreme but
/// finite parameters succeed, and the C stays byte-identical to the Swift int8 reference.
@Suite struct HostileGraphTests {
  /// Writes `model` and `files` (raw float32) to a fresh folder and runs `nncompile [subcommand]
  /// <model> <args>` there; a compile writes `-o` into that folder.
  static func run(
    _ model: InlineModel, subcommand: String? = nil, _ args: [String] = ["--target", "host", "--quantize", "float32"],
    files: [String: [Float]] = [:]
  ) throws
    -> (result: CLI.Result, path: String, outExists: Bool)
  {
    let dir = try Fixtures.temporaryDirectory("hostile")
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("model.nntxt").path
    try Data(model.text.utf8).write(to: URL(fileURLWithPath: path))
    for (name, values) in files {
      try values.withUnsafeBytes { try Data($0).write(to: dir.appendingPathComponent(name)) }
    }
    let out = dir.appendingPathComponent("out").path
    let resolved = args.map { files[$0] != nil ? dir.appendingPathComponent($0).path : $0 }
    let r = try CLI.run(subcommand.map { [$0, path] + resolved } ?? [path] + resolved + ["-o", out])
    return (r, path, FileManager.default.fileExists(atPath: out))
  }

  static func expectOneError(
    _ model: InlineModel, at location: String? = nil, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let box = try Sandbox("hostile")
    defer { box.remove() }
    let path = try box.write("model.nntxt", Array(model.text.utf8))
    let prefix = "\(path): \(location ?? "function 'f1' (\(model.function))"): error: "
    try CLI.expectRefusal(
      [path, "--target", "host", "--quantize", "float32", "-o", box.path("out")], in: box, prefix: prefix, fragment,
      sourceLocation: sourceLocation)
  }


  static let big = "4611686018427387904"  // 2^62
  static let max = "9223372036854775807"  // INT64_MAX
  static let min = "-9223372036854775808"  // INT64_MIN

  static func depthwise(_ param: String) -> InlineModel {
    InlineModel(function: "DepthwiseConvolution", param: "depthwise_convolution_param { \(InlineModel.explicit(param, ["base_axis": "1", "multiplier": "1"])) }", parameters: [("W", [1, 3, 3], Array(repeating: "0.5", count: 9))])
  }
  static func deconvolution(_ param: String) -> InlineModel {
    InlineModel(function: "Deconvolution", param: "deconvolution_param { \(InlineModel.explicit(param, ["base_axis": "1", "group": "1"])) }", parameters: [("W", [1, 2, 3, 3], Array(repeating: "0.5", count: 18))])
  }
  static func pooling(_ function: String, _ param: String) -> InlineModel {
    let snake = ["MaxPooling": "max_pooling_param", "AveragePooling": "average_pooling_param", "SumPooling": "sum_pooling_param"][function]!
    return InlineModel(function: function, param: "\(snake) { kernel { dim: 2 dim: 2 } \(InlineModel.explicit(param, ["ignore_border": "true"])) }")
  }

  /// Every attribute that trapped (exit 132) before, with the text its error must hold.
  static let hostileAttributes: [(model: InlineModel, fragment: String)] = [big, max].flatMap { v -> [(InlineModel, String)] in
    [
      (.convolution("pad { dim: \(v) dim: 0 }"), "Convolution pad \(v) must be at most 2147483647"),
      (.convolution("dilation { dim: \(v) dim: 1 }"), "Convolution dilation \(v) must be at most"),
      (.convolution("stride { dim: \(v) dim: 1 }"), "Convolution stride \(v) must be at most"),
      (.convolution("group: \(v)"), "Convolution group \(v) must be at most"),
      (depthwise("pad { dim: 0 dim: \(v) }"), "DepthwiseConvolution pad \(v) must be at most"),
      (depthwise("dilation { dim: \(v) dim: 1 }"), "DepthwiseConvolution dilation \(v) must be at most"),
      (depthwise("multiplier: \(v)"), "DepthwiseConvolution multiplier \(v) must be at most"),
      (deconvolution("stride { dim: \(v) dim: 1 }"), "Deconvolution stride \(v) must be at most"),
      (deconvolution("pad { dim: \(v) dim: 0 }"), "Deconvolution pad \(v) must be at most"),
      (deconvolution("output_padding { dim: \(v) dim: 0 }"), "Deconvolution output_padding \(v) must be at most"),
      (deconvolution("group: \(v)"), "Deconvolution group \(v) must be at most"),
      (pooling("MaxPooling", "pad { dim: \(v) dim: 0 }"), "MaxPooling pad \(v) must be at most"),
      (pooling("AveragePooling", "ignore_border: false pad { dim: \(v) dim: 0 }"), "AveragePooling pad \(v) must be at most"),
      (pooling("SumPooling", "pad { dim: 0 dim: \(v) }"), "SumPooling pad \(v) must be at most"),
      (InlineModel(function: "Pad", param: "pad_param { pad_width: \(v) pad_width: \(v) }"), "Pad pad_width \(v) must be at most"),
    ]
  } + [
    (InlineModel(function: "Reshape", param: "reshape_param { shape { dim: 4294967296 dim: 4294967296 } }"),
     "shape [4294967296, 4294967296] has more than 2147483647 elements"),
    (InlineModel(function: "Slice", param: "slice_param { start: 0 stop: 4 step: \(max) }"), "Slice step \(max) must be between"),
    (InlineModel(function: "Slice", param: "slice_param { start: 3 stop: 0 step: \(min) }"), "Slice step \(min) must be between"),
    // In range one by one, but their sum is not.
    (.convolution("pad { dim: 2147483647 dim: 0 }"), "Convolution pad: 2 × 2147483647 is more than 2147483647"),
    (InlineModel(function: "Pad", param: "pad_param { pad_width: 2147483647 pad_width: 1 }"), "Pad axis 3: 2147483647 + 1 is more than"),
    // Zero and negative values that would divide by zero or index out of range.
    (.convolution("stride { dim: 0 dim: 1 }"), "Convolution stride 0 must be ≥ 1"),
    (.convolution("dilation { dim: 1 dim: -2 }"), "Convolution dilation -2 must be ≥ 1"),
    (.convolution("group: 0"), "Convolution group 0 must be ≥ 1"),
    (.convolution("group: 2"), "with group 2 does not match 1 input channels"),
    (depthwise("multiplier: 0"), "DepthwiseConvolution multiplier 0 must be ≥ 1"),
    (pooling("MaxPooling", "stride { dim: -1 dim: 1 }"), "MaxPooling stride -1 must be ≥ 1"),
    (InlineModel(function: "Slice", param: "slice_param { start: 0 stop: 4 step: 0 }"), "Slice step must not be 0"),
    (.convolution(weights: [], outChannels: 0), "Convolution output [1, 0, 2, 2] is empty (axis 1 has size 0)"),
  ]

  @Test(arguments: hostileAttributes.indices)
  func hostileAttribute_isOneErrorNamingTheFunctionAndValue(_ i: Int) throws {
    let (model, fragment) = Self.hostileAttributes[i]
    try Self.expectOneError(model, fragment)
  }

  @Test func negativeInputDimension_isNotTheBatch() throws {
    try Self.expectOneError(
      InlineModel(function: "ReLU", input: [-1, -3, 4, 4]), at: "variable 'x'", "dimension -3 at axis 1 of [-1, -3, 4, 4] must be positive")
  }

  // MARK: - int8

  static let ramp: [Float] = (0..<16).map { Float($0) / 16 }

  @Test(arguments: [("nan", "nan"), ("inf", "inf"), ("-inf", "-inf")])
  func nonFiniteParameter_inAnInt8Build_isAnErrorNamingIt(_ value: String, _ printed: String) throws {
    let model = InlineModel.convolution(weights: ["0.5", value] + Array(repeating: "0.5", count: 16))
    let (r, path, outExists) = try Self.run(model, ["--target", "host", "--quantize", "int8", "--calibrate", "calibration.bin"], files: ["calibration.bin": Self.ramp])
    #expect(r.status == 1 && !outExists)
    #expect(r.stderr == "\(path): error: parameter 'W' holds 1 non-finite value (first: \(printed) at index 1); int8 needs finite parameters (use --quantize float32 to build anyway)\n")
  }

  /// Weights of ±3e38 that cancel (a requantization factor far above 2^31, which trapped), all
  /// denormal weights and inputs (scales that flushed to 0), all zeros: verify builds the C and
  /// compares it with the Swift int8 reference step by step.
  @Test(arguments: [
    ("huge", ["3e38", "-3e38"] + Array(repeating: "0", count: 16), [Float](repeating: 1, count: 16)),
    ("denormal", Array(repeating: "1e-45", count: 18), [Float](repeating: Float(bitPattern: 7), count: 16)),
    ("zero", Array(repeating: "0", count: 18), [Float](repeating: 0, count: 16)),
  ])
  func extremeFiniteParameters_quantizeAndStayByteIdentical(_ name: String, _ weights: [String], _ calibration: [Float]) throws {
    let input = Self.ramp.map { $0 * (calibration.first ?? 0) + (name == "zero" ? $0 : 0) }
    let (r, _, _) = try Self.run(
      .convolution(weights: weights), subcommand: "verify", ["--target", "host", "--quantize", "int8", "--calibrate", "calibration.bin", "--input", "input.bin"],
      files: ["calibration.bin": calibration, "input.bin": input])
    #expect(r.status == 0, "\(name): \(r.stderr)")
    #expect(r.stdout.contains("int8 C is byte-identical to the Swift int8 reference in every step"), "\(name): \(r.stdout)")
  }
}
