import NNImport
import NNIR

/// The `nncompile info` text: networks, inputs/outputs, and per layer shape, parameters and MACs.
public enum ModelInfo {
  public static func text(_ model: ImportedModel, file: String) -> String {
    let g = model.graph
    var out = "\(file)\n"
    out += "  networks: \(model.networkNames.joined(separator: ", "))\n"
    out += "  compiled: network '\(g.name)'" + (model.executorName.map { " (executor '\($0)')" } ?? "") + "\n"
    for t in g.inputs { out += "  input  \(g.tensors[t].name) \(g.tensors[t].shape)" + (g.tensors[t].shape.count == 4 ? model.inputLayout.map { " (\($0))" } ?? "" : "") + "\n" }
    if let layout = model.inputLayout { out += "  input layout: \(layout), as the source framework takes it\n" }
    for t in g.outputs { out += "  output \(g.tensors[t].name) \(g.tensors[t].shape)\n" }
    if g.hasFileQuantizedActivations {
      let rules = g.int8Rules == .tflite ? ", with TFLite Micro's int8 arithmetic" : ""
      out += "  quantization: the file's own int8 scales and zero points\(rules); int8 needs no --calibrate\n"
    } else if g.tensors.contains(where: { $0.quantization?.codes != nil }) {
      out += "  quantization: int8 weights in the file (float activations); float32 uses them dequantized, int8 keeps them and calibrates the activations\n"
    }
    out += "\n"
    let rows = g.nodes.map { n in
      [n.name, n.op.typeName, "\(g.tensors[n.outputs[0]].shape)", "\(Cost.parameterCount(n, in: g))", "\(Cost.macs(n, in: g))"]
    }
    let header = ["layer", "type", "output shape", "params", "MACs"]
    let widths = (0..<5).map { c in ([header[c]] + rows.map { $0[c] }).map(\.count).max() ?? 0 }
    func format(_ r: [String]) -> String {
      r.enumerated().map { c, s in c >= 3 ? String(repeating: " ", count: widths[c] - s.count) + s : s.padding(toLength: widths[c], withPad: " ", startingAt: 0) }
        .joined(separator: "  ")
    }
    out += "  " + format(header) + "\n"
    for r in rows { out += "  " + format(r) + "\n" }
    let params = g.parameterIndices.map { g.tensors[$0].elementCount }.reduce(0, +)
    let macs = Cost.total(g.nodes.map { Cost.macs($0, in: g) })
    out += "\n  total: \(g.nodes.count) layers, \(params) parameters (\(params * 4) bytes float32), \(macs) MACs\n"
    return out
  }
}
