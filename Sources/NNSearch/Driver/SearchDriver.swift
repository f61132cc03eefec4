import Foundation
import NNCompileKit

/// The structure search loop: candidate 0 is the file's own network; each further candidate is a
/// mutation of one chosen (seeded) from the current Pareto front, trained with the file's
/// optimizer, written as `.nnp`, compiled int8 (calibrated on the training data) and measured.
/// Every candidate, 0 included, trains from fresh initial values for the same epochs, so their
/// errors compare (a trained `.nnp`'s own parameter values are not reused).
///
/// After every candidate `results.csv`, `results.json`, `report.html` and `best/*.nnp` are
/// rewritten, so an interrupted run keeps everything measured so far; run again on the same
/// folder, it reads `results.json` and continues with the next candidate number. Each trial's
/// random choices come from the seed and the trial's number alone (`SearchRandom.forTrial`), so a
/// resumed run draws what an uninterrupted one would have.
public struct SearchDriver {
  public struct Outcome {
    public var rows: [CandidateRecord]
    /// Why the loop ended before `candidates`: `interrupted`, `time limit`; nil when it did not.
    public var stoppedBy: String?
  }

  let config: SearchConfiguration
  let folder: GrowingOutputFolder
  let log: (String) -> Void
  let shouldStop: () -> Bool

  public init(_ config: SearchConfiguration, log: @escaping (String) -> Void = { _ in }, shouldStop: @escaping () -> Bool = { false }) throws {
    self.config = config
    self.log = log
    self.shouldStop = shouldStop
    folder = try GrowingOutputFolder(config.outputPath, inputs: [config.modelPath, config.trainPath, config.validPath], force: config.force)
  }

  /// How many times a trial draws a mutation that repeats a measured network before keeping it.
  static let redraws = 5

  public func run() throws -> Outcome {
    let started = Date()
    let overrides = TrainingSetup.Overrides(epochs: config.epochs)
    let base = try TrainingSetup.load(path: config.modelPath, overrides: overrides)
    let network = base.networkName
    let train = try loadDataset(config.trainPath, normalize: base.normalizeImages)
    let valid = try loadDataset(config.validPath, normalize: base.normalizeImages)

    var rows: [CandidateRecord] = []
    var definitions: [Int: ProtoTextMessage] = [:]
    if let bytes = folder.read("results.json") {
      let previous = try JSONDecoder().decode(SearchResults.self, from: Data(bytes))
      guard previous.seed == config.seed else {
        throw CompileError(
          file: config.outputPath + "/results.json",
          "error: written by a search with --seed \(previous.seed); resume it with that seed (the rows so far came from it) or name a new folder")
      }
      rows = previous.candidates
      // The budgets may differ from the first run's: every measured row is judged by today's.
      for i in rows.indices where rows[i].failure == nil {
        guard let f = rows[i].flashBytes, let r = rows[i].ramBytes else { continue }
        let excess = config.budgets.excesses(flash: f, ram: r, milliseconds: rows[i].milliseconds ?? 0)
        rows[i].withinBudget = excess.isEmpty
        rows[i].budgetNote = excess.isEmpty ? nil : "over budget: " + excess.joined(separator: "; ")
      }
      Self.markFront(&rows)
      for r in rows {
        if let text = folder.read("candidates/\(r.id).nntxt"), let d = try? ProtoTextMessage.parse(bytes: text) { definitions[r.id] = d }
      }
      if !rows.isEmpty { log("resuming \(config.outputPath): \(rows.count) candidates already measured") }
    }

    var stoppedBy: String?
    while rows.count < config.candidates {
      if shouldStop() { stoppedBy = "interrupted"; break }
      if let limit = config.timeLimit, Date().timeIntervalSince(started) >= limit { stoppedBy = "time limit"; break }
      let id = rows.count
      var parent: Int?
      var mutation = "none (the file's network)"
      var definition = Self.searchable(base.definition, network: network)
      if id > 0 {
        var random = SearchRandom.forTrial(id, seed: config.seed, stream: 1)
        let usable = Self.parentCandidates(rows).filter { definitions[$0] != nil }
        let p = usable.isEmpty ? 0 : usable[Int(random.next() % UInt64(usable.count))]
        parent = p
        var mutatorSeed = SearchRandom.forTrial(id, seed: config.seed, stream: 2)
        var mutator = config.makeMutator(mutatorSeed.next())
        do {
          // A mutation that gives back a network already measured (a width rounded to itself, a
          // change undone) is drawn again, a few times, rather than trained twice.
          let seen = Set(definitions.values.map { $0.formatted() })
          for _ in 0..<Self.redraws {
            let m = try mutator.mutate(definitions[p] ?? definition, network: network)
            (definition, mutation) = (Self.searchable(m.definition, network: network), m.description)
            if !seen.contains(definition.formatted()) { break }
          }
        } catch {
          rows.append(failed(id: id, parent: p, mutation: "mutation failed", structure: "", "\(error)"))
          try writeOutputs(rows)
          continue
        }
      }
      let structure = (try? config.summarize(definition, network)) ?? "?"
      guard let row = try evaluate(definition, id: id, parent: parent, mutation: mutation, structure: structure, train: train, valid: valid)
      else { stoppedBy = "interrupted"; break }
      definitions[id] = definition
      rows.append(row)
      Self.markFront(&rows)
      try writeOutputs(rows)
      log(progressLine(rows[id], of: rows))
    }
    Self.markFront(&rows)
    try writeOutputs(rows)
    return Outcome(rows: rows, stoppedBy: stoppedBy)
  }

