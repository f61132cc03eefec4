import Foundation
import NNCodegen
import NNCompileKit
import NNIR
import Testing
import _NNTestSupport

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The compile report: its numbers are the compile's own (plan, constants, MACs), its JSON reads
/// back as the same value, and its HTML is well-formed.
@Suite struct CompileReportTests {
  static let lenet = "real/nnabla_lenet_010000.nnp"
  static let lenetCalibration = Fixtures.repositoryRoot.appendingPathComponent("examples/mnist-lenet/calibration.bin").path

  static func compileLeNetInt8(kernels: KernelSet? = nil) throws -> Compilation {
    try Driver.compile(
      modelPath: Fixtures.path(lenet),
      options: CompileOptions(
        target: try .named("cortex-m4f"), quantization: "int8", calibrationData: lenetCalibration, kernels: kernels))
  }

  /// Every row's arena slot and the totals are the plan's and the emitter's, not a second guess.
  static func expectReportMatchesCompilation(_ c: Compilation) {
    let r = c.report
    let plan = c.code.plan
    #expect(r.totals.arenaBytes == plan.arenaBytes)
    #expect(r.totals.arenaLowerBound == plan.lowerBound)
    #expect(r.totals.weightBytes + r.totals.biasBytes == c.code.weightBytes)
    #expect(r.totals.requantizationBytes == c.code.requantizationBytes)
    #expect(r.buffers.count == plan.assignment.buffers.count)
    #expect(r.buffers.map(\.offset) == plan.offsets)
    #expect(r.buffers.map(\.bytes).reduce(0, +) == plan.assignment.buffers.map(\.bytes).reduce(0, +))
  }

  @Test func lenetInt8_reportHasEveryProgramStepAndTheKnownTotals() throws {
    let c = try Self.compileLeNetInt8(kernels: .reference)
    let r = c.report
    let program = try #require(c.program)
    #expect(r.quantization == "int8")
    #expect(r.layers.count == program.steps.count)
    // quantize, MulScalar, two convolutions with their max pooling and ReLU fused, two affines, dequantize
    #expect(r.layers.count == 7)
    #expect(r.layers.map(\.op) == ["quantize", "copy", "conv_s8", "conv_s8", "affine_s8", "affine_s8", "dequantize"])
    #expect(r.layers.map(\.macs) == [0, 0, 230_400, 409_600, 12_800, 500, 0])  // a fused pooling does not shrink the MACs
    #expect(r.totals.macs == 653_300)
    #expect(r.totals.weightBytes + r.totals.biasBytes == 20_468)
    #expect(r.totals.weightBytes == 20_100)  // 400 + 6,400 + 12,800 + 500 int8 weights
    #expect(r.totals.biasBytes == 368)  // (16 + 16 + 50 + 10) int32 biases
    #expect(r.totals.requantizationBytes == 736)  // a multiplier and a shift per output channel
    for (k, step) in program.steps.enumerated() {
      #expect(r.layers[k].output?.offset == c.code.plan.offset(ofTensor: step.output), "step \(k)")
      // The final dequantize writes the caller's buffer: no arena slot.
      let inArena = c.code.plan.assignment.outputAliasOf[step.output] == nil
      #expect(r.layers[k].output?.bytes == (inArena ? program.tensors[step.output].bytes : nil), "step \(k)")
    }
    // The MulScalar(1/255) is a relabelling alias.
    #expect(r.layers.filter(\.reusesInput).map(\.name) == ["MulScalar"])
    Self.expectReportMatchesCompilation(c)
    #expect(r.totals.flashBytes == 20_468 + 736 + r.totals.codeBytesEstimate)
    // SPRESENSE runs the program from its SRAM: the image counts against RAM.
    #expect(r.totals.ramBytes == r.totals.arenaBytes + r.totals.stackBytesEstimate + r.totals.flashBytes)
    #expect(r.totals.ramUsePercent == 100 * Double(r.totals.ramBytes) / 1_572_864)
  }

  @Test func lenetInt8_optimizedKernelsCountTheirPackedInt8Weights() throws {
    let c = try Self.compileLeNetInt8()
    let r = c.report
    // Weights stay int8, K padded to even: 16×26 + 16×400 + 50×256 + 10×50 bytes (16 more than
    // the reference layout, conv1's K = 25); the input offset folds into the biases, which stay
    // one int32 per channel.
    #expect(r.totals.weightBytes == 16 * 26 + 16 * 400 + 50 * 256 + 10 * 50)
    #expect(r.totals.biasBytes == 368)
    #expect(r.totals.requantizationBytes == 736)
    #expect(r.totals.macs == 653_300)
    Self.expectReportMatchesCompilation(c)
  }

