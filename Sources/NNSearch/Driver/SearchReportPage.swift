import Foundation

/// `report.html`: one self-contained page (inline SVG and CSS, no script), NNC-style scatter plots
/// of int8 validation error against cycles and against flash, the Pareto front highlighted,
/// joined and labelled with candidate ids, and the results table under them.
enum SearchReportPage {
  static func html(_ rows: [CandidateRecord], title: String, budgets: SearchBudgets) -> String {
    let plotted = rows.filter { $0.failure == nil && $0.error != nil && $0.cycles != nil && $0.flashBytes != nil }
    // How far the cost model's cycles were from the emulator's on the front.
    let prediction = SearchDriver.predictionSummary(rows).map { "<p>Predicted against emulated cycles — \(escape($0)).</p>" } ?? ""
    var page = """
      <!DOCTYPE html>
      <html><head><meta charset="utf-8"><title>\(escape(title))</title>
      <style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;font-size:12px}
      td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}td.l{text-align:left}tr.front{background:#fde8e8}
      svg{border:1px solid #ddd;margin:0 1em 1em 0}</style></head><body>
      <h1>\(escape(title))</h1>
      <p>\(rows.count) candidates, \(rows.filter(\.onFront).count) on the Pareto front (error × cycles × flash × RAM, within budget). \
      Red: on the front; grey: dominated; hollow: over budget.\(budgetText(budgets))</p>
      \(prediction)

      """
    page += scatter(plotted, x: { Double($0.cycles!) }, xLabel: "cycles" + cycleNote(plotted))
    page += scatter(plotted, x: { Double($0.flashBytes!) / 1024 }, xLabel: "flash (KB)")
    page += "\n<table><tr>" + CandidateRecord.csvHeader.map { "<th>\($0)</th>" }.joined() + "</tr>\n"
    for r in rows {
      page += "<tr\(r.onFront ? " class=\"front\"" : "")>"
        + r.csvFields.enumerated().map { k, v in "<td\(leftAligned.contains(k) ? " class=\"l\"" : "")>\(escape(v))</td>" }.joined()
        + "</tr>\n"
    }
    return page + "</table>\n</body></html>\n"
  }

  /// The text columns of the table: mutation, structure, budget note, failure.
  static let leftAligned = Set(["mutation", "structure", "budget_note", "failure"].compactMap { CandidateRecord.csvHeader.firstIndex(of: $0) })

  static func budgetText(_ b: SearchBudgets) -> String {
    var parts: [String] = []
    if let f = b.flashBytes { parts.append("flash ≤ \(SearchBudgets.kb(f))") }
    if let r = b.ramBytes { parts.append("RAM ≤ \(SearchBudgets.kb(r))") }
    if let m = b.milliseconds { parts.append(String(format: "time ≤ %g ms", m)) }
    return parts.isEmpty ? "" : " Budgets: " + parts.joined(separator: ", ") + "."
  }

  static func cycleNote(_ rows: [CandidateRecord]) -> String {
    let sources = Set(rows.compactMap(\.cyclesSource))
    return sources.isEmpty ? "" : " (" + sources.sorted().joined(separator: ", ") + ")"
  }

  /// One 480×320 scatter: error (%) up, `x` across, linear axes from 0 with five ticks each.
  static func scatter(_ rows: [CandidateRecord], x: (CandidateRecord) -> Double, xLabel: String) -> String {
    let (w, h, left, bottom, top, right) = (480.0, 320.0, 56.0, 40.0, 14.0, 16.0)
    let xs = rows.map(x), ys = rows.map { $0.error! * 100 }
    let xMax = niceCeiling(xs.max() ?? 1), yMax = niceCeiling(ys.max() ?? 1)
    func px(_ v: Double) -> Double { left + v / xMax * (w - left - right) }
    func py(_ v: Double) -> Double { h - bottom - v / yMax * (h - bottom - top) }
    var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" font-size=\"11\">\n"
    svg += "<line x1=\"\(left)\" y1=\"\(h - bottom)\" x2=\"\(w - right)\" y2=\"\(h - bottom)\" stroke=\"#000\"/>"
    svg += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(h - bottom)\" stroke=\"#000\"/>\n"
    for k in 0...4 {
      let vx = xMax * Double(k) / 4, vy = yMax * Double(k) / 4
      svg += "<text x=\"\(f(px(vx)))\" y=\"\(h - bottom + 14)\" text-anchor=\"middle\">\(tick(vx))</text>"
      svg += "<text x=\"\(left - 4)\" y=\"\(f(py(vy) + 4))\" text-anchor=\"end\">\(tick(vy))</text>\n"
    }
    svg += "<text x=\"\(f((left + w - right) / 2))\" y=\"\(h - 6)\" text-anchor=\"middle\">\(escape(xLabel))</text>"
    svg += "<text x=\"12\" y=\"\(f((top + h - bottom) / 2))\" transform=\"rotate(-90 12 \(f((top + h - bottom) / 2)))\" text-anchor=\"middle\">int8 error (%)</text>\n"
    let front = rows.indices.filter { rows[$0].onFront }.sorted { xs[$0] < xs[$1] }
    if front.count > 1 {
      svg += "<polyline fill=\"none\" stroke=\"#d33\" stroke-dasharray=\"4 3\" points=\""
        + front.map { "\(f(px(xs[$0]))),\(f(py(ys[$0])))" }.joined(separator: " ") + "\"/>\n"
    }
    for i in rows.indices {
      let r = rows[i]
      let color = r.onFront ? "#d33" : "#888"
      let fill = r.withinBudget ? color : "none"
      svg += "<circle cx=\"\(f(px(xs[i])))\" cy=\"\(f(py(ys[i])))\" r=\"\(r.onFront ? 5 : 3.5)\" fill=\"\(fill)\" stroke=\"\(color)\">"
        + "<title>#\(r.id) \(escape(r.structure)): error \(String(format: "%.2f", ys[i]))%, \(escape(xLabel)) \(tick(xs[i]))</title></circle>"
      if r.onFront { svg += "<text x=\"\(f(px(xs[i]) + 6))\" y=\"\(f(py(ys[i]) - 6))\" fill=\"#d33\">#\(r.id)</text>" }
      svg += "\n"
    }
    return svg + "</svg>\n"
  }

  /// The smallest 1, 2 or 5 × 10ⁿ at or above `v` (positive), so ticks read as round numbers.
  static func niceCeiling(_ v: Double) -> Double {
    guard v > 0, v.isFinite else { return 1 }
    let p = pow(10, floor(log10(v)))
    return [1.0, 2, 2.5, 5, 10].map { $0 * p }.first { $0 >= v }!
  }

  static func tick(_ v: Double) -> String {
    if v >= 1e6 { return String(format: "%.3gM", v / 1e6) }
    if v >= 1e4 { return String(format: "%.3gk", v / 1e3) }
    return String(format: "%.3g", v)
  }

  static func f(_ v: Double) -> String { String(format: "%.1f", v) }

  static func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
      .replacingOccurrences(of: "\"", with: "&quot;")
  }
}