  func loadDataset(_ path: String, normalize: Bool) throws -> Dataset {
    do { return try Dataset.load(path: path, normalizeImages: normalize) } catch let e as DatasetError {
      throw CompileError(file: e.location(fallback: path), "error: \(e.message)")
    } catch let e as CompileError { throw e } catch { throw CompileError(file: path, wrapping: error) }
  }

  /// The definition with only `network` among the networks and no executor, so the trained
  /// `.nnp` gets a fresh `<network>Runtime` and executor that match the mutated network (the file's
  /// own runtime network would not); monitors of other networks go too.
  static func searchable(_ definition: ProtoTextMessage, network: String) -> ProtoTextMessage {
    ProtoTextMessage(fields: definition.fields.filter { f in
      guard case .message(let m) = f.value else { return true }
      switch f.name {
      case "network": return (try? m.string("name")) == network
      case "executor": return false
      case "monitor": return (try? m.string("network_name")) == network
      default: return true
      }
    })
  }

  func failed(id: Int, parent: Int?, mutation: String, structure: String, _ why: String) -> CandidateRecord {
    CandidateRecord(
      id: id, parent: parent, mutation: mutation, structure: structure, trainingSeconds: 0, withinBudget: false,
      budgetNote: nil, onFront: false, failure: why.split(separator: "\n").first.map(String.init) ?? why)
  }

  /// Trains, writes, compiles and measures one candidate; nil when interrupted during training
  /// (the candidate is then dropped, to be redone on resume).
  func evaluate(
    _ definition: ProtoTextMessage, id: Int, parent: Int?, mutation: String, structure: String, train: Dataset, valid: Dataset
  ) throws -> CandidateRecord? {
    var row = failed(id: id, parent: parent, mutation: mutation, structure: structure, "")
    row.failure = nil
    let definitionName = "candidates/\(id).nntxt"
    try folder.write(definitionName, Array(definition.formatted().utf8))
    do {
      let setup = try TrainingSetup.load(path: config.outputPath + "/" + definitionName, overrides: .init(epochs: config.epochs))
      var session = try TrainingSession(setup: setup, seed: config.seed)
      try session.check(train, file: config.trainPath)
      try session.check(valid, file: config.validPath)
      let clock = Date()
      let outcome = try session.run(train: train, valid: valid, shouldStop: shouldStop)
      row.trainingSeconds = Date().timeIntervalSince(clock)
      if outcome.interrupted { return nil }
      if outcome.bestEpoch == nil { throw TrainingError(outcome.divergence ?? "no epoch completed") }
      row.floatError = outcome.bestValidation.map(Double.init)
      let nnpName = "candidates/\(id).nnp"
      try folder.write(nnpName, try TrainedModelWriter.nnp(setup: setup, parameters: outcome.parameters, dataURI: config.trainPath, samples: train.count))

      let compilation = try Driver.compile(
        modelPath: config.outputPath + "/" + nnpName,
        options: CompileOptions(
          target: config.target, quantization: "int8", calibrationData: config.trainPath, calibrationSamples: config.calibrationSamples))
      guard let program = compilation.program else { throw TrainingError("the int8 compile made no program") }
      let totals = compilation.report.totals
      (row.macs, row.flashBytes, row.ramBytes, row.arenaBytes) = (totals.macs, totals.flashBytes, totals.ramBytes, totals.arenaBytes)

      let samples = try InputLoader(graph: compilation.model.graph, normalizeImages: compilation.normalizeImages).load(path: config.validPath)
      row.int8Error = try int8Error(program: program, samples: samples, valid: valid, session: session)
      if let sample = samples.first {
        let c = try config.cycles(compilation, sample, config.emulate)
        (row.cycles, row.cyclesSource) = (c.cycles, c.source)
        if config.target.clockHz > 0 { row.milliseconds = Double(c.cycles) / Double(config.target.clockHz) * 1000 }
      }
      let excess = config.budgets.excesses(flash: totals.flashBytes, ram: totals.ramBytes, milliseconds: row.milliseconds ?? 0)
      row.withinBudget = excess.isEmpty
      row.budgetNote = excess.isEmpty ? nil : "over budget: " + excess.joined(separator: "; ")
    } catch {
      row.failure = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
      row.withinBudget = false
    }
    return row
  }

