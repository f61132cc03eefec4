import Foundation
import NNCompileKit
import Testing
import _NNTestSupport

/// `nncompile` writes the report beside the code and says where; a model that does not fit stops
/// with one line and leaves no `out/`.
@Suite struct ReportCLITests {
  @Test func compileWritesTheThreeReportsAndPointsAtThem() throws {
    let dir = try Fixtures.temporaryDirectory("cli-report")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out")
    let r = try CLI.run([CommandTests.lenet, "--target", "cortex-m4f", "--quantize", "float32", "-o", out.path])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("  report: \(out.path)/report.html (and report.txt, report.json)\n"), "\(r.stdout)")
    #expect(r.stdout.contains("  arena: 46,080 B, lower bound 46,080 B (optimal)"), "\(r.stdout)")
    let json = try Data(contentsOf: out.appendingPathComponent("report.json"))
    let report = try JSONDecoder().decode(CompileReport.self, from: json)
    #expect(report.totals.arenaBytes == 46_080)  // = MODEL_ARENA_BYTES in model.h
    #expect(report.totals.macs == 653_300)
    #expect(report.layers.count == 10)
    let text = try String(contentsOf: out.appendingPathComponent("report.txt"), encoding: .utf8)
    #expect(text == report.text)
    let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
  }

  @Test func aModelTooBigForTheTargetStopsWithOneLineAndNoOutput() throws {
    let (dir, model) = try FitCheckFixture.writeBigModel()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out")
    let r = try CLI.run([model, "--target", "cortex-m4f", "--quantize", "float32", "-o", out.path])
    #expect(r.status == 1)
    #expect(r.stdout.isEmpty, "\(r.stdout)")
    let lines = r.stderr.split(separator: "\n")
    #expect(lines.count == 1, "\(r.stderr)")
    #expect(lines.first?.hasPrefix("\(model): error: needs ") == true, "\(r.stderr)")
    #expect(lines.first?.contains("bytes of RAM (arena 2,097,152 + stack ~") == true, "\(r.stderr)")
    #expect(lines.first?.hasSuffix(", which runs from RAM) but target cortex-m4f has 1,572,864") == true, "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["big.nntxt"])
  }
}
