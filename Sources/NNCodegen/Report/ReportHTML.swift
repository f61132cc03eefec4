import Foundation

/// `report.html`: one self-contained page (inline CSS and SVG, no scripts, nothing fetched) that
/// is also well-formed XML, so a test can parse it.
///
/// - budget bars for flash and RAM;
/// - the memory timeline: arena offset (up) × step (across), each buffer a rectangle over its
///   lifetime, the live-bytes curve and the lower bound as lines;
/// - per-step bars of MACs and weight bytes;
/// - the table of `report.txt`.
extension CompileReport {
  public var html: String {
    var h = """
      <!DOCTYPE html>
      <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
      <head>
      <meta charset="utf-8"/>
      <title>\(esc(model)) — nncompile report</title>
      <style>\(Self.css)</style>
      </head>
      <body>
      <h1>\(esc(model))</h1>
      <p class="sub">network ‘\(esc(network))’ · \(esc(quantization)) · target \(esc(target.name)) · planner \(esc(planner))</p>

      """
    h += cards
    h += "<h2>Memory timeline</h2>\n<p class=\"sub\">Each rectangle is an arena buffer over the steps it holds live data; "
    h += "the dark line is the bytes live at each step, the dashed line the lower bound no placement can beat.</p>\n"
    h += timeline
    h += "<h2>Per layer</h2>\n"
    h += "<div class=\"bars\">\(bars(title: "MACs", values: layers.map(\.macs), color: "#4c78a8"))"
    h += bars(title: "const bytes (weights + bias + requantization)", values: layers.map { $0.weightBytes + $0.biasBytes + $0.requantizationBytes }, color: "#f58518")
    h += "</div>\n"
    h += table
    if !notes.isEmpty {
      h += "<h2>Notes</h2>\n<ul>\n" + notes.map { "<li>\(esc($0))</li>\n" }.joined() + "</ul>\n"
    }
    h += "<p class=\"sub\">Estimates (~) come from the measured Cortex-M4F size and stack of the runtime kernels.</p>\n"
    return h + "</body>\n</html>\n"
  }

  // MARK: - Parts

  private var cards: String {
    let t = totals
    func card(_ title: String, _ value: String, _ detail: String, _ percent: Double?) -> String {
      var c = "<div class=\"card\"><div class=\"k\">\(esc(title))</div><div class=\"v\">\(esc(value))</div><div class=\"d\">\(esc(detail))</div>"
      if let percent {
        let width = min(percent, 100)
        let tone = percent > 100 ? "over" : percent > 80 ? "warn" : "ok"
        c += "<div class=\"meter\"><div class=\"fill \(tone)\" style=\"width:\(String(format: "%.2f", width))%\"></div></div>"
        c += "<div class=\"d\">\(formatPercent(percent)) of budget</div>"
      }
      return c + "</div>\n"
    }
    var ramDetail = "arena \(grouped(t.arenaBytes)) + stack ~\(grouped(t.stackBytesEstimate))"
    if target.programRunsFromRAM { ramDetail += " + program image (runs from RAM)" }
    return "<div class=\"cards\">\n"
      + card("Flash", "\(grouped(t.flashBytes)) B", "weights \(grouped(t.weightBytes)) + bias \(grouped(t.biasBytes)) + requant \(grouped(t.requantizationBytes)) + code ~\(grouped(t.codeBytesEstimate))", t.flashUsePercent)
      + card("RAM", "\(grouped(t.ramBytes)) B", ramDetail, t.ramUsePercent)
      + card("Arena", "\(grouped(t.arenaBytes)) B", "lower bound \(grouped(t.arenaLowerBound)) B", nil)
      + card("Work", "\(grouped(t.macs)) MACs", "\(layers.count) steps", nil)
      + "</div>\n"
  }