  /// Top-1 (or binary) error of the int8 program on the validation samples, against the labels
  /// of the session's loss; nil for networks scored by loss (regression, autoencoders).
  func int8Error(program: Int8Program, samples: [[FloatTensor]], valid: Dataset, session: TrainingSession) throws -> Double? {
    let g = session.setup.graph.graph
    guard let term = session.setup.graph.losses.first, session.metric != .loss else { return nil }
    let column = session.setup.column(for: g.tensors[term.label].name)
    guard let k = valid.variables.firstIndex(where: { $0.name == column }), valid.count == samples.count, !samples.isEmpty else {
      return nil
    }
    let per = valid.variables[k].elementCount
    var wrong = 0
    for (s, sample) in samples.enumerated() {
      let out = Int8ProgramInterpreter.run(program, inputs: sample)[0].values
      let label = Array(valid.data[k][(s * per)..<((s + 1) * per)])
      switch session.metric {
      case .topOneError:
        let best = out.indices.max { out[$0] < out[$1] } ?? 0
        if best != Int(label[0]) { wrong += 1 }
      case .binaryError(let threshold):
        if zip(out, label).contains(where: { ($0 > threshold) != ($1 > 0.5) }) { wrong += 1 }
      case .loss: break
      }
    }
    return Double(wrong) / Double(samples.count)
  }

  /// The ids a trial may mutate: the front; while no candidate fits the budgets, the front of all
  /// measured candidates as if there were none (the search then walks from the best trade-offs
  /// towards the budgets rather than stopping); failing that, every candidate that did not fail.
  public static func parentCandidates(_ rows: [CandidateRecord]) -> [Int] {
    let front = rows.filter(\.onFront).map(\.id)
    if !front.isEmpty { return front }
    var unconstrained = rows.filter { $0.failure == nil && $0.error != nil && $0.cycles != nil && $0.flashBytes != nil && $0.ramBytes != nil }
    for i in unconstrained.indices { unconstrained[i].withinBudget = true }
    Self.markFront(&unconstrained)
    let relaxed = unconstrained.filter(\.onFront).map(\.id)
    return relaxed.isEmpty ? rows.filter { $0.failure == nil }.map(\.id) : relaxed
  }

  /// Sets `onFront` on every row: the Pareto front of the comparable (measured, within budget) ones.
  public static func markFront(_ rows: inout [CandidateRecord]) {
    let comparable = rows.indices.compactMap { i in rows[i].point.map { (i, $0) } }
    let front = Set(ParetoFront.indices(comparable.map(\.1)).map { comparable[$0].0 })
    for i in rows.indices { rows[i].onFront = front.contains(i) }
  }

