import Foundation
import NNCompileKit
import NNSearch
import Testing
import _NNTestSupport

/// The search loop on a tiny MLP (784 → 16 → 10) over 96 training and 32 validation digits,
/// one epoch per candidate, cycles from the cost model's prediction (no QEMU needed): what it
/// writes, that a seed reproduces it, that a second run resumes it, and budget rejection.
@Suite(.serialized) struct SearchDriverTests {
  static let mlp = """
    network {
      name: "Main"
      batch_size: 32
      variable { name: "x" type: "Buffer" shape: { dim: -1 dim: 1 dim: 28 dim: 28 } }
      variable { name: "y" type: "Buffer" shape: { dim: -1 dim: 1 } }
      variable { name: "fc1/W" type: "Parameter" shape: { dim: 784 dim: 16 } initializer { type: "NormalAffineGlorot" multiplier: 1.0 } }
      variable { name: "fc1/b" type: "Parameter" shape: { dim: 16 } initializer { type: "Constant" multiplier: 0.0 } }
      variable { name: "fc2/W" type: "Parameter" shape: { dim: 16 dim: 10 } initializer { type: "NormalAffineGlorot" multiplier: 1.0 } }
      variable { name: "fc2/b" type: "Parameter" shape: { dim: 10 } initializer { type: "Constant" multiplier: 0.0 } }
      variable { name: "h" type: "Buffer" shape: { dim: -1 dim: 16 } }
      variable { name: "r" type: "Buffer" shape: { dim: -1 dim: 16 } }
      variable { name: "z" type: "Buffer" shape: { dim: -1 dim: 10 } }
      variable { name: "loss" type: "Buffer" shape: { dim: -1 dim: 1 } }
      function { name: "fc1" type: "Affine" input: "x" input: "fc1/W" input: "fc1/b" output: "h" affine_param { base_axis: 1 } }
      function { name: "relu1" type: "ReLU" input: "h" output: "r" }
      function { name: "fc2" type: "Affine" input: "r" input: "fc2/W" input: "fc2/b" output: "z" affine_param { base_axis: 1 } }
      function { name: "ce" type: "SoftmaxCrossEntropy" input: "z" input: "y" output: "loss" softmax_cross_entropy_param { axis: 1 } }
    }
    """

  /// `net.nntxt`, `train.csv` (96 rows) and `valid.csv` (32 rows) of the bundled digits, with
  /// absolute image paths, in a fresh folder.
  static func workspace() throws -> URL {
    let dir = try Fixtures.temporaryDirectory("search")
    try mlp.write(to: dir.appendingPathComponent("net.nntxt"), atomically: true, encoding: .utf8)
    let digits = Fixtures.repositoryRoot.appendingPathComponent("examples/digits")
    for (name, rows) in [("train", 96), ("valid", 32)] {
      let lines = try String(contentsOf: digits.appendingPathComponent("\(name).csv"), encoding: .utf8).split(separator: "\n")
      let body = lines.dropFirst().prefix(rows).map { digits.path + "/" + $0 }
      try ([String(lines[0])] + body).joined(separator: "\n").appending("\n")
        .write(to: dir.appendingPathComponent("\(name).csv"), atomically: true, encoding: .utf8)
    }
    return dir
  }

  static func configuration(_ dir: URL, output: String, candidates: Int, seed: UInt64 = 7, budgets: SearchBudgets = .init()) throws
    -> SearchConfiguration
  {
    SearchConfiguration(
      modelPath: dir.appendingPathComponent("net.nntxt").path, trainPath: dir.appendingPathComponent("train.csv").path,
      validPath: dir.appendingPathComponent("valid.csv").path, outputPath: dir.appendingPathComponent(output).path,
      target: try TargetDescription.named("cortex-m4f"), budgets: budgets, candidates: candidates, epochs: 1, seed: seed,
      calibrationSamples: 32)
  }

  /// The rows without what varies from run to run (training time).
  static func comparable(_ rows: [CandidateRecord]) -> [CandidateRecord] {
    rows.map { var r = $0; r.trainingSeconds = 0; return r }
  }

