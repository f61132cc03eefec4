/// What a function needs to write the C of one call: its tensors' shapes and C expressions, and a
/// place for the `static const` parameter structs and constant arrays it precomputes. The C
/// emitter provides it (for float models and, for int8 and data-movement kernels, int8 ones).
public protocol CFunctionCall {
  /// The node's name, for comments and errors.
  var name: String { get }
  /// `float32`, or `int8` for `.dataMovement` and `.custom` int8 kernels.
  var elementType: ElementType { get }
  var inputCount: Int { get }
  var outputCount: Int { get }
  func inputShape(_ k: Int) -> [Int]
  func outputShape(_ k: Int) -> [Int]
  /// The C expression of input `k`'s data (`const float *` / `const int8_t *`).
  func input(_ k: Int) -> String
  /// The C expression of output `k`'s data.
  func output(_ k: Int) -> String
  /// True when output `k` shares its bytes with input `j` (an alias or in place).
  func sharesBytes(output k: Int, input j: Int) -> Bool
  /// Adds `static const <type> <name> = { .field = value, … };` and returns its name.
  mutating func parameterStruct(_ type: String, _ stem: String, _ fields: [(String, String)]) -> String
  /// Adds a `const` array in flash and returns its symbol.
  mutating func constantInt8(_ stem: String, _ values: [Int8]) -> String
  mutating func constantInt16(_ stem: String, _ values: [Int16]) -> String
  mutating func constantInt32(_ stem: String, _ values: [Int32]) -> String
  mutating func constantFloat(_ stem: String, _ values: [Float]) -> String
}

extension CFunctionCall {
  public func inputCount(_ k: Int) -> Int { inputShape(k).reduce(1, *) }
  public func outputCount(_ k: Int) -> Int { outputShape(k).reduce(1, *) }
  /// `nnc_<stem>_f32` or `nnc_<stem>_s8` for the call's element type.
  public func kernel(_ stem: String) -> String { "nnc_\(stem)_\(elementType == .int8 ? "s8" : "f32")" }
  /// The C element type name.
  public var cType: String { elementType == .int8 ? "int8_t" : "float" }

}

/// C spellings shared by the emitter and the functions.
public enum CLiteral {
  /// The most axes the generic data-movement kernels take (`NNC_MAX_DIMS`).
  public static let maxRank = 6

  /// A float literal C reads back as exactly `x`: Swift's shortest round-trip decimal plus `f`.
  public static func float(_ value: Float) -> String {
    if value.isNaN { return "NAN" }
    if value.isInfinite { return value < 0 ? "(-HUGE_VALF)" : "HUGE_VALF" }
    var s = "\(value)"
    if !s.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") }) { s += ".0" }
    return s + "f"
  }

  /// `{1, 2, 3, 0, 0, 0}`: an array field of `maxRank` entries.
  public static func dims<T: BinaryInteger>(_ values: [T], padding: T = 0) -> String {
    let padded = values.map { "\($0)" } + [String](repeating: "\(padding)", count: max(0, maxRank - values.count))
    return "{" + padded.joined(separator: ", ") + "}"
  }

  /// An `int32_t` literal that is right on 16-bit-int targets too (INT32_MIN has no literal form).
  public static func int32(_ value: Int32) -> String {
    value == Int32.min ? "(-INT32_C(2147483647) - 1)" : "INT32_C(\(value))"
  }

  /// The body of an array initializer: 16 values per line, each line indented and ending in ",".
  public static func arrayBody(_ values: [String]) -> String {
    stride(from: 0, to: values.count, by: 16).map { i in
      "  " + values[i..<min(i + 16, values.count)].joined(separator: ", ") + ",\n"
    }.joined()
  }

  /// `{.a = 1, .b = 2}`.
  public static func designated(_ fields: [(String, String)]) -> String {
    "{" + fields.map { ".\($0.0) = \($0.1)" }.joined(separator: ", ") + "}"
  }
}
