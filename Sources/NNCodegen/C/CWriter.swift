import NNIR

/// An indentation-aware builder for C source text.
struct CWriter {
  private(set) var text = ""
  private var depth = 0

  mutating func line(_ s: String = "") {
    text += s.isEmpty ? "\n" : String(repeating: "  ", count: depth) + s + "\n"
  }

  mutating func lines(_ ss: [String]) { for s in ss { line(s) } }

  /// `head {` … `}` with the body indented.
  mutating func block(_ head: String, _ tail: String = "}", _ body: (inout CWriter) -> Void) {
    line(head + " {")
    depth += 1
    body(&self)
    depth -= 1
    line(tail)
  }
}

/// C naming helpers.
public enum CNames {
  /// True for a valid C identifier (letters, digits, `_`, not starting with a digit).
  public static func isIdentifier(_ s: String) -> Bool {
    guard let first = s.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
    return s.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
  }

  /// A valid C identifier fragment from any model name (`conv1/conv/W` → `conv1_conv_W`).
  static func identifier(_ name: String) -> String {
    var s = String(name.unicodeScalars.map { c -> Character in
      (c.properties.isASCIIHexDigit || ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_")
        && c.isASCII ? Character(c) : "_"
    })
    if let first = s.first, first.isNumber { s = "_" + s }
    return s.isEmpty ? "_" : s
  }

  /// A C float literal that reads back as exactly `value` (Swift prints the shortest round-trip form).
  static func float(_ value: Float) -> String { CLiteral.float(value) }

  /// A C comment-safe version of a string (no `*/`, one line).
  static func comment(_ s: String) -> String {
    s.replacingOccurrences(of: "*/", with: "* /").replacingOccurrences(of: "\n", with: " ")
  }
}