  @Test func threeCandidatesWriteRowsFilesJSONAndHTML_SameSeedSameRows_ResumeContinues() throws {
    let dir = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: dir) }
    var lines: [String] = []
    let outcome = try SearchDriver(try Self.configuration(dir, output: "a", candidates: 3), log: { lines.append($0) }).run()
    let rows = outcome.rows
    #expect(outcome.stoppedBy == nil)
    #expect(rows.map(\.id) == [0, 1, 2])
    #expect(rows[0].parent == nil && rows[1].parent == 0)
    #expect(rows[0].structure == "fc16-relu-fc10")
    #expect(rows[1].structure != rows[0].structure, "every mutation of the MLP changes its structure line")
    for r in rows {
      #expect(r.failure == nil, "candidate \(r.id): \(r.failure ?? "")")
      #expect(r.withinBudget && r.cyclesSource == "predicted")
      #expect((r.int8Error ?? -1) >= 0 && (r.int8Error ?? 2) <= 1 && r.floatError != nil)
      #expect((r.flashBytes ?? 0) > 0 && (r.ramBytes ?? 0) > 0 && (r.macs ?? 0) > 0 && (r.milliseconds ?? 0) > 0)
    }
    #expect(rows[0].macs == 784 * 16 + 16 * 10)
    #expect(rows.contains { $0.onFront })
    #expect(lines.count == 3 && lines[0].hasPrefix("candidate 1 of 3 (#0): fc16-relu-fc10 error ") && lines[0].contains("best so far #0"))

    let out = dir.appendingPathComponent("a")
    let fm = FileManager.default
    for name in ["results.csv", "results.json", "report.html", "best/min-error.nnp", "best/min-cycles.nnp", "best/min-flash.nnp"]
      + (0..<3).flatMap({ ["candidates/\($0).nnp", "candidates/\($0).nntxt"] })
    {
      #expect(fm.fileExists(atPath: out.appendingPathComponent(name).path), "\(name)")
    }
    let json = try JSONDecoder().decode(SearchResults.self, from: Data(contentsOf: out.appendingPathComponent("results.json")))
    #expect(json.candidates == rows && json.seed == 7)
    let csv = try String(contentsOf: out.appendingPathComponent("results.csv"), encoding: .utf8).split(separator: "\n")
    #expect(csv.count == 4 && csv[0].hasPrefix("id,parent,mutation,structure,macs,cycles"))
    let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(html.components(separatedBy: "<svg").count == 3 && html.contains("<circle") && html.contains("fill=\"#d33\""))
    // A best file is the candidate's own bytes, and compiles.
    let frontBest = try #require(SearchDriver.bestPicks(rows, budgets: .init()).first { $0.name == "min-error" })
    #expect(fm.contentsEqual(atPath: out.appendingPathComponent("best/min-error.nnp").path, andPath: out.appendingPathComponent("candidates/\(frontBest.id).nnp").path))
    #expect(OwnOutputs.isOwnNNP(out.appendingPathComponent("best/min-error.nnp").path))

    // Same seed, in two runs: 2 candidates, then resumed to 3 — the same rows apart from times.
    let first = try SearchDriver(try Self.configuration(dir, output: "b", candidates: 2)).run()
    #expect(first.rows.count == 2)
    var resumedLines: [String] = []
    let resumed = try SearchDriver(try Self.configuration(dir, output: "b", candidates: 3), log: { resumedLines.append($0) }).run()
    #expect(resumed.rows.map(\.id) == [0, 1, 2])
    #expect(resumedLines.first?.hasPrefix("resuming") == true && resumedLines.last?.hasPrefix("candidate 3 of 3") == true)
    #expect(Self.comparable(resumed.rows) == Self.comparable(rows))
    // Another seed would not continue these rows: refused, nothing changed.
    #expect(throws: CompileError.self) { try SearchDriver(try Self.configuration(dir, output: "b", candidates: 4, seed: 8)).run() }
    #expect(try JSONDecoder().decode(SearchResults.self, from: Data(contentsOf: dir.appendingPathComponent("b/results.json"))).candidates.count == 3)

    // A stop request (Ctrl-C) during candidate 1's training: candidate 0 is kept and written,
    // the unfinished one dropped.
    var stop = false
    let stopped = try SearchDriver(
      try Self.configuration(dir, output: "c", candidates: 3), log: { _ in stop = true }, shouldStop: { stop }
    ).run()
    #expect(stopped.stoppedBy == "interrupted" && stopped.rows.count == 1)
    let kept = try JSONDecoder().decode(SearchResults.self, from: Data(contentsOf: dir.appendingPathComponent("c/results.json")))
    var alone = rows[0]
    alone.onFront = true  // the only candidate is its own front
    #expect(Self.comparable(kept.candidates) == Self.comparable([alone]))
    #expect(!fm.fileExists(atPath: dir.appendingPathComponent("c/candidates/1.nnp").path))
  }

  @Test func candidatesOverBudgetAreRejectedAndOffTheFront() throws {
    let dir = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: dir) }
    let budgets = SearchBudgets(flashBytes: 1024, milliseconds: 1000)
    let rows = try SearchDriver(try Self.configuration(dir, output: "c", candidates: 1, budgets: budgets)).run().rows
    #expect(rows.count == 1)
    #expect(rows[0].failure == nil && !rows[0].withinBudget && !rows[0].onFront)
    #expect(rows[0].budgetNote?.hasPrefix("over budget: flash ") == true && rows[0].budgetNote?.contains("time") == false)
    let out = dir.appendingPathComponent("c")
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("candidates/0.nnp").path))
    #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("best/min-error.nnp").path))
    #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("best/flash-1KB.nnp").path))
    // The time budget alone is met: best within it is candidate 0.
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("best/ms-1000.nnp").path))
  }

  @Test func aFolderHoldingOtherFilesIsRefused() throws {
    let dir = try Fixtures.temporaryDirectory("search-foreign")
    defer { try? FileManager.default.removeItem(at: dir) }
    try "mine".write(to: dir.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
    #expect(throws: CompileError.self) { try GrowingOutputFolder(dir.path) }
    // With force the folder is used, but the foreign file is never replaced.
    let folder = try GrowingOutputFolder(dir.path, force: true)
    #expect(throws: CompileError.self) { try folder.write("notes.txt", Array("x".utf8)) }
    try folder.write("results.csv", Array("id\n".utf8))
    try folder.write("results.csv", Array("id\n0\n".utf8))
    #expect(folder.read("results.csv") == Array("id\n0\n".utf8) && folder.read("notes.txt") == nil)
    #expect(try String(contentsOf: dir.appendingPathComponent("notes.txt"), encoding: .utf8) == "mine")
  }
}

