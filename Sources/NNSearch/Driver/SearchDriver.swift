import Foundation
import NNCompileKit

/// The structure search loop: candidate 0 is the file's own network; each further candidate is a
/// mutation of one chosen (seeded) from the current Pareto front, trained with the file's
/// optimizer, written as `.nnp`, compiled int8 (calibrated on the training data) and measured.
/// Every candidate, 0 included, trains from fresh initial values for the same epochs, so their
/// errors compare (a trained `.nnp`'s own parameter values are not reused).
///
/// Budgets prune before training: with any budget given, a candidate's untrained network (its
/// initial values) is compiled int8 first, calibrated on a few training samples — MACs, predicted
/// cycles, flash, arena and RAM do not depend on the values — and a candidate over a budget is
/// recorded as rejected without being trained (a fraction of a second instead of a training run).
///
/// Cycles are predicted by the cost model for every candidate; the candidates on the Pareto front
/// are then emulated (`SearchEmulation`: front, all or none), their emulated cycles replacing the
/// predicted ones in the front, the budgets and the plots, and the front recomputed (a candidate
/// the emulator finds slower may leave it, and one it dominated come back, to be emulated in turn).
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
    /// How close the front's predicted cycles came to the emulated ones
    /// (`SearchDriver.predictionSummary`); nil when no candidate on the front was emulated.
    public var predictionSummary: String?
  }

  /// A compiled trained candidate and the validation sample its cycles are measured on.
  struct Measured {
    var id: Int
    var compilation: Compilation
    var sample: [FloatTensor]
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

  /// How many times a trial draws a mutation that repeats a measured network (a new parent after
  /// every `redrawsPerParent`) before it gives up and records the trial as a repeat, untrained.
  static let redraws = 20
  static let redrawsPerParent = 5

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
      let previous: SearchResults
      do { previous = try JSONDecoder().decode(SearchResults.self, from: Data(bytes)) } catch {
        // Damaged (a disk filled mid-write, an edit): one line, and nothing in the folder touched.
        throw CompileError(
          file: config.outputPath + "/results.json",
          "error: cannot be read back to resume (\(Self.decodingProblem(error))); repair or remove it, or name a new folder")
      }
      guard previous.seed == config.seed else {
        throw CompileError(
          file: config.outputPath + "/results.json",
          "error: written by a search with --seed \(previous.seed); resume it with that seed (the rows so far came from it) or name a new folder")
      }
      // Rows of an older results.json get the predicted and emulated columns from `cycles`.
      rows = previous.candidates.map { $0.upgraded() }
      // The budgets may differ from the first run's: every measured row is judged by today's.
      for i in rows.indices { judge(&rows[i]) }
      Self.markFront(&rows)
      for r in rows {
        if let text = folder.read("candidates/\(r.id).nntxt"), let d = try? ProtoTextMessage.parse(bytes: text) { definitions[r.id] = d }
      }
      if !rows.isEmpty { log("resuming \(config.outputPath): \(rows.count) candidates already measured") }
    }

    // Emulation: each candidate is tried once per run; the first answer that is not emulated
    // (no QEMU or Arm toolchain) ends it for the run, the cycles staying predicted.
    var emulating = config.emulation != .none
    var tried = Set<Int>()
    var latest: Measured?
    func emulate(newest: Int?) {
      guard emulating else { return }
      emulating = emulateWhereWanted(&rows, tried: &tried, newest: newest) { id in
        let m = try latest.flatMap { $0.id == id ? $0 : nil } ?? measure(id)
        return try config.cycles(m.compilation, m.sample, true)
      }
    }
    emulate(newest: nil)
    if !rows.isEmpty { try writeOutputs(rows) }

    var stoppedBy: String?
    while rows.count < config.candidates {
      if shouldStop() { stoppedBy = "interrupted"; break }
      if let limit = config.timeLimit, Date().timeIntervalSince(started) >= limit { stoppedBy = "time limit"; break }
      let id = rows.count
      var parent: Int?
      var mutation = "none (the file's network)"
      var definition = Self.searchable(base.definition, network: network)
      func summary() -> String { (try? config.summarize(definition, network)) ?? "?" }
      var structure = summary()
      if id > 0 {
        var random = SearchRandom.forTrial(id, seed: config.seed, stream: 1)
        let usable = Self.parentCandidates(rows).filter { definitions[$0] != nil }
        func drawParent() -> Int { usable.isEmpty ? 0 : usable[Int(random.next() % UInt64(usable.count))] }
        var p = drawParent()
        var mutatorSeed = SearchRandom.forTrial(id, seed: config.seed, stream: 2)
        var mutator = config.makeMutator(mutatorSeed.next())
        let start = definition
        var repeated: Int?
        do {
          // A mutation that gives back a network already measured (a width rounded to itself, a
          // change undone, the same block removed from two parents) is drawn again, from another
          // parent after a few, rather than trained twice. Compared by structure line (widths,
          // kernels, strides, layer order): two parents that reach the same network by different
          // edits name its layers differently.
          let seen = Dictionary(rows.filter { definitions[$0.id] != nil }.map { ($0.structure, $0.id) }, uniquingKeysWith: min)
          for attempt in 0..<Self.redraws {
            if attempt > 0, attempt % Self.redrawsPerParent == 0 { p = drawParent() }
            let m = try mutator.mutate(definitions[p] ?? start, network: network)
            (definition, mutation) = (Self.searchable(m.definition, network: network), m.description)
            structure = summary()
            repeated = structure == "?" ? nil : seen[structure]
            if repeated == nil { break }
          }
        } catch {
          rows.append(failed(id: id, parent: p, mutation: "mutation failed", structure: "", "\(error)"))
          try writeOutputs(rows)
          continue
        }
        parent = p
        if let r = repeated {
          rows.append(failed(id: id, parent: p, mutation: mutation, structure: structure, "repeats #\(r) (not trained again)"))
          try writeOutputs(rows)
          log(progressLine(rows[id], of: rows))
          continue
        }
      }
      guard let evaluated = try evaluate(definition, id: id, parent: parent, mutation: mutation, structure: structure, train: train, valid: valid)
      else { stoppedBy = "interrupted"; break }
      let (row, measured) = evaluated
      definitions[id] = definition
      rows.append(row)
      latest = measured
      Self.markFront(&rows)
      emulate(newest: id)
      try writeOutputs(rows)
      log(progressLine(rows[id], of: rows))
    }
    Self.markFront(&rows)
    try writeOutputs(rows)
    return Outcome(rows: rows, stoppedBy: stoppedBy, predictionSummary: Self.predictionSummary(rows))
  }

  /// Emulates, one at a time, the rows `wantsEmulation` picks and `tried` does not hold yet,
  /// recomputing the budgets and the front after each, until none is left: a candidate that the
  /// emulator finds slower may leave the front and let one it dominated back on, which is then
  /// emulated in turn. `emulate` gives candidate `id`'s cycles; an answer that is not `emulated`
  /// means there is no emulator: returns false (emulation is over for the run), else true. A
  /// candidate whose emulation throws keeps its predicted cycles. Logs each candidate emulated
  /// other than `newest` (whose progress line shows its cycles). A stop request (Ctrl-C) ends the
  /// pass early; the rows stay consistent, and a resumed run emulates what is left.
  public func emulateWhereWanted(
    _ rows: inout [CandidateRecord], tried: inout Set<Int>, newest: Int?, emulate: (Int) throws -> CycleMeasurement
  ) -> Bool {
    while !shouldStop(), let i = rows.indices.first(where: { wantsEmulation(rows[$0]) && !tried.contains(rows[$0].id) }) {
      let id = rows[i].id
      tried.insert(id)
      do {
        let c = try emulate(id)
        guard c.source == "emulated" else {
          log("note: no emulator (QEMU and the Arm toolchain); cycles stay predicted")
          return false
        }
        rows[i].record(emulated: c.cycles, clockHz: config.target.clockHz)
        judge(&rows[i])
        Self.markFront(&rows)
        if id != newest { log("#\(id) emulated: " + Self.cycleText(rows[i]) + (rows[i].onFront ? "" : ", now off the front")) }
      } catch {
        log("#\(id): emulation failed, its cycles stay predicted: " + Self.firstLine("\(error)"))
      }
    }
    return true
  }

  /// Whether `r` is to be emulated under `config.emulation`: trained, not yet emulated, and on
  /// the front (or any, with `all`).
  func wantsEmulation(_ r: CandidateRecord) -> Bool {
    r.failure == nil && r.trained && r.cyclesEmulated == nil && (config.emulation == .all || (config.emulation == .front && r.onFront))
  }

  /// Candidate `id`'s trained `.nnp` compiled again, with the first validation sample.
  func measure(_ id: Int) throws -> Measured {
    let compilation = try Driver.compile(modelPath: config.outputPath + "/candidates/\(id).nnp", options: int8Options(config.calibrationSamples))
    return Measured(id: id, compilation: compilation, sample: try firstSample(compilation))
  }

  func int8Options(_ calibrationSamples: Int) -> CompileOptions {
    CompileOptions(
      target: config.target, quantization: "int8", calibrationData: config.trainPath, calibrationSamples: calibrationSamples,
      kernels: config.kernels)
  }

  /// The first validation sample, the one cycles are measured on.
  func firstSample(_ compilation: Compilation) throws -> [FloatTensor] {
    let loader = InputLoader(graph: compilation.model.graph, normalizeImages: compilation.normalizeImages)
    guard let sample = try loader.load(path: config.validPath, maxSamples: 1).first else {
      throw CompileError(file: config.validPath, "error: no validation sample")
    }
    return sample
  }

  /// Sets `withinBudget` and `budgetNote` from the row's flash, RAM and time against today's
  /// budgets. A row rejected before training says so; one that a later run's looser budgets
  /// would admit stays untrained (and off the front), its note saying why.
  func judge(_ row: inout CandidateRecord) {
    guard row.failure == nil, let f = row.flashBytes, let r = row.ramBytes else { return }
    let excess = config.budgets.excesses(flash: f, ram: r, milliseconds: row.milliseconds ?? 0)
    if row.trained {
      row.withinBudget = excess.isEmpty
      row.budgetNote = excess.isEmpty ? nil : "over budget: " + excess.joined(separator: "; ")
    } else {
      row.withinBudget = false
      row.budgetNote = excess.isEmpty
        ? "not trained (over an earlier run's budgets)" : Self.prunedNote + excess.joined(separator: "; ")
    }
  }

  /// How a row rejected before training begins its `budgetNote`.
  public static let prunedNote = "over budget (predicted before training): "

  /// A JSON decoding error in a few words: what is wrong and where.
  static func decodingProblem(_ error: Error) -> String {
    switch error as? DecodingError {
    case .dataCorrupted(let c)?: return c.codingPath.isEmpty ? "not valid JSON" : "bad value at \(path(c.codingPath))"
    case .keyNotFound(let key, let c)?: return "no '\(key.stringValue)'" + (c.codingPath.isEmpty ? "" : " in \(path(c.codingPath))")
    case .typeMismatch(_, let c)?, .valueNotFound(_, let c)?: return "wrong type at \(path(c.codingPath))"
    default: return firstLine("\(error)")
    }
  }

  private static func path(_ keys: [CodingKey]) -> String {
    keys.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined().drop { $0 == "." }.description
  }

  static func firstLine(_ s: String) -> String { s.split(separator: "\n").first.map(String.init) ?? s }

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
      budgetNote: nil, onFront: false, failure: Self.firstLine(why))
  }

  /// Trains, writes, compiles and measures one candidate (with budgets given, first predicts its
  /// cost untrained and rejects it over a budget); nil when interrupted during training (the
  /// candidate is then dropped, to be redone on resume). The compilation comes back for emulation.
  func evaluate(
    _ definition: ProtoTextMessage, id: Int, parent: Int?, mutation: String, structure: String, train: Dataset, valid: Dataset
  ) throws -> (CandidateRecord, Measured?)? {
    var row = failed(id: id, parent: parent, mutation: mutation, structure: structure, "")
    row.failure = nil
    let definitionName = "candidates/\(id).nntxt"
    try folder.write(definitionName, Array(definition.formatted().utf8))
    var measured: Measured?
    do {
      let setup = try TrainingSetup.load(path: config.outputPath + "/" + definitionName, overrides: .init(epochs: config.epochs))
      var session = try TrainingSession(setup: setup, seed: config.seed)
      try session.check(train, file: config.trainPath)
      try session.check(valid, file: config.validPath)
      if config.budgets != SearchBudgets(), let predicted = predictBeforeTraining(setup: setup, session: session, id: id, samples: train.count) {
        apply(predicted.compilation, predicted: predicted.cycles, to: &row)
        let excess = config.budgets.excesses(flash: row.flashBytes ?? 0, ram: row.ramBytes ?? 0, milliseconds: row.milliseconds ?? 0)
        if !excess.isEmpty {
          (row.withinBudget, row.budgetNote) = (false, Self.prunedNote + excess.joined(separator: "; "))
          return (row, nil)
        }
      }
      let clock = Date()
      let outcome = try session.run(train: train, valid: valid, shouldStop: shouldStop)
      row.trainingSeconds = Date().timeIntervalSince(clock)
      if outcome.interrupted { return nil }
      if outcome.bestEpoch == nil { throw TrainingError(outcome.divergence ?? "no epoch completed") }
      row.floatError = outcome.bestValidation.map(Double.init)
      let nnpName = "candidates/\(id).nnp"
      try folder.write(nnpName, try TrainedModelWriter.nnp(setup: setup, parameters: outcome.parameters, dataURI: config.trainPath, samples: train.count))

      let compilation = try Driver.compile(modelPath: config.outputPath + "/" + nnpName, options: int8Options(config.calibrationSamples))
      guard let program = compilation.program else { throw TrainingError("the int8 compile made no program") }
      let samples = try InputLoader(graph: compilation.model.graph, normalizeImages: compilation.normalizeImages).load(path: config.validPath)
      row.int8Error = try int8Error(program: program, samples: samples, valid: valid, session: session)
      guard let sample = samples.first else { throw CompileError(file: config.validPath, "error: no validation sample") }
      apply(compilation, predicted: try config.cycles(compilation, sample, false), to: &row)
      measured = Measured(id: id, compilation: compilation, sample: sample)
      judge(&row)
    } catch {
      row.failure = Self.firstLine("\(error)")
      row.withinBudget = false
    }
    return (row, measured)
  }

  /// The candidate's untrained network (the definition's initial values, as training starts
  /// from) compiled int8, calibrated on a few training samples, and its predicted cycles; nil when
  /// that fails (the candidate is then trained, and the trained compile says what is wrong).
  func predictBeforeTraining(setup: TrainingSetup, session: TrainingSession, id: Int, samples: Int) -> (compilation: Compilation, cycles: CycleMeasurement)? {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("nncompile-search-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: scratch) }
    do {
      try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
      let path = scratch.appendingPathComponent("\(id).nnp").path
      let bytes = try TrainedModelWriter.nnp(setup: setup, parameters: session.trainer.parameters, dataURI: config.trainPath, samples: samples)
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      let compilation = try Driver.compile(modelPath: path, options: int8Options(min(config.calibrationSamples, Self.untrainedCalibrationSamples)))
      return (compilation, try config.cycles(compilation, try firstSample(compilation), false))
    } catch {
      return nil
    }
  }

  /// Training samples an untrained network is calibrated on: its sizes and cycles do not depend
  /// on the calibration, only the compile must succeed.
  static let untrainedCalibrationSamples = 4

  /// MACs, flash, RAM, arena and predicted cycles (and time) of a compiled candidate.
  func apply(_ compilation: Compilation, predicted: CycleMeasurement, to row: inout CandidateRecord) {
    let totals = compilation.report.totals
    (row.macs, row.flashBytes, row.ramBytes, row.arenaBytes) = (totals.macs, totals.flashBytes, totals.ramBytes, totals.arenaBytes)
    row.record(predicted: predicted, clockHz: config.target.clockHz)
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

  /// The ids a trial may mutate, the first of these that is not empty:
  /// 1. the front's sound candidates: not a classifier whose int8 error is `brokenError` or more
  ///    (the front's cheapest end is often a broken network at 90 % error, and mutating it is a
  ///    wasted trial);
  /// 2. while no sound candidate fits the budgets, the sound ones of the front of all trained
  ///    candidates as if there were no budgets (the search then walks from the best trade-offs
  ///    towards the budgets rather than stopping);
  /// 3. the front, then the unconstrained front, broken or not;
  /// 4. of the candidates rejected before training, those with the least predicted cost (cycles ×
  ///    flash × RAM front): the nearest to the budgets, when nothing fits them yet;
  /// 5. every candidate that did not fail.
  /// A failed candidate is never a parent.
  public static func parentCandidates(_ rows: [CandidateRecord]) -> [Int] {
    func sound(_ ids: [Int]) -> [Int] {
      ids.filter { id in rows.first { $0.id == id }.map { ($0.int8Error ?? 0) < brokenError } ?? false }
    }
    let front = rows.filter(\.onFront).map(\.id)
    var unconstrained = rows.filter { $0.failure == nil && $0.error != nil && $0.cycles != nil && $0.flashBytes != nil && $0.ramBytes != nil }
    for i in unconstrained.indices { unconstrained[i].withinBudget = true }
    Self.markFront(&unconstrained)
    let relaxed = unconstrained.filter(\.onFront).map(\.id)
    let untrained = rows.filter { $0.failure == nil && !$0.trained && $0.cycles != nil && $0.flashBytes != nil && $0.ramBytes != nil }
    let cheapest = ParetoFront.indices(untrained.map { [Double($0.cycles!), Double($0.flashBytes!), Double($0.ramBytes!)] }).map { untrained[$0].id }
    for tier in [sound(front), sound(relaxed), front, relaxed, cheapest] where !tier.isEmpty { return tier }
    return rows.filter { $0.failure == nil }.map(\.id)
  }

  /// A classifier's int8 error from which a candidate counts as broken, not to be mutated while
  /// others are below it.
  public static let brokenError = 0.5

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
    if r.cycles != nil { line += " " + Self.cycleText(r) }
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

  /// `cycles 52728 (emulated; predicted 41140, -22.0 %)` when both are known, else
  /// `cycles 41140 (predicted)`.
  static func cycleText(_ r: CandidateRecord) -> String {
    guard let c = r.cycles else { return "cycles ?" }
    if let p = r.cyclesPredicted, let e = r.predictionError, r.cyclesEmulated != nil {
      return String(format: "cycles %d (emulated; predicted %d, %+.1f %%)", c, p, e * 100)
    }
    return "cycles \(c) (\(r.cyclesSource ?? "?"))"
  }

  /// `front: 4 candidates emulated, predicted within 12.3 % (worst #17: predicted 41140, emulated
  /// 46910)`; `front: 3 of 5 candidates emulated, …` when some are not; nil when none is.
  public static func predictionSummary(_ rows: [CandidateRecord]) -> String? {
    let front = rows.filter(\.onFront)
    let both = front.filter { $0.predictionError != nil }
    guard let worst = both.max(by: { (abs($0.predictionError!), $1.id) < (abs($1.predictionError!), $0.id) }) else { return nil }
    let count = both.count == front.count ? "\(both.count)" : "\(both.count) of \(front.count)"
    return "front: \(count) candidate\(front.count == 1 ? "" : "s") emulated, predicted within "
      + String(format: "%.1f %%", abs(worst.predictionError!) * 100)
      + " (worst #\(worst.id): predicted \(worst.cyclesPredicted!), emulated \(worst.cyclesEmulated!))"
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