  func progressLine(_ r: CandidateRecord, of rows: [CandidateRecord]) -> String {
    var line = "candidate \(r.id + 1) of \(config.candidates) (#\(r.id)): \(r.structure)"
    if r.parent != nil { line += " [\(r.mutation) of #\(r.parent!)]" }
    if let failure = r.failure { return line + ": failed: \(failure)" }
    if let e = r.error { line += String(format: " error %.2f%%", e * 100) }
    if let c = r.cycles { line += " cycles \(c) (\(r.cyclesSource ?? "?"))" }
    if let ms = r.milliseconds { line += String(format: " %.2f ms", ms) }
    if let f = r.flashBytes, let m = r.ramBytes { line += " flash \(SearchBudgets.kb(f)) RAM \(SearchBudgets.kb(m))" }
    if let note = r.budgetNote { line += " — \(note)" }
    if let best = rows.filter({ $0.withinBudget && $0.error != nil }).min(by: { $0.error! < $1.error! }) {
      line += String(format: " — best so far #%d error %.2f%%", best.id, best.error! * 100)
    } else {
      line += " — none within budget so far"
    }
    return line
  }

  func writeOutputs(_ rows: [CandidateRecord]) throws {
    let results = SearchResults(
      generator: OwnOutputs.generator, model: config.modelPath, target: config.target.name, seed: config.seed, budgets: config.budgets,
      candidates: rows)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try folder.write("results.json", Array(try encoder.encode(results)))
    try folder.write("results.csv", Array(CandidateRecord.csv(rows).utf8))
    let title = "nncompile search: \(URL(fileURLWithPath: config.modelPath).lastPathComponent) on \(config.target.name)"
    try folder.write("report.html", Array(SearchReportPage.html(rows, title: title, budgets: config.budgets).utf8))
    for (name, id) in Self.bestPicks(rows, budgets: config.budgets) {
      guard let bytes = folder.read("candidates/\(id).nnp") else { continue }
      try folder.write("best/\(name).nnp", bytes)
    }
  }

  /// `best/<name>.nnp` → candidate: the lowest error within each budget given (`flash-64KB`,
  /// `ram-16KB`, `ms-20`) and within all of them (`within-budget`), and the front's extremes
  /// (`min-error`, `min-cycles`, `min-flash`). Ties go to the lower id.
  public static func bestPicks(_ rows: [CandidateRecord], budgets: SearchBudgets) -> [(name: String, id: Int)] {
    let measured = rows.filter { $0.failure == nil && $0.error != nil && $0.cycles != nil && $0.flashBytes != nil && $0.ramBytes != nil }
    func lowest(_ rows: [CandidateRecord], _ key: (CandidateRecord) -> Double) -> Int? {
      rows.min { (key($0), $0.id) < (key($1), $1.id) }?.id
    }
    var picks: [(String, Int?)] = []
    if let f = budgets.flashBytes { picks.append(("flash-\(budgetName(f))", lowest(measured.filter { $0.flashBytes! <= f }) { $0.error! })) }
    if let r = budgets.ramBytes { picks.append(("ram-\(budgetName(r))", lowest(measured.filter { $0.ramBytes! <= r }) { $0.error! })) }
    if let m = budgets.milliseconds {
      picks.append((String(format: "ms-%g", m), lowest(measured.filter { ($0.milliseconds ?? .infinity) <= m }) { $0.error! }))
    }
    if budgets != SearchBudgets() { picks.append(("within-budget", lowest(measured.filter(\.withinBudget)) { $0.error! })) }
    let front = measured.filter(\.onFront)
    picks.append(("min-error", lowest(front) { $0.error! }))
    picks.append(("min-cycles", lowest(front) { Double($0.cycles!) }))
    picks.append(("min-flash", lowest(front) { Double($0.flashBytes!) }))
    return picks.compactMap { name, id in id.map { (name, $0) } }
  }

  /// `65536` → `64KB`, `1572864` → `1.5MB`, `1000` → `1000B`.
  static func budgetName(_ bytes: Int) -> String {
    if bytes >= 1 << 20, bytes % (1 << 18) == 0 { return String(format: "%gMB", Double(bytes) / Double(1 << 20)) }
    if bytes % 256 == 0 { return String(format: "%gKB", Double(bytes) / 1024) }
    return "\(bytes)B"
  }
}
