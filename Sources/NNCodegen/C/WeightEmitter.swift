import NNIR

/// Emits every parameter as a `const float` array (flash on a microcontroller), exactly as stored.
struct WeightEmitter {
  let graph: ModelGraph
  let prefix: String

  static func symbol(for name: String, index: Int, prefix: String) -> String {
    "\(prefix)_w\(index)_\(CNames.identifier(name))"
  }

  var parameters: [Int] { graph.parameterIndices }

  var totalBytes: Int { parameters.map { graph.tensors[$0].elementCount * 4 }.reduce(0, +) }

  func header(banner: String) -> String {
    var w = CWriter()
    let guardName = "\(prefix.uppercased())_WEIGHTS_H"
    w.line(banner)
    w.line("#ifndef \(guardName)")
    w.line("#define \(guardName)")
    w.line()
    for t in parameters {
      let info = graph.tensors[t]
      w.line("extern const float \(Self.symbol(for: info.name, index: t, prefix: prefix))[\(info.elementCount)]; /* \(CNames.comment(info.name)) \(info.shape) */")
    }
    w.line()
    w.line("#endif /* \(guardName) */")
    return w.text
  }

  func source(banner: String) -> String {
    var out = banner + "\n#include \"\(prefix)_weights.h\"\n#include <math.h>\n\n"
    for t in parameters {
      let info = graph.tensors[t]
      out += "/* \(CNames.comment(info.name)) \(info.shape) */\n"
      out += "const float \(Self.symbol(for: info.name, index: t, prefix: prefix))[\(info.elementCount)] = {\n"
      let values = info.data?.values ?? []
      var i = 0
      while i < values.count {
        let end = min(i + 8, values.count)
        out += "  " + values[i..<end].map(CNames.float).joined(separator: ", ") + ",\n"
        i = end
      }
      out += "};\n\n"
    }
    return out
  }
}
