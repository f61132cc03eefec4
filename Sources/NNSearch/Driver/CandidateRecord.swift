import Foundation

/// One row of `results.csv` / `results.json`: a candidate network, what it measured, and whether
/// it fits the budgets and lies on the front.
public struct CandidateRecord: Codable, Sendable, Equatable {
  public var id: Int
  /// The candidate it was mutated from; nil for candidate 0, the file's own network.
  public var parent: Int?
  public var mutation: String
  /// The network's layers in one line (`Conv16(5x5) MaxPool ReLU … FC10`).
  public var structure: String
  public var macs: Int?
  /// The cycles the front, the budgets and the plots use: `cyclesEmulated` when there, else
  /// `cyclesPredicted`.
  public var cycles: Int?
  /// Where `cycles` comes from: `emulated` (QEMU), `predicted` (the cost model) or
  /// `placeholder` (a MACs-based guess, see `CycleSource.placeholder`).
  public var cyclesSource: String?
  /// The cost model's cycles (or the placeholder's), known before training; nil in rows of a
  /// `results.json` written before this column existed (`upgraded()` fills it from `cycles`).
  public var cyclesPredicted: Int?
  /// Cycles of one validation sample on the emulated target (QEMU), for the candidates emulated:
  /// those on the front (the default), all (`--emulate`) or none (`--no-emulate`).
  public var cyclesEmulated: Int?
  /// `cycles` at the target's clock.
  public var milliseconds: Double?
  public var flashBytes: Int?
  /// Arena plus stack (plus the program where it runs from RAM): `CompileReport.Totals.ramBytes`.
  public var ramBytes: Int?
  public var arenaBytes: Int?
  /// Validation error (top-1 for classifiers, else loss) of the float model, and of the int8 model
  /// the C computes (Swift int8 reference, byte-identical to the C).
  public var floatError: Double?
  public var int8Error: Double?
  public var trainingSeconds: Double
  public var withinBudget: Bool
  /// Why not: `flash 70.1 KB > 64 KB; …`, or the failure that stopped the candidate.
  public var budgetNote: String?
  public var onFront: Bool
  /// Set when the candidate could not be trained or compiled (it is then never on the front).
  public var failure: String?

  public init(
    id: Int, parent: Int?, mutation: String, structure: String, macs: Int? = nil, cycles: Int? = nil, cyclesSource: String? = nil,
    cyclesPredicted: Int? = nil, cyclesEmulated: Int? = nil, milliseconds: Double? = nil, flashBytes: Int? = nil, ramBytes: Int? = nil, arenaBytes: Int? = nil, floatError: Double? = nil,
    int8Error: Double? = nil, trainingSeconds: Double, withinBudget: Bool, budgetNote: String? = nil, onFront: Bool, failure: String? = nil
  ) {
    (self.id, self.parent, self.mutation, self.structure, self.macs, self.cycles) = (id, parent, mutation, structure, macs, cycles)
    (self.cyclesPredicted, self.cyclesEmulated) = (cyclesPredicted, cyclesEmulated)
    (self.cyclesSource, self.milliseconds, self.flashBytes, self.ramBytes, self.arenaBytes) = (cyclesSource, milliseconds, flashBytes, ramBytes, arenaBytes)
    (self.floatError, self.int8Error, self.trainingSeconds, self.withinBudget) = (floatError, int8Error, trainingSeconds, withinBudget)
    (self.budgetNote, self.onFront, self.failure) = (budgetNote, onFront, failure)
  }

  /// The error the front and the best-of choices use: int8 when measured, else float.
  public var error: Double? { int8Error ?? floatError }

  /// Trained (and validated): every trained candidate has a float validation error; one rejected
  /// before training (its predicted cost over a budget) or failed before the end of training has none.
  public var trained: Bool { floatError != nil }

  /// Records the cost model's cycles (or the placeholder's); they are `cycles` unless emulated.
  mutating func record(predicted m: CycleMeasurement, clockHz: Int) {
    cyclesPredicted = m.cycles
    if cyclesEmulated == nil { setCycles(m.cycles, source: m.source, clockHz: clockHz) }
  }

  /// Records emulated cycles; they are `cycles` from now on.
  mutating func record(emulated c: Int, clockHz: Int) {
    cyclesEmulated = c
    setCycles(c, source: "emulated", clockHz: clockHz)
  }

  private mutating func setCycles(_ c: Int, source: String, clockHz: Int) {
    (cycles, cyclesSource) = (c, source)
    if clockHz > 0 { milliseconds = Double(c) / Double(clockHz) * 1000 }
  }

