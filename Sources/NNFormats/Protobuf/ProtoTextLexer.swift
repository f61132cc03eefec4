/// Splits protobuf text-format bytes into tokens, tracking line and column for error messages.
struct ProtoTextLexer {
  enum Kind: Equatable {
    case identifier
    /// An unsigned number literal; a leading `-` is a separate symbol, as in protobuf's tokenizer.
    case number
    /// A quoted string; `text` holds it unescaped.
    case string
    case symbol(UInt8)
    case end
  }

  struct Token {
    var kind: Kind
    var text: String
    var line: Int
    var column: Int

    /// How the token reads in an error message.
    var summary: String {
      switch kind {
      case .identifier: return "'\(text)'"
      case .number: return "number \(text)"
      case .string: return "string \"\(text.count > 40 ? String(text.prefix(40)) + "…" : text)\""
      case .symbol(let c): return "'\(Character(Unicode.Scalar(c)))'"
      case .end: return "end of input"
      }
    }
  }

  private let bytes: [UInt8]
  private var position = 0
  private var line = 1
  private var lineStart = 0
  /// UTF-8 continuation bytes passed on the current line, so columns count characters, not bytes.
  private var continuationBytes = 0

  init(bytes: [UInt8]) {
    self.bytes = bytes
    // A byte-order mark is not part of the text; some Windows tools write one.
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3; lineStart = 3 }
  }

  private var column: Int { position - lineStart - continuationBytes + 1 }

  func error(line: Int, column: Int, _ message: String) -> FormatError {
    FormatError("prototext", "line \(line), column \(column): \(message)")
  }

  private func byte(at i: Int) -> UInt8? { i < bytes.count ? bytes[i] : nil }

  /// The next token; `.end` at the end of input (and again on every later call).
  mutating func next() throws -> Token {
    skipSpaceAndComments()
    let startLine = line, startColumn = column
    func token(_ kind: Kind, _ text: String = "") -> Token {
      Token(kind: kind, text: text, line: startLine, column: startColumn)
    }
    guard let c = byte(at: position) else { return token(.end) }
    if Self.isIdentifierStart(c) {
      let start = position
      while let d = byte(at: position), Self.isIdentifierStart(d) || Self.isDigit(d) { position += 1 }
      return token(.identifier, String(decoding: bytes[start..<position], as: UTF8.self))
    }
    if Self.isDigit(c) || (c == UInt8(ascii: ".") && byte(at: position + 1).map(Self.isDigit) == true) {
      return token(.number, try number(line: startLine, column: startColumn))
    }
    if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
      return token(.string, try string(quote: c, line: startLine, column: startColumn))
    }
    guard c >= 0x21, c < 0x7F else {
      let shown = c < 0x80 ? "byte 0x\(String(c, radix: 16))" : "non-ASCII character"
      throw error(line: startLine, column: startColumn, "unexpected \(shown) outside a string")
    }
    position += 1
    return token(.symbol(c))
  }

  private mutating func skipSpaceAndComments() {
    while let c = byte(at: position) {
      switch c {
      case UInt8(ascii: "\n"):
        position += 1
        line += 1
        lineStart = position
        continuationBytes = 0
      case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0B, 0x0C:
        position += 1
      case UInt8(ascii: "#"):
        // The newline itself is left for the case above, which counts the line.
        while let d = byte(at: position), d != UInt8(ascii: "\n") { position += 1 }
      default:
        return
      }
    }
  }

  /// Scans `123`, `1.5`, `.5`, `1e-08`, `2.5f`, `0x1F`; anything glued on after is an error.
  private mutating func number(line: Int, column: Int) throws -> String {
    let start = position
    func digits(_ accept: (UInt8) -> Bool) -> Int {
      let from = position
      while let d = byte(at: position), accept(d) { position += 1 }
      return position - from
    }
    if byte(at: position) == UInt8(ascii: "0"), let x = byte(at: position + 1), x | 0x20 == UInt8(ascii: "x") {
      position += 2
      if digits(Self.isHexDigit) == 0 {
        throw error(line: line, column: column, "hexadecimal number has no digits")
      }
    } else {
      _ = digits(Self.isDigit)
      if byte(at: position) == UInt8(ascii: ".") {
        position += 1
        _ = digits(Self.isDigit)
      }
      if let e = byte(at: position), e | 0x20 == UInt8(ascii: "e") {
        position += 1
        if let s = byte(at: position), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { position += 1 }
        if digits(Self.isDigit) == 0 {
          throw error(line: line, column: column, "number has an exponent without digits")
        }
      }
      if let f = byte(at: position), f | 0x20 == UInt8(ascii: "f") { position += 1 }
    }
    if let d = byte(at: position), Self.isIdentifierStart(d) || Self.isDigit(d) || d == UInt8(ascii: ".") {
      while let d = byte(at: position), Self.isIdentifierStart(d) || Self.isDigit(d) || d == UInt8(ascii: ".") {
        position += 1
      }
      let text = String(decoding: bytes[start..<position], as: UTF8.self)
      throw error(line: line, column: column, "invalid number '\(text)'")
    }
    return String(decoding: bytes[start..<position], as: UTF8.self)
  }

  /// Scans a quoted string and unescapes it (C escapes, octal `\101`, hex `\x41`, `\u`/`\U`).
  private mutating func string(quote: UInt8, line: Int, column: Int) throws -> String {
    position += 1
    var out: [UInt8] = []
    while true {
      guard let c = byte(at: position), c != UInt8(ascii: "\n") else {
        throw error(line: line, column: column, "unterminated string (missing closing \(Character(Unicode.Scalar(quote))))")
      }
      position += 1
      if c == quote { break }
      if c & 0xC0 == 0x80 { continuationBytes += 1 }
      guard c == UInt8(ascii: "\\") else {
        out.append(c)
        continue
      }
      let escapeColumn = self.column - 1
      guard let e = byte(at: position), e != UInt8(ascii: "\n") else {
        throw error(line: line, column: column, "unterminated string (missing closing \(Character(Unicode.Scalar(quote))))")
      }
      position += 1
      switch e {
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "a"): out.append(0x07)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "v"): out.append(0x0B)
      case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "?"): out.append(e)
      case UInt8(ascii: "0")...UInt8(ascii: "7"):
        var value = Int(e - UInt8(ascii: "0"))
        for _ in 0..<2 {
          guard let d = byte(at: position), d >= UInt8(ascii: "0"), d <= UInt8(ascii: "7") else { break }
          value = value * 8 + Int(d - UInt8(ascii: "0"))
          position += 1
        }
        guard value <= 0xFF else {
          throw error(line: self.line, column: escapeColumn, "octal escape \\\(String(value, radix: 8)) is larger than a byte")
        }
        out.append(UInt8(value))
      case UInt8(ascii: "x"), UInt8(ascii: "X"):
        let value = hexValue(maxDigits: 2)
        guard value.digits > 0 else {
          throw error(line: self.line, column: escapeColumn, "\\x escape without hexadecimal digits")
        }
        out.append(UInt8(value.value))
      case UInt8(ascii: "u"), UInt8(ascii: "U"):
        let count = e == UInt8(ascii: "u") ? 4 : 8
        let value = hexValue(maxDigits: count)
        guard value.digits == count, let scalar = Unicode.Scalar(UInt32(value.value)) else {
          throw error(line: self.line, column: escapeColumn, "invalid \\\(Character(Unicode.Scalar(e))) escape (needs \(count) hex digits naming a Unicode scalar)")
        }
        out.append(contentsOf: Array(String(Character(scalar)).utf8))
      default:
        let shown = e < 0x80 ? String(Character(Unicode.Scalar(e))) : "non-ASCII"
        throw error(line: self.line, column: escapeColumn, "unknown escape '\\\(shown)' in string")
      }
    }
    // Strings may hold bytes (\xFF) meant for `bytes` fields; repair rather than reject them,
    // since a reader that cares can only look at fields it knows are text.
    return String(decoding: out, as: UTF8.self)
  }

  private mutating func hexValue(maxDigits: Int) -> (value: Int, digits: Int) {
    var value = 0, count = 0
    while count < maxDigits, let d = byte(at: position), let v = Character(Unicode.Scalar(d)).hexDigitValue,
      d < 0x80
    {
      value = value * 16 + v
      count += 1
      position += 1
    }
    return (value, count)
  }

  static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
  static func isHexDigit(_ c: UInt8) -> Bool {
    isDigit(c) || (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "f"))
  }
  static func isIdentifierStart(_ c: UInt8) -> Bool {
    (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "z")) || c == UInt8(ascii: "_")
  }
}
