/// Parses protobuf text format (nnabla `.nntxt`, Neural Network Console `.prototxt`) into
/// `ProtoTextMessage` trees without a schema.
///
/// Accepts what protobuf's own parsers accept plus the quirks real exporters write: a colon
/// before a message (`shape: { … }`), `<` `>` delimiters, list values (`dim: [1, 2]`),
/// `,`/`;` after fields, `#` comments and adjacent string literals joined together.
struct ProtoTextParser {
  /// Deeper nesting than any real model needs; bounds recursion on hostile input.
  static let maxDepth = 100

  private var lexer: ProtoTextLexer
  private var token: ProtoTextLexer.Token

  init(bytes: [UInt8]) throws {
    lexer = ProtoTextLexer(bytes: bytes)
    token = try lexer.next()
  }

  /// The whole input as the body of the top-level message.
  mutating func parseFile() throws -> ProtoTextMessage {
    try parseBody(depth: 0, opener: nil)
  }

  private mutating func advance() throws { token = try lexer.next() }

  private func error(_ message: String) -> FormatError {
    lexer.error(line: token.line, column: token.column, message)
  }

  private func isSymbol(_ c: Character) -> Bool {
    token.kind == .symbol(c.asciiValue ?? 0)
  }

  /// Fields up to the closing delimiter matching `opener` (or the end of input at top level).
  private mutating func parseBody(depth: Int, opener: ProtoTextLexer.Token?) throws -> ProtoTextMessage {
    let closing: UInt8? = opener.map { $0.kind == .symbol(UInt8(ascii: "<")) ? UInt8(ascii: ">") : UInt8(ascii: "}") }
    var fields: [ProtoTextMessage.Field] = []
    while true {
      switch token.kind {
      case .end:
        if let opener, let closing {
          throw error("expected '\(Character(Unicode.Scalar(closing)))' to close the message opened at line \(opener.line), column \(opener.column), found end of input")
        }
        return ProtoTextMessage(fields: fields)
      case .symbol(let c) where c == closing:
        try advance()
        return ProtoTextMessage(fields: fields)
      case .symbol(UInt8(ascii: "}")), .symbol(UInt8(ascii: ">")):
        guard let opener, let closing else { throw error("unexpected \(token.summary) with no message open") }
        throw error("expected '\(Character(Unicode.Scalar(closing)))' to close the message opened at line \(opener.line), column \(opener.column), found \(token.summary)")
      default:
        try parseField(into: &fields, depth: depth)
      }
    }
  }

  /// `name: value`, `name { … }`, `name: [v, …]`, with an optional `,` or `;` after it.
  private mutating func parseField(into fields: inout [ProtoTextMessage.Field], depth: Int) throws {
    let nameToken = token
    let name = try parseFieldName()
    func add(_ value: ProtoTextValue) {
      fields.append(.init(name: name, value: value, line: nameToken.line, column: nameToken.column))
    }
    if isSymbol(":") {
      try advance()
      if isSymbol("[") {
        try parseList(name: name, depth: depth).forEach(add)
      } else {
        add(try parseValue(name: name, depth: depth))
      }
    } else if isSymbol("{") || isSymbol("<") {
      add(.message(try parseMessage(depth: depth)))
    } else if isSymbol("[") {
      // Without a colon only messages may follow; the list holds messages then.
      try parseList(name: name, depth: depth).forEach(add)
    } else {
      throw error("expected ':' or '{' after field name '\(name)', found \(token.summary)")
    }
    if isSymbol(",") || isSymbol(";") { try advance() }
  }

  /// A plain name, or a bracketed extension / `Any` type name such as `[type.googleapis.com/a.B]`.
  private mutating func parseFieldName() throws -> String {
    if token.kind == .identifier {
      let name = token.text
      try advance()
      return name
    }
    guard isSymbol("[") else {
      throw error("expected a field name, found \(token.summary)")
    }
    try advance()
    var name = "["
    while !isSymbol("]") {
      guard token.kind == .identifier || isSymbol(".") || isSymbol("/") else {
        throw error("expected an extension name and ']', found \(token.summary)")
      }
      name += token.kind == .identifier ? token.text : String(token.summary.dropFirst().dropLast())
      try advance()
    }
    try advance()
    return name + "]"
  }

  /// `[v, v, …]`; an empty list adds no values.
  private mutating func parseList(name: String, depth: Int) throws -> [ProtoTextValue] {
    let open = token
    try advance()
    var values: [ProtoTextValue] = []
    if isSymbol("]") {
      try advance()
      return values
    }
    while true {
      values.append(try parseValue(name: name, depth: depth))
      if isSymbol(",") {
        try advance()
      } else if isSymbol("]") {
        try advance()
        return values
      } else {
        throw error("expected ',' or ']' in the list opened at line \(open.line), column \(open.column), found \(token.summary)")
      }
    }
  }

  /// A nested message, a string (adjacent literals joined), a number or an identifier.
  private mutating func parseValue(name: String, depth: Int) throws -> ProtoTextValue {
    switch token.kind {
    case .symbol(UInt8(ascii: "{")), .symbol(UInt8(ascii: "<")):
      return .message(try parseMessage(depth: depth))
    case .string:
      var text = token.text
      try advance()
      while token.kind == .string {
        text += token.text
        try advance()
      }
      return .string(text)
    case .number:
      let text = token.text
      try advance()
      return .number(text)
    case .identifier:
      let text = token.text
      try advance()
      return ProtoTextNumber.isSpecialFloat(text) ? .number(text) : .identifier(text)
    case .symbol(UInt8(ascii: "-")):
      try advance()
      guard token.kind == .number || (token.kind == .identifier && ProtoTextNumber.isSpecialFloat(token.text)) else {
        throw error("expected a number after '-' for field '\(name)', found \(token.summary)")
      }
      let text = "-" + token.text
      try advance()
      return .number(text)
    default:
      throw error("expected a value for field '\(name)', found \(token.summary)")
    }
  }

  /// `{ … }` or `< … >`, one level deeper.
  private mutating func parseMessage(depth: Int) throws -> ProtoTextMessage {
    guard depth < Self.maxDepth else {
      throw error("messages nested deeper than \(Self.maxDepth) levels")
    }
    let opener = token
    try advance()
    return try parseBody(depth: depth + 1, opener: opener)
  }
}
