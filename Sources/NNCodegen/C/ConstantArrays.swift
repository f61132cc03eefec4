import NNIR

/// The `const` arrays of a model (flash): float weights, or int8 weights and tables, int32 biases,
/// multipliers and shifts, and the float parameters of ops an int8 model runs in float.
///
/// An int8 or int32 array equal to one already written (same type, same values) is not written
/// again: the request returns the first one's symbol. A recurrent layer expands into one Affine
/// and one set of lookup tables per time step, and most of those are the same bytes.
struct ConstantArrays {
  let prefix: String
  /// The symbol of each array written, by its type and values.
  private var symbolOfContents: [String: String] = [:]
  private var declarations: [String] = []
  private var definitions: [String] = []
  private(set) var totalBytes = 0
  /// Of `totalBytes`, the requantization multipliers and shifts and the lookup tables.
  private(set) var requantizationBytes = 0
  /// Of `totalBytes`, the int32 biases.
  private(set) var biasBytes = 0

  /// The bytes written so far, split as the compile report shows them.
  var tally: ConstantBytes {
    ConstantBytes(weights: totalBytes - requantizationBytes - biasBytes, bias: biasBytes, requantization: requantizationBytes)
  }

  init(prefix: String) { self.prefix = prefix }

  /// The symbol of the parameter tensor `index` called `name`.
  static func symbol(for name: String, index: Int, prefix: String) -> String {
    "\(prefix)_w\(index)_\(CNames.identifier(name))"
  }

  private mutating func add(_ type: String, _ name: String, _ comment: String, _ values: [String], bytes: Int) {
    declarations.append("extern const \(type) \(name)[\(values.count)]; /* \(CNames.comment(comment)) */")
    definitions.append("/* \(CNames.comment(comment)) */\nconst \(type) \(name)[\(values.count)] = {\n" + CLiteral.arrayBody(values) + "};\n")
    totalBytes += values.count * bytes
  }

  /// The symbol of an equal array written before, or nil after recording `name` as the one for
  /// these contents (the caller then writes it).
  private mutating func existing(_ type: String, _ values: [String], else name: String) -> String? {
    let key = type + "[" + values.joined(separator: ",") + "]"
    if let symbol = symbolOfContents[key] { return symbol }
    symbolOfContents[key] = name
    return nil
  }

  mutating func int8(_ stem: String, _ comment: String, _ values: [Int8], requantization: Bool = false) -> String {
    let name = "\(prefix)_\(stem)"
    let literals = values.map(String.init)
    if let symbol = existing("int8_t", literals, else: name) { return symbol }
    add("int8_t", name, comment, literals, bytes: 1)
    if requantization { requantizationBytes += values.count }
    return name
  }

  mutating func int32(_ stem: String, _ comment: String, _ values: [Int32], requantization: Bool = false) -> String {
    let name = "\(prefix)_\(stem)"
    let literals = values.map(CLiteral.int32)
    if let symbol = existing("int32_t", literals, else: name) { return symbol }
    if requantization { requantizationBytes += 4 * values.count } else { biasBytes += 4 * values.count }
    add("int32_t", name, comment, literals, bytes: 4)
    return name
  }

  /// A float array under the exact symbol `name` (parameters keep their tensor's symbol).
  mutating func float(_ name: String, _ comment: String, _ values: [Float]) {
    add("float", name, comment, values.map(CNames.float), bytes: 4)
  }

  func header(banner: String) -> String {
    let guardName = "\(prefix.uppercased())_WEIGHTS_H"
    return ([banner, "#ifndef \(guardName)", "#define \(guardName)", "", "#include <stdint.h>", ""] + declarations
      + ["", "#endif /* \(guardName) */", ""]).joined(separator: "\n")
  }

  /// `<math.h>` for the `NAN` / `HUGE_VALF` a float weight may be written as.
  func source(banner: String) -> String {
    "\(banner)\n#include \"\(prefix)_weights.h\"\n#include <math.h>\n\n" + definitions.joined(separator: "\n")
  }
}

/// The `const` bytes of a step (or a whole model) as emitted: weights (int8, packed int8 or
/// float), int32 biases, and requantization multipliers, shifts and tables.
public struct ConstantBytes: Sendable, Equatable {
  public var weights: Int
  public var bias: Int
  public var requantization: Int

  static func - (a: ConstantBytes, b: ConstantBytes) -> ConstantBytes {
    ConstantBytes(weights: a.weights - b.weights, bias: a.bias - b.bias, requantization: a.requantization - b.requantization)
  }
}