  private var timeline: String {
    let steps = max(layers.count + 1, 1)
    let (left, top, width, height) = (70.0, 20.0, 760.0, 320.0)
    let arena = Double(max(totals.arenaBytes, totals.arenaLowerBound, 1))
    func x(_ step: Int) -> Double { left + width * Double(step) / Double(steps) }
    func y(_ bytes: Int) -> Double { top + height - height * Double(bytes) / arena }
    var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(f(left + width + 20)) \(f(top + height + 50))\" role=\"img\">\n"
    s += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(width))\" height=\"\(f(height))\" class=\"frame\"/>\n"
    for (i, b) in buffers.enumerated() {
      let hue = (i * 137) % 360
      s += "<rect x=\"\(f(x(b.firstStep)))\" y=\"\(f(y(b.offset + b.bytes)))\" width=\"\(f(x(b.lastStep + 1) - x(b.firstStep)))\" "
      s += "height=\"\(f(max(y(b.offset) - y(b.offset + b.bytes), 1)))\" fill=\"hsl(\(hue),60%,70%)\" stroke=\"hsl(\(hue),50%,40%)\">"
      s += "<title>\(esc(b.tensors.joined(separator: ", "))): \(grouped(b.bytes)) B at offset \(grouped(b.offset)), steps \(b.firstStep)–\(b.lastStep)</title></rect>\n"
    }
    // Bytes live at each step: the curve the lower bound is the maximum of.
    var points: [String] = []
    for step in 0..<steps {
      let live = buffers.filter { $0.firstStep <= step && step <= $0.lastStep }.map(\.bytes).reduce(0, +)
      points += ["\(f(x(step))),\(f(y(live)))", "\(f(x(step + 1))),\(f(y(live)))"]
    }
    s += "<polyline points=\"\(points.joined(separator: " "))\" class=\"live\"/>\n"
    s += "<line x1=\"\(f(left))\" y1=\"\(f(y(totals.arenaLowerBound)))\" x2=\"\(f(left + width))\" y2=\"\(f(y(totals.arenaLowerBound)))\" class=\"bound\"/>\n"
    s += "<text x=\"\(f(left - 6))\" y=\"\(f(top + height))\" class=\"axis end\">0</text>\n"
    s += "<text x=\"\(f(left - 6))\" y=\"\(f(top + 8))\" class=\"axis end\">\(grouped(totals.arenaBytes))</text>\n"
    let tick = max(1, steps / 20)
    for step in stride(from: 0, to: steps, by: tick) {
      s += "<text x=\"\(f((x(step) + x(step + 1)) / 2))\" y=\"\(f(top + height + 16))\" class=\"axis mid\">\(step)</text>\n"
    }
    s += "<text x=\"\(f(left + width / 2))\" y=\"\(f(top + height + 38))\" class=\"axis mid\">step (the last column: outputs copied out)</text>\n"
    s += "<text x=\"14\" y=\"\(f(top + height / 2))\" class=\"axis mid\" transform=\"rotate(-90 14 \(f(top + height / 2)))\">arena offset (bytes)</text>\n"
    return s + "</svg>\n"
  }

  private func bars(title: String, values: [Int], color: String) -> String {
    let rowHeight = 18.0, labelWidth = 190.0, barWidth = 260.0
    let maxValue = Double(max(values.max() ?? 0, 1))
    let height = rowHeight * Double(values.count) + 28
    var s = "<div><h3>\(esc(title))</h3>\n<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(f(labelWidth + barWidth + 90)) \(f(height))\">\n"
    for (i, v) in values.enumerated() {
      let yy = Double(i) * rowHeight + 4
      let label = "\(layers[i].step) \(layers[i].name)"
      s += "<text x=\"\(f(labelWidth - 6))\" y=\"\(f(yy + 12))\" class=\"axis end\">\(esc(String(label.prefix(28))))</text>\n"
      s += "<rect x=\"\(f(labelWidth))\" y=\"\(f(yy + 2))\" width=\"\(f(barWidth * Double(v) / maxValue))\" height=\"\(f(rowHeight - 5))\" fill=\"\(color)\"><title>\(esc(layers[i].name)): \(grouped(v))</title></rect>\n"
      s += "<text x=\"\(f(labelWidth + barWidth * Double(v) / maxValue + 4))\" y=\"\(f(yy + 12))\" class=\"axis\">\(grouped(v))</text>\n"
    }
    return s + "</svg></div>\n"
  }

  private var table: String {
    var s = "<table>\n<thead><tr><th>step</th><th>layer</th><th>op</th><th>output</th><th>MACs</th><th>weights</th><th>bias</th><th>requant</th><th>arena offset</th><th>bytes</th></tr></thead>\n<tbody>\n"
    for l in layers {
      let offset = l.output.map { grouped($0.offset) + (l.reusesInput ? " ↺" : "") } ?? "input"
      s += "<tr><td class=\"n\">\(l.step)</td><td>\(esc(l.name))</td><td>\(esc(l.op))</td><td>\(esc("\(l.outputType) \(l.outputShape)"))</td>"
      s += "<td class=\"n\">\(grouped(l.macs))</td><td class=\"n\">\(grouped(l.weightBytes))</td><td class=\"n\">\(grouped(l.biasBytes))</td>"
      s += "<td class=\"n\">\(grouped(l.requantizationBytes))</td><td class=\"n\">\(offset)</td><td class=\"n\">\(l.output.map { grouped($0.bytes) } ?? "-")</td></tr>\n"
    }
    let t = totals
    s += "<tr class=\"total\"><td></td><td>total</td><td></td><td></td><td class=\"n\">\(grouped(t.macs))</td><td class=\"n\">\(grouped(t.weightBytes))</td>"
    s += "<td class=\"n\">\(grouped(t.biasBytes))</td><td class=\"n\">\(grouped(t.requantizationBytes))</td><td class=\"n\">arena</td><td class=\"n\">\(grouped(t.arenaBytes))</td></tr>\n"
    return s + "</tbody>\n</table>\n<p class=\"sub\">↺ the output takes its input’s bytes (in place, or a reshape alias).</p>\n"
  }

  private static let css = """
    body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2330;margin:2em auto;max-width:1100px;padding:0 1em}\
    h1{font-size:1.5em;margin:0}h2{font-size:1.15em;margin-top:1.8em}h3{font-size:.95em;margin:.4em 0}\
    .sub{color:#667;margin:.2em 0 1em}\
    .cards{display:flex;flex-wrap:wrap;gap:12px}.card{flex:1 1 220px;border:1px solid #dde;border-radius:8px;padding:10px 14px;background:#fafbfd}\
    .k{color:#667;font-size:.85em;text-transform:uppercase;letter-spacing:.05em}.v{font-size:1.4em;font-weight:600}.d{color:#556;font-size:.85em}\
    .meter{height:8px;background:#e6e8ef;border-radius:4px;margin:6px 0 2px;overflow:hidden}.fill{height:100%}\
    .ok{background:#54a24b}.warn{background:#eeca3b}.over{background:#e45756}\
    .chart{width:100%;height:auto}.frame{fill:#fbfbfd;stroke:#ccd}.live{fill:none;stroke:#1d2330;stroke-width:1.5}\
    .bound{stroke:#e45756;stroke-dasharray:6 4;stroke-width:1.5}\
    .axis{font-size:11px;fill:#556}.end{text-anchor:end}.mid{text-anchor:middle}\
    .bars{display:grid;grid-template-columns:1fr 1fr;gap:16px}\
    table{border-collapse:collapse;width:100%;margin-top:1em;font-size:.9em}th,td{padding:3px 8px;border-bottom:1px solid #eef}\
    th{text-align:left;background:#f3f4f8}.n{text-align:right;font-variant-numeric:tabular-nums}.total td{font-weight:600;border-top:2px solid #ccd}
    """
}

/// Text and attribute content, escaped for HTML and XML alike.
private func esc(_ s: String) -> String {
  var out = ""
  for c in s {
    switch c {
    case "&": out += "&amp;"
    case "<": out += "&lt;"
    case ">": out += "&gt;"
    case "\"": out += "&quot;"
    case "'": out += "&#39;"
    default: out.append(c)
    }
  }
  return out
}

private func f(_ v: Double) -> String { String(format: "%.1f", v) }
