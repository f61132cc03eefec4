import Foundation
import NNCompileKit
import Testing
import _NNTestSupport

/// A model that does not fit the target stops the compile with one line per budget and the numbers.
@Suite struct FitCheckTests {
  @Test func tooMuchRAM_stopsWithTheNumbers() throws {
    let (dir, model) = try FitCheckFixture.writeBigModel()
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
    let (dir, model) = try FitCheckFixture.writeBigModel()
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
