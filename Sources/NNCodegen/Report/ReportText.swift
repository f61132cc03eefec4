import Foundation

/// `report.txt` and the compile's terminal summary: plain text, numbers grouped by thousands.
extension CompileReport {
  /// The full report: a table with one row per step, then the totals and the notes.
  public var text: String {
    var out = "\(model): network '\(network)', \(quantization), target \(target.name), planner \(planner)\n\n"
    let header = ["step", "layer", "op", "output", "MACs", "weights", "bias", "requant", "arena offset", "bytes"]
    let rows = layers.map { l in
      [
        "\(l.step)", l.name, l.op, "\(l.outputType) \(l.outputShape)", grouped(l.macs), grouped(l.weightBytes),
        grouped(l.biasBytes), grouped(l.requantizationBytes),
        l.output.map { grouped($0.offset) + (l.reusesInput ? " (reuses input)" : "") } ?? "input memory",
        l.output.map { grouped($0.bytes) } ?? "-",
      ]
    }
    let rightAligned: Set<Int> = [0, 4, 5, 6, 7, 9]
    let widths = header.indices.map { c in ([header[c]] + rows.map { $0[c] }).map(\.count).max() ?? 0 }
    func format(_ row: [String]) -> String {
      row.enumerated().map { c, s in
        let pad = String(repeating: " ", count: widths[c] - s.count)
        return rightAligned.contains(c) ? pad + s : s + pad
      }.joined(separator: "  ")
    }
    out += "  " + format(header) + "\n"
    for row in rows { out += "  " + format(row) + "\n" }
    out += "\n" + summaryLines.map { "  " + $0 + "\n" }.joined()
    if !notes.isEmpty { out += "\n" + notes.map { "  note: \($0)\n" }.joined() }
    return out
  }

  /// The totals in a few lines: what the terminal shows after a compile.
  public var summaryLines: [String] {
    let t = totals
    var flash = "flash: \(grouped(t.flashBytes)) B = weights \(grouped(t.weightBytes)) + bias \(grouped(t.biasBytes))"
    if t.requantizationBytes > 0 { flash += " + requantization \(grouped(t.requantizationBytes))" }
    flash += " + code ~\(grouped(t.codeBytesEstimate))" + budgetText(t.flashUsePercent, target.flashBytes)
    var ram = "RAM:   \(grouped(t.ramBytes)) B = arena \(grouped(t.arenaBytes)) + stack ~\(grouped(t.stackBytesEstimate))"
    if target.programRunsFromRAM { ram += " + program image ~\(grouped(t.flashBytes)) (runs from RAM)" }
    ram += budgetText(t.ramUsePercent, target.ramBytes)
    let gap = t.arenaBytes - t.arenaLowerBound
    return [
      "\(layers.count) steps, \(grouped(t.macs)) MACs",
      flash,
      ram,
      "arena: \(grouped(t.arenaBytes)) B, lower bound \(grouped(t.arenaLowerBound)) B"
        + (gap > 0 ? " (+\(grouped(gap)))" : " (optimal)") + ", planner \(planner)",
    ] + (predictedCycles.map { ["cycles: ~\(grouped($0)) per call (predicted by the Cortex-M4F cost model, not emulated)"] } ?? [])
  }

  private func budgetText(_ percent: Double?, _ budget: Int) -> String {
    guard let percent else { return "" }
    return ", \(formatPercent(percent)) of \(grouped(budget))"
  }
}

/// `1234567` → `1,234,567`.
public func grouped(_ value: Int) -> String {
  let digits = String(value.magnitude)
  var out = ""
  for (i, c) in digits.enumerated() {
    if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
    out.append(c)
  }
  return (value < 0 ? "-" : "") + out
}

/// One decimal, or two below 1% so a small model does not read as 0.0%.
func formatPercent(_ p: Double) -> String {
  String(format: p < 1 ? "%.2f%%" : "%.1f%%", p)
}