  @Test func lenetFloat_reportCountsFloatWeightsPerLayer() throws {
    let c = try Driver.compile(
      modelPath: Fixtures.path(Self.lenet), options: CompileOptions(target: try .named("cortex-m4f"), quantization: "float32"))
    let r = c.report
    #expect(r.layers.count == c.model.graph.nodes.count)
    #expect(r.layers.count == 10)
    #expect(r.totals.macs == 653_300)
    #expect(r.totals.weightBytes == 4 * (400 + 6_400 + 12_800 + 500))
    #expect(r.totals.biasBytes == 4 * (16 + 16 + 50 + 10))
    #expect(r.totals.requantizationBytes == 0)
    #expect(r.layers.map(\.macs) == c.model.graph.nodes.map { Cost.macs($0, in: c.model.graph) })
    Self.expectReportMatchesCompilation(c)
  }

  @Test func json_readsBackAsTheSameReport() throws {
    let r = try Self.compileLeNetInt8().report
    let decoded = try JSONDecoder().decode(CompileReport.self, from: Data(r.json.utf8))
    #expect(decoded == r)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(r.json.utf8)) as? [String: Any])
    let totals = try #require(object["totals"] as? [String: Any])
    #expect(totals["macs"] as? Int == 653_300)
    #expect((object["layers"] as? [Any])?.count == 7)
  }

  /// Counts elements of a parsed XML document by name.
  final class ElementCounter: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    var scripts = 0
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
      counts[name, default: 0] += 1
      if attributes.values.contains(where: { $0.contains("http") && !$0.contains("www.w3.org") }) { scripts += 1 }
    }
  }

  @Test func html_isWellFormedSelfContainedAndDrawsEveryBufferAndLayer() throws {
    let r = try Self.compileLeNetInt8().report
    let parser = XMLParser(data: Data(r.html.utf8))
    let counter = ElementCounter()
    parser.delegate = counter
    #expect(parser.parse(), "report.html is not well-formed: \(String(describing: parser.parserError))")
    #expect(counter.counts["script"] == nil && counter.counts["link"] == nil && counter.scripts == 0)
    #expect(counter.counts["svg"] == 3)  // the timeline and two bar charts
    // A rectangle per buffer (timeline), per layer twice (bars), and the timeline's frame.
    #expect(counter.counts["rect"] == r.buffers.count + 2 * r.layers.count + 1)
    #expect(counter.counts["tr"] == r.layers.count + 2)  // header, layers, total
    #expect(r.html.contains("<title>nnabla_lenet_010000.nnp — nncompile report</title>"))
  }

  @Test func text_listsEveryStepAndTheTotals() throws {
    let r = try Self.compileLeNetInt8().report
    let lines = r.text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.first == "nnabla_lenet_010000.nnp: network 'runtime', int8, target cortex-m4f, planner \(r.planner)")
    #expect(lines.filter { $0.contains(" conv_s8 ") }.count == 2)
    #expect(r.text.contains("  7 steps, 653,300 MACs\n"))
    #expect(r.text.contains("  flash: \(grouped(r.totals.flashBytes)) B = weights 20,116 + bias 368 + requantization 736 + code ~"))
    #expect(r.text.contains("  note: fused 3 ReLU/ReLU6 into the op before them\n"))
    #expect(r.text.contains("  note: fused 2 MaxPooling into the convolution before them\n"))
  }

  @Test func grouped_insertsThousandsSeparators() {
    #expect(grouped(0) == "0")
    #expect(grouped(999) == "999")
    #expect(grouped(1_000) == "1,000")
    #expect(grouped(1_572_864) == "1,572,864")
    #expect(grouped(-12_345) == "-12,345")
  }

  /// `scripts/measure-kernels.sh` measured the runtime as it is now: rerun it after changing
  /// `runtime-c/` (CI has arm-none-eabi-gcc; so must a machine running these tests).
  @Test func kernelFootprintTableIsCurrent() throws {
    let script = Fixtures.repositoryRoot.appendingPathComponent("scripts/measure-kernels.sh").path
    let run = try ProcessRunner.run("/bin/bash", [script, "--stdout"])
    #expect(run.status == 0, "\(run.stderr)")
    let file = Fixtures.repositoryRoot.appendingPathComponent("Sources/NNCodegen/Generated/KernelFootprints.swift")
    // Only the table rows: the compiler's version line may differ between machines.
    func rows(_ text: String) -> [Substring] { text.split(separator: "\n").filter { $0.hasPrefix("    \"") } }
    let measured = rows(String(decoding: run.stdout, as: UTF8.self))
    #expect(measured.filter { $0.contains(".c\": (") && !$0.contains("\", ") }.count == (try FileManager.default.contentsOfDirectory(atPath: Fixtures.repositoryRoot.appendingPathComponent("runtime-c/src").path).filter { $0.hasSuffix(".c") }.count))
    #expect(measured == rows(try String(contentsOf: file, encoding: .utf8)), "stale: run scripts/measure-kernels.sh")
  }
}