  /// A row of a `results.json` written before `cyclesPredicted` and `cyclesEmulated` existed, with
  /// them filled from `cycles` and `cyclesSource`; other rows as they are.
  public func upgraded() -> CandidateRecord {
    guard cyclesPredicted == nil, cyclesEmulated == nil, let c = cycles else { return self }
    var r = self
    if cyclesSource == "emulated" { r.cyclesEmulated = c } else { r.cyclesPredicted = c }
    return r
  }

  /// `(predicted − emulated) / emulated`, when both are known: −0.25 is a prediction 25 % low.
  public var predictionError: Double? {
    guard let p = cyclesPredicted, let e = cyclesEmulated, e > 0 else { return nil }
    return Double(p - e) / Double(e)
  }

  /// The coordinates to minimise, or nil for a candidate that cannot be compared.
  var point: [Double]? {
    guard failure == nil, withinBudget, let e = error, let c = cycles, let f = flashBytes, let r = ramBytes else { return nil }
    return [e, Double(c), Double(f), Double(r)]
  }

  public static let csvHeader = [
    "id", "parent", "mutation", "structure", "macs", "cycles", "cycles_source", "cycles_predicted", "cycles_emulated", "ms", "flash_bytes", "ram_bytes", "arena_bytes",
    "float_error", "int8_error", "training_seconds", "within_budget", "budget_note", "on_front", "failure",
  ]

  public var csvFields: [String] {
    func n<T>(_ v: T?) -> String { v.map { "\($0)" } ?? "" }
    func d(_ v: Double?, _ format: String) -> String { v.map { String(format: format, $0) } ?? "" }
    return [
      "\(id)", n(parent), mutation, structure, n(macs), n(cycles), cyclesSource ?? "", n(cyclesPredicted), n(cyclesEmulated), d(milliseconds, "%.3f"), n(flashBytes), n(ramBytes),
      n(arenaBytes), d(floatError, "%.4f"), d(int8Error, "%.4f"), String(format: "%.1f", trainingSeconds), withinBudget ? "yes" : "no",
      budgetNote ?? "", onFront ? "yes" : "no", failure ?? "",
    ]
  }

  /// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
  static func csvEscape(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  public static func csv(_ rows: [CandidateRecord]) -> String {
    ([csvHeader] + rows.map(\.csvFields)).map { $0.map(csvEscape).joined(separator: ",") + "\n" }.joined()
  }
}

/// Budgets from the command line (`--max-flash 64K --max-ram 16K --max-ms 20`); nil: no limit.
public struct SearchBudgets: Codable, Sendable, Equatable {
  public var flashBytes: Int?
  public var ramBytes: Int?
  public var milliseconds: Double?
  public init(flashBytes: Int? = nil, ramBytes: Int? = nil, milliseconds: Double? = nil) {
    (self.flashBytes, self.ramBytes, self.milliseconds) = (flashBytes, ramBytes, milliseconds)
  }

  /// What exceeds a budget, as `flash 70.1 KB > 64.0 KB`; empty when everything fits.
  public func excesses(flash: Int, ram: Int, milliseconds ms: Double) -> [String] {
    var out: [String] = []
    if let f = flashBytes, flash > f { out.append("flash \(Self.kb(flash)) > \(Self.kb(f))") }
    if let r = ramBytes, ram > r { out.append("RAM \(Self.kb(ram)) > \(Self.kb(r))") }
    if let m = milliseconds, ms > m { out.append(String(format: "time %.2f ms > %g ms", ms, m)) }
    return out
  }

  static func kb(_ bytes: Int) -> String { String(format: "%.1f KB", Double(bytes) / 1024) }

  /// `64K`, `1.5M`, `16384` → bytes (K = 1024).
  public static func parseBytes(_ s: String) -> Int? {
    let units: [Character: Double] = ["K": 1024, "k": 1024, "M": 1_048_576, "m": 1_048_576]
    var text = s.hasSuffix("B") || s.hasSuffix("b") ? String(s.dropLast()) : s
    var scale = 1.0
    if let u = text.last, let f = units[u] { scale = f; text.removeLast() }
    guard let v = Double(text), v.isFinite, v > 0 else { return nil }
    return Int((v * scale).rounded())
  }

  /// `30m`, `2h`, `90s`, `45` (seconds) → seconds.
  public static func parseDuration(_ s: String) -> Double? {
    let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
    var text = s
    var scale = 1.0
    if let u = text.last, let f = units[u] { scale = f; text.removeLast() }
    guard let v = Double(text), v.isFinite, v > 0 else { return nil }
    return v * scale
  }
}
