import Foundation
import NNCompileKit
@testable import NNSearch
import Testing
import _NNTestSupport

/// The search loop on a tiny MLP (784 → 16 → 10) over 96 training and 32 validation digits,
/// one epoch per candidate, cycles from the cost model's prediction or an injected stand-in for
/// the emulator (no QEMU needed): what it writes, that a seed reproduces it, that a second run
/// resumes it (also from an older results.json), pruning by budgets before training, and the
/// emulation of the front.
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

  static func configuration(
    _ dir: URL, output: String, candidates: Int, seed: UInt64 = 7, budgets: SearchBudgets = .init(), emulation: SearchEmulation = .none
  ) throws -> SearchConfiguration {
    SearchConfiguration(
      modelPath: dir.appendingPathComponent("net.nntxt").path, trainPath: dir.appendingPathComponent("train.csv").path,
      validPath: dir.appendingPathComponent("valid.csv").path, outputPath: dir.appendingPathComponent(output).path,
      target: try TargetDescription.named("cortex-m4f"), budgets: budgets, candidates: candidates, epochs: 1, seed: seed,
      emulation: emulation, calibrationSamples: 32)
  }

  /// A stand-in for the emulator: the cost model's cycles, and "emulated" ones 25 % (+ 100) above
  /// them; records which candidates (by `candidates/<id>.nnp`) it emulated, in order.
  final class FakeEmulator: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: [Int] = []
    var emulated: [Int] { lock.withLock { ids } }

    static func emulated(_ predicted: Int) -> Int { predicted * 5 / 4 + 100 }

    var function: CycleSource.Function {
      { compilation, _, emulate in
        let predicted = compilation.report.predictedCycles ?? 0
        guard emulate else { return CycleMeasurement(cycles: predicted, source: "predicted") }
        let id = Int(URL(fileURLWithPath: compilation.modelPath).deletingPathExtension().lastPathComponent) ?? -1
        self.lock.withLock { self.ids.append(id) }
        return CycleMeasurement(cycles: Self.emulated(predicted), source: "emulated")
      }
    }
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
      #expect(r.withinBudget && r.cyclesSource == "predicted" && r.cyclesPredicted == r.cycles && r.cyclesEmulated == nil)
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
    #expect(csv.count == 4 && csv[0].hasPrefix("id,parent,mutation,structure,macs,cycles,cycles_source,cycles_predicted,cycles_emulated,"))
    #expect(outcome.predictionSummary == nil, "nothing emulated")
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

  @Test func budgetsPruneCandidatesBeforeTraining() throws {
    let dir = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: dir) }
    let fm = FileManager.default
    // 1 KB of flash: no network on 784 inputs fits; each candidate is rejected on the cost of its
    // untrained network, never trained.
    var lines: [String] = []
    let budgets = SearchBudgets(flashBytes: 1024, milliseconds: 1000)
    let rows = try SearchDriver(try Self.configuration(dir, output: "p", candidates: 3, budgets: budgets), log: { lines.append($0) }).run().rows
    #expect(rows.map(\.id) == [0, 1, 2])
    let out = dir.appendingPathComponent("p")
    for r in rows {
      #expect(r.failure == nil && !r.withinBudget && !r.onFront && !r.trained, "#\(r.id): \(r.failure ?? "")")
      #expect(r.trainingSeconds == 0 && r.floatError == nil && r.int8Error == nil)
      #expect(r.budgetNote?.hasPrefix(SearchDriver.prunedNote + "flash ") == true && r.budgetNote?.contains("time") == false, "\(r.budgetNote ?? "")")
      #expect((r.flashBytes ?? 0) > 1024 && (r.macs ?? 0) > 0 && (r.ramBytes ?? 0) > 0)
      #expect(r.cyclesPredicted != nil && r.cycles == r.cyclesPredicted && r.cyclesSource == "predicted" && r.cyclesEmulated == nil)
      #expect(fm.fileExists(atPath: out.appendingPathComponent("candidates/\(r.id).nntxt").path))
      #expect(!fm.fileExists(atPath: out.appendingPathComponent("candidates/\(r.id).nnp").path), "no trained model")
    }
    #expect(rows[0].macs == 784 * 16 + 16 * 10)
    // Nothing trained: the parents are the rejected candidates of least predicted cost.
    #expect(rows[1].parent == 0 && [0, 1].contains(rows[2].parent ?? -1))
    #expect(!fm.fileExists(atPath: out.appendingPathComponent("best").path))
    #expect(lines.count == 3 && lines.allSatisfy { $0.contains("over budget (predicted before training): flash") })

    // A flash budget of exactly what candidate 0's untrained network needs: it trains, and the
    // trained compile's sizes and predicted cycles are those predicted untrained (they depend on
    // the shapes, not the values), so it stays within.
    let tight = SearchBudgets(flashBytes: rows[0].flashBytes, milliseconds: 1000)
    let fits = try SearchDriver(try Self.configuration(dir, output: "q", candidates: 1, budgets: tight)).run().rows[0]
    #expect(fits.trained && fits.trainingSeconds > 0 && fits.withinBudget && fits.budgetNote == nil && fits.onFront)
    #expect(fits.flashBytes == rows[0].flashBytes && fits.ramBytes == rows[0].ramBytes && fits.arenaBytes == rows[0].arenaBytes)
    #expect(fits.macs == rows[0].macs && fits.cyclesPredicted == rows[0].cyclesPredicted)
    #expect(fm.fileExists(atPath: dir.appendingPathComponent("q/best/ms-1000.nnp").path))
  }

  /// A run without emulation, its results.json rewritten as an older nncompile wrote it (no
  /// predicted and emulated columns), resumed with the front emulated by a stand-in: the old rows
  /// read back, the front's old candidates compiled again from their .nnp and emulated, and every
  /// candidate on the front emulated exactly once.
  @Test func theFrontIsEmulated_ResumingFromAnOlderResultsJSON() throws {
    let dir = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: dir) }
    let before = try SearchDriver(try Self.configuration(dir, output: "e", candidates: 3)).run().rows
    let json = dir.appendingPathComponent("e/results.json")
    var old = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
    old["candidates"] = try #require(old["candidates"] as? [[String: Any]]).map { row -> [String: Any] in
      var r = row
      r.removeValue(forKey: "cyclesPredicted")
      r.removeValue(forKey: "cyclesEmulated")
      return r
    }
    try JSONSerialization.data(withJSONObject: old).write(to: json)
    #expect(try String(contentsOf: json, encoding: .utf8).contains("cyclesPredicted") == false)

    let emulator = FakeEmulator()
    var config = try Self.configuration(dir, output: "e", candidates: 4, emulation: .front)
    config.cycles = emulator.function
    var lines: [String] = []
    let outcome = try SearchDriver(config, log: { lines.append($0) }).run()
    let rows = outcome.rows
    #expect(rows.map(\.id) == [0, 1, 2, 3] && rows.allSatisfy { $0.failure == nil })
    // The old rows: their cycles were predicted, and are kept as such.
    for (r, b) in zip(rows, before) { #expect(r.cyclesPredicted == b.cyclesPredicted && r.floatError == b.floatError) }

    let emulated = emulator.emulated
    #expect(Set(emulated).count == emulated.count, "each candidate emulated once: \(emulated)")
    #expect(Set(emulated) == Set(rows.filter { $0.cyclesEmulated != nil }.map(\.id)))
    #expect(emulated.contains { $0 < 3 }, "the front of the old rows was emulated on resume")
    #expect(rows.contains { $0.onFront })
    for r in rows {
      let p = try #require(r.cyclesPredicted)
      if r.onFront { #expect(r.cyclesEmulated != nil, "#\(r.id) is on the front") }
      if let e = r.cyclesEmulated {
        #expect(e == FakeEmulator.emulated(p) && r.cycles == e && r.cyclesSource == "emulated")
        #expect(abs((r.milliseconds ?? 0) - Double(e) / Double(config.target.clockHz) * 1000) < 1e-9)
      } else {
        #expect(r.cycles == p && r.cyclesSource == "predicted")
      }
    }
    // The front is the one of the final cycles.
    var recomputed = rows
    SearchDriver.markFront(&recomputed)
    #expect(recomputed.map(\.onFront) == rows.map(\.onFront))
    for id in emulated where id < 3 { #expect(lines.contains { $0.hasPrefix("#\(id) emulated: cycles ") }) }
    if rows[3].cyclesEmulated != nil { #expect(lines.last?.contains("(emulated; predicted ") == true) }

    let front = rows.filter(\.onFront)
    let summary = try #require(outcome.predictionSummary)
    #expect(summary.hasPrefix("front: \(front.count) candidate\(front.count == 1 ? "" : "s") emulated, predicted within 20."), "\(summary)")
    let html = try String(contentsOf: dir.appendingPathComponent("e/report.html"), encoding: .utf8)
    #expect(html.contains("Predicted against emulated cycles — front: "))
    let saved = try JSONDecoder().decode(SearchResults.self, from: Data(contentsOf: json))
    #expect(saved.candidates == rows)
  }

  /// The emulation pass on hand-made rows (no training): the front is emulated one candidate at a
  /// time and recomputed after each, so a candidate the emulator finds slower leaves the front and
  /// one it dominated comes back on, to be emulated in turn; the dominated rest is not emulated.
  @Test func emulationRecomputesTheFrontAsItGoes() throws {
    let dir = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: dir) }
    func row(_ id: Int, _ e: Double, _ c: Int) -> CandidateRecord {
      CandidateRecord(
        id: id, parent: nil, mutation: "", structure: "", cycles: c, cyclesSource: "predicted", cyclesPredicted: c, flashBytes: 100,
        ramBytes: 100, floatError: e, int8Error: e, trainingSeconds: 1, withinBudget: true, onFront: false)
    }
    // #0 best error, #3 fewest cycles: the front. #1 and #2 are dominated by #0.
    var rows = [row(0, 0.1, 100), row(1, 0.2, 200), row(2, 0.3, 300), row(3, 0.4, 50)]
    SearchDriver.markFront(&rows)
    #expect(rows.map(\.onFront) == [true, false, false, true])
    var lines: [String] = []
    let driver = try SearchDriver(try Self.configuration(dir, output: "u", candidates: 1, emulation: .front), log: { lines.append($0) })
    let emulatedCycles = [0: 250, 1: 210, 2: 400, 3: 500]
    var order: [Int] = []
    var tried = Set<Int>()
    let going = driver.emulateWhereWanted(&rows, tried: &tried, newest: nil) { id in
      order.append(id)
      return CycleMeasurement(cycles: emulatedCycles[id]!, source: "emulated")
    }
    // #0 at 250 lets #1 (200 predicted) on; #1 at 210 stays; #3 at 500 falls behind #0.
    #expect(going && order == [0, 1, 3] && tried == [0, 1, 3])
    #expect(rows.map(\.onFront) == [true, true, false, false])
    #expect(rows.map(\.cyclesEmulated) == [250, 210, nil, 500] && rows.map(\.cycles) == [250, 210, 300, 500])
    #expect(rows[2].cyclesSource == "predicted" && rows[3].cyclesSource == "emulated" && rows[3].cyclesPredicted == 50)
    #expect(lines.contains("#3 emulated: cycles 500 (emulated; predicted 50, -90.0 %), now off the front"))
    #expect(SearchDriver.predictionSummary(rows) == "front: 2 candidates emulated, predicted within 60.0 % (worst #0: predicted 100, emulated 250)")
    // Nothing left to emulate: the source is not asked again.
    #expect(driver.emulateWhereWanted(&rows, tried: &tried, newest: nil) { _ in Issue.record("asked again"); return CycleMeasurement(cycles: 0, source: "emulated") })

    // No emulator: the first answer that is not emulated stops the pass, nothing recorded.
    var fresh = [row(0, 0.1, 100), row(1, 0.4, 50)]
    SearchDriver.markFront(&fresh)
    var none = Set<Int>()
    let stillGoing = driver.emulateWhereWanted(&fresh, tried: &none, newest: nil) { _ in CycleMeasurement(cycles: 7, source: "predicted") }
    #expect(!stillGoing && none == [0] && fresh.allSatisfy { $0.cyclesEmulated == nil && $0.cyclesSource == "predicted" })
  }

  /// A mutator that only ever gives back its input: every draw repeats a measured network.
  struct Unchanging: SearchMutator {
    var draws = 0
    mutating func mutate(_ definition: ProtoTextMessage, network: String) throws -> (definition: ProtoTextMessage, description: String) {
      draws += 1
      return (definition, "nothing (draw \(draws))")
    }
    static func summary(_ definition: ProtoTextMessage, network: String) throws -> String { try NetworkMutator.summary(definition, network: network) }
  }

  /// A trial whose every redraw repeats a measured network is recorded as a repeat of it, after
  /// all its redraws, and not trained again (the same network and seed would train the same).
  @Test func aRepeatedNetworkIsNotTrainedTwice() throws {
    let dir = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: dir) }
    var config = try Self.configuration(dir, output: "a", candidates: 3)
    config.makeMutator = { _ in Unchanging() }
    let rows = try SearchDriver(config).run().rows
    #expect(rows.count == 3)
    #expect(rows[0].failure == nil && rows[0].int8Error != nil)
    for r in rows.dropFirst() {
      #expect(r.failure == "repeats #0 (not trained again)" && r.trainingSeconds == 0 && r.parent == 0)
      #expect(r.mutation == "nothing (draw \(SearchDriver.redraws))" && r.structure == rows[0].structure && !r.onFront)
    }
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("a/candidates/1.nnp").path))
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

  @Test func parentsAreNeitherFailedNorBroken() {
    func row(_ id: Int, _ e: Double?, _ c: Int, flash: Int = 100, within: Bool = true, failure: String? = nil) -> CandidateRecord {
      CandidateRecord(
        id: id, parent: nil, mutation: "", structure: "", cycles: c, flashBytes: flash, ramBytes: 100, floatError: e, int8Error: e,
        trainingSeconds: e == nil ? 0 : 1, withinBudget: within, onFront: false, failure: failure)
    }
    // The front's cheap end, #1, is a broken network at 90 % error: not mutated while #0 is there.
    var rows = [row(0, 0.05, 1000), row(1, 0.9, 100), row(2, 0.02, 50, failure: "diverged")]
    SearchDriver.markFront(&rows)
    #expect(rows.map(\.onFront) == [true, true, false])
    #expect(SearchDriver.parentCandidates(rows) == [0])
    // Only broken ones within budget, a sound one over it: the sound one (the budgets relaxed).
    var over = [row(0, 0.05, 1000, within: false), row(1, 0.9, 100)]
    SearchDriver.markFront(&over)
    #expect(SearchDriver.parentCandidates(over) == [0])
    // Nothing sound at all: the broken front rather than nothing.
    var broken = [row(0, 0.8, 1000), row(1, 0.9, 100)]
    SearchDriver.markFront(&broken)
    #expect(SearchDriver.parentCandidates(broken) == [0, 1])
    // Nothing trained (all rejected before training): the cheapest predicted, never a failed one.
    var untrained = [row(0, nil, 1000, flash: 900, within: false), row(1, nil, 500, flash: 800, within: false), row(2, nil, 0, failure: "x")]
    SearchDriver.markFront(&untrained)
    #expect(SearchDriver.parentCandidates(untrained) == [1])
  }

  @Test func sizesAndDurations() {
    #expect(SearchBudgets.parseBytes("64K") == 65536 && SearchBudgets.parseBytes("1.5M") == 1_572_864 && SearchBudgets.parseBytes("4096") == 4096)
    #expect(SearchBudgets.parseBytes("-1K") == nil && SearchBudgets.parseBytes("K") == nil)
    #expect(SearchBudgets.parseDuration("30m") == 1800 && SearchBudgets.parseDuration("90") == 90 && SearchBudgets.parseDuration("2h") == 7200)
  }
}
