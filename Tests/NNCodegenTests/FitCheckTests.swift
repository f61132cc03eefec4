import Foundation
import NNCompileKit
import Testing
import _NNTestSupport

/// A model that does not fit the target stops the compile with one line per budget and the numbers.
@Suite struct FitCheckTests {
  /// One 3×3 convolution from a 256×256 image to 8 channels: 2,097,152 bytes of float output
  /// (more than SPRESENSE's 1.5 MB), 72 weights.
  static let bigActivation = """
    network {
      name: "big"
      batch_size: 1
      variable { name: "x" type: "Buffer" shape { dim: -1 dim: 1 dim: 256 dim: 256 } }
      variable { name: "conv/W" type: "Parameter" shape { dim: 8 dim: 1 dim: 3 dim: 3 } }
      variable { name: "y" type: "Buffer" shape { dim: -1 dim: 8 dim: 256 dim: 256 } }
      function {
        name: "conv" type: "Convolution" input: "x" input: "conv/W" output: "y"
        convolution_param { base_axis: 1 pad { dim: 1 dim: 1 } stride { dim: 1 dim: 1 } dilation { dim: 1 dim: 1 } group: 1 }
      }
    }
    parameter {
      variable_name: "conv/W" shape { dim: 8 dim: 1 dim: 3 dim: 3 }
      \((0..<72).map { _ in "data: 0.125" }.joined(separator: " "))
    }
    executor {
      name: "runtime" network_name: "big"
      data_variable { variable_name: "x" data_name: "x" }
      output_variable { variable_name: "y" data_name: "y" }
    }

    """

  static func writeBigModel() throws -> (dir: URL, model: String) {
    let dir = try Fixtures.temporaryDirectory("fit")
    let model = dir.appendingPathComponent("big.nntxt")
    try Data(bigActivation.utf8).write(to: model)
    return (dir, model.path)
  }

  @Test func tooMuchRAM_stopsWithTheNumbers() throws {
    let (dir, model) = try Self.writeBigModel()
    defer { try? FileManager.default.removeItem(at: dir) }
    // The same model on the host (no budget) gives the estimates the message must show.
    let host = try Driver.compile(modelPath: model, options: CompileOptions(target: try .named("host"), quantization: "float32"))
    let t = host.report.totals
    #expect(t.arenaBytes == 2_097_152)
    #expect(t.weightBytes == 288)
    let ram = 2_097_152 + t.stackBytesEstimate + t.flashBytes
    let expected = """
      \(model): error: needs \(grouped(ram)) bytes of RAM (arena 2,097,152 + stack ~\(t.stackBytesEstimate) \
      + program image ~\(grouped(t.flashBytes)), which runs from RAM) but target cortex-m4f has 1,572,864
      """
    do {
      _ = try Driver.compile(modelPath: model, options: CompileOptions(target: try .named("cortex-m4f"), quantization: "float32"))
      Issue.record("the compile should have stopped")
    } catch let e as CompileError {
      #expect(e.description == expected)
    }
  }

  @Test func tooMuchFlash_stopsWithTheNumbers() throws {
    let (dir, model) = try Self.writeBigModel()
    defer { try? FileManager.default.removeItem(at: dir) }
    var tiny = try TargetDescription.named("host")
    tiny.name = "tiny"
    tiny.flashBytes = 1_000
    tiny.ramBytes = 4_000_000
    let host = try Driver.compile(modelPath: model, options: CompileOptions(target: try .named("host"), quantization: "float32"))
    let t = host.report.totals
    let expected = """
      \(model): error: needs \(grouped(t.flashBytes)) bytes of flash (weights 288 + bias 0 + requantization 0 \
      + code ~\(grouped(t.codeBytesEstimate))) but target tiny has 1,000
      """
    do {
      _ = try Driver.compile(modelPath: model, options: CompileOptions(target: tiny, quantization: "float32"))
      Issue.record("the compile should have stopped")
    } catch let e as CompileError {
      #expect(e.description == expected)
    }
  }

  @Test func aTargetFileWithoutProgramRunsFromRAMDecodesAsFalse() throws {
    let json = """
      {"name": "board", "description": "d", "cpu": "cortex-m4", "clockHz": 1, "ramBytes": 2, "flashBytes": 3,
       "fpu": "none", "dsp": false, "defaultQuantization": "int8", "crossCompiler": "cc", "crossFlags": []}
      """
    let target = try JSONDecoder().decode(TargetDescription.self, from: Data(json.utf8))
    #expect(target.programRunsFromRAM == false)
    #expect(try TargetDescription.named("cortex-m4f").programRunsFromRAM)
  }
}
