import Foundation
import NNCodegen
import NNCompileKit
import NNIR
import Testing
import _NNTestSupport

/// Each constant is in flash once: the emitter writes an array equal to one already written only
/// once, layers applying the same weights share their ranges (so their constants are equal), and
/// the report counts what the files hold. The case: an LSTM (T 5, H 4), which expands into one
/// Affine, three Sigmoids and two Tanhs per time step.
@Suite struct ConstantSharingTests {
  static let lstm = "recurrent/lstm_l1.nnp"

  /// The LSTM compiled for the Cortex-M4F, int8 calibrated on its fixture's inputs, or float32.
  static func compileLSTM(_ quantization: String, kernels: KernelSet? = nil) throws -> Compilation {
    let dir = try Fixtures.temporaryDirectory("constant-sharing")
    defer { try? FileManager.default.removeItem(at: dir) }
    // lstm_l1.bin: x [5, 1, 3], h [1, 1, 1, 4], c [1, 1, 1, 4], then nnabla's outputs.
    let inputs = Array(try Fixtures.floats("recurrent/lstm_l1.bin").prefix(15 + 4 + 4))
    let calibration = dir.appendingPathComponent("inputs.bin")
    try inputs.withUnsafeBytes { Data($0) }.write(to: calibration)
    return try Driver.compile(
      modelPath: Fixtures.path(lstm),
      options: CompileOptions(
        target: try .named("cortex-m4f"), quantization: quantization,
        calibrationData: quantization == "int8" ? calibration.path : nil, kernels: kernels))
  }

  /// The `const` arrays of `model_weights.c`: type and element count.
  static func weightArrays(_ c: Compilation) throws -> [(type: String, name: String, count: Int)] {
    let source = try #require(c.code.files.first { $0.name == "model_weights.c" }).contents
    return source.split(separator: "\n").compactMap { line -> (String, String, Int)? in
      guard line.hasPrefix("const "), let open = line.firstIndex(of: "["), let close = line.firstIndex(of: "]") else { return nil }
      let words = line[..<open].split(separator: " ")
      guard words.count == 3, let n = Int(line[line.index(after: open)..<close]) else { return nil }
      return (String(words[1]), String(words[2]), n)
    }
  }

  static func bytes(_ arrays: [(type: String, name: String, count: Int)]) -> Int {
    arrays.map { $0.count * ($0.type == "int8_t" ? 1 : 4) }.reduce(0, +)
  }

  @Test(arguments: KernelSet.allCases) func int8LSTM_writesEachConstantOnce(_ kernels: KernelSet) throws {
    let c = try Self.compileLSTM("int8", kernels: kernels)
    let arrays = try Self.weightArrays(c)
    // Before: 5 steps × (weights, bias, multipliers, shifts, 5 tables) = 45 arrays, 25 of them
    // tables. Now one Affine's four arrays, the Sigmoid and Tanh tables of the gates (the same
    // input range every step) and one Tanh table per step for the cell state.
    #expect(arrays.count == 11)
    #expect(arrays.filter { $0.name.hasPrefix("model_lut") }.count == 2 + 5)
    #expect(Set(arrays.map(\.name)).count == arrays.count)
    // Every step's Affine calls the same four arrays.
    let source = try #require(c.code.files.first { $0.name == "model.c" }).contents
    let calls = source.split(separator: "\n").filter { $0.contains("nnc_affine_s8") && $0.contains("(&") }
    #expect(calls.count == 5)
    #expect(Set(calls.map { $0.split(separator: ",").dropFirst(2).prefix(4).joined() }).count == 1)
  }

  @Test func int8LSTM_stepsShareTheirAffineRanges() throws {
    let c = try Self.compileLSTM("int8", kernels: .reference)
    let program = try #require(c.program)
    let affines = program.steps.filter { if case .affine = $0.kernel { return true } else { return false } }
    #expect(affines.count == 5)
    let inputs = Set(affines.map { "\(program.tensors[$0.inputs[0]].quant!)" })
    let outputs = Set(affines.map { "\(program.tensors[$0.output].quant!)" })
    #expect(inputs.count == 1 && outputs.count == 1, "\(inputs) \(outputs)")
  }

  @Test(arguments: ["int8", "float32"]) func lstmReport_countsTheBytesTheWeightFileHolds(_ quantization: String) throws {
    let c = try Self.compileLSTM(quantization)
    let t = c.report.totals
    #expect(t.weightBytes + t.biasBytes + t.requantizationBytes == Self.bytes(try Self.weightArrays(c)))
    if quantization == "float32" {
      // One [7, 16] weight and one [16] bias, read by all five steps' Affines (it said 5 × 512).
      #expect(t.weightBytes == 7 * 16 * 4 && t.biasBytes == 16 * 4)
    } else {
      #expect(t.weightBytes + t.biasBytes + t.requantizationBytes == 2_112)
    }
  }

  @Test func lenetReport_countsTheBytesTheWeightFileHolds() throws {
    for kernels in KernelSet.allCases {
      let c = try CompileReportTests.compileLeNetInt8(kernels: kernels)
      let t = c.report.totals
      #expect(t.weightBytes + t.biasBytes + t.requantizationBytes == Self.bytes(try Self.weightArrays(c)), "\(kernels)")
    }
  }
}
