import Foundation
import NNCompileKit
import NNIR
import NNImport
import NNInterpreter
import Testing
import _NNTestSupport

/// One model through every stage a function must pass: the float C built on the host against the
/// interpreter (and nnabla's outputs, when given), and the int8 C against the Swift int8
/// reference, byte for byte at every step.
enum FunctionConformance {
  /// The C follows the interpreter's operations: 1e-5 of the output range (0 for exact kernels).
  static let interpreterTolerance = 1e-5

  /// Writes `text` (a `.nntxt`) into a scratch folder and returns its path.
  static func write(_ text: String, name: String = "model.nntxt") throws -> String {
    let dir = try Fixtures.temporaryDirectory("nnfunction")
    let path = dir.appendingPathComponent(name)
    try Data(text.utf8).write(to: path)
    return path.path
  }

  /// Float C vs interpreter (and `expected` within `expectedTolerance` of the range).
  @discardableResult
  static func checkFloat(
    _ modelPath: String, samples: [[FloatTensor]], expected: [[FloatTensor]]? = nil, expectedTolerance: Double = 1e-5,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> VerifyReport {
    let compilation = try Driver.compile(modelPath: modelPath, options: CompileOptions(target: try .named("host"), quantization: "float32"))
    let report = try Verifier.verify(compilation, samples: samples, expected: expected, tolerance: interpreterTolerance)
    for o in report.outputs {
      #expect(o.againstInterpreter.maxRel <= interpreterTolerance, "\(o.name): \(report.text)", sourceLocation: sourceLocation)
      if let e = o.againstExpected {
        #expect(e.maxRel <= expectedTolerance, "\(o.name) against nnabla: \(report.text)", sourceLocation: sourceLocation)
      }
    }
    return report
  }

  /// int8 C (both kernel sets) vs the Swift int8 reference, byte for byte, calibrated on `samples`.
  @discardableResult
  static func checkInt8(
    _ modelPath: String, samples: [[FloatTensor]], kernels kernelSets: [KernelSet] = KernelSet.allCases,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> VerifyReport? {
    let dir = try Fixtures.temporaryDirectory("nnfunction-calibration")
    defer { try? FileManager.default.removeItem(at: dir) }
    let calibration = dir.appendingPathComponent("calibration.bin")
    var bytes = Data()
    for sample in samples { for t in sample { t.values.withUnsafeBytes { bytes.append(contentsOf: $0) } } }
    try bytes.write(to: calibration)
    var last: VerifyReport?
    for kernels in kernelSets {
      let compilation = try Driver.compile(
        modelPath: modelPath,
        options: CompileOptions(target: try .named("cortex-m4f"), quantization: "int8", calibrationData: calibration.path, kernels: kernels))
      let report = try Verifier.verify(compilation, samples: samples)
      #expect(report.mismatchedSteps == [], "\(kernels): \(report.text)", sourceLocation: sourceLocation)
      for o in report.outputs {
        #expect(o.againstInterpreter.maxAbs == 0, "\(kernels) \(o.name): \(report.text)", sourceLocation: sourceLocation)
      }
      last = report
    }
    return last
  }

  /// `count` samples of `shape` drawn uniformly from `range`.
  static func samples(_ shape: [Int], count: Int = 3, range: ClosedRange<Double> = -3...3, seed: UInt64 = 1) -> [[FloatTensor]] {
    var rng = SeededRandom(seed: seed)
    let n = shape.reduce(1, *)
    return (0..<count).map { _ in [FloatTensor(shape: shape, values: (0..<n).map { _ in Float(rng.double(range)) })] }
  }
}