@Suite struct ParetoFrontTests {
  @Test func frontOfHandMadePoints() {
    let points: [[Double]] = [
      [0.10, 100, 10, 5],  // 0: best error
      [0.20, 50, 10, 5],  // 1: fewer cycles
      [0.20, 60, 10, 5],  // 2: dominated by 1
      [0.30, 50, 8, 5],  // 3: least flash
      [0.10, 100, 10, 5],  // 4: equal to 0: both kept
      [0.40, 200, 20, 9],  // 5: dominated by all
    ]
    #expect(ParetoFront.indices(points) == [0, 1, 3, 4])
    #expect(ParetoFront.dominates([1, 1], [1, 2]) && !ParetoFront.dominates([1, 1], [1, 1]) && !ParetoFront.dominates([0, 2], [1, 1]))
    #expect(ParetoFront.indices([]) == [])
  }

  @Test func markFrontSkipsFailedAndOverBudgetRows() {
    func row(_ id: Int, _ e: Double, _ c: Int, within: Bool = true, failure: String? = nil) -> CandidateRecord {
      CandidateRecord(
        id: id, parent: nil, mutation: "", structure: "", cycles: c, flashBytes: 100, ramBytes: 100, int8Error: e, trainingSeconds: 0,
        withinBudget: within, onFront: false, failure: failure)
    }
    var rows = [row(0, 0.2, 100), row(1, 0.1, 50, within: false), row(2, 0.05, 10, failure: "broke"), row(3, 0.3, 80)]
    SearchDriver.markFront(&rows)
    #expect(rows.map(\.onFront) == [true, false, false, true])
    let picks = Dictionary(uniqueKeysWithValues: SearchDriver.bestPicks(rows, budgets: .init(flashBytes: 65536)).map { ($0.name, $0.id) })
    #expect(picks == ["flash-64KB": 1, "within-budget": 0, "min-error": 0, "min-cycles": 3, "min-flash": 0])
    #expect(SearchDriver.parentCandidates(rows) == [0, 3])
    // Nothing within budget: parents come from the front as if there were no budgets.
    var over = [row(0, 0.2, 100, within: false), row(1, 0.3, 200, within: false), row(2, 0.1, 50, failure: "broke")]
    SearchDriver.markFront(&over)
    #expect(over.allSatisfy { !$0.onFront } && SearchDriver.parentCandidates(over) == [0])
  }

  @Test func sizesAndDurations() {
    #expect(SearchBudgets.parseBytes("64K") == 65536 && SearchBudgets.parseBytes("1.5M") == 1_572_864 && SearchBudgets.parseBytes("4096") == 4096)
    #expect(SearchBudgets.parseBytes("-1K") == nil && SearchBudgets.parseBytes("K") == nil)
    #expect(SearchBudgets.parseDuration("30m") == 1800 && SearchBudgets.parseDuration("90") == 90 && SearchBudgets.parseDuration("2h") == 7200)
  }
}
