/// One value in a protobuf text-format message, kept as written so the reader can type it later.
///
/// Text format carries no schema, so numbers stay literals until an accessor (`int`, `double`, …)
/// knows which type the field has.
public enum ProtoTextValue: Sendable, Equatable {
  /// A numeric literal as written, sign included: `"-1"`, `"1e-08"`, `"0x10"`, `"2.5f"`, `"inf"`.
  case number(String)
  /// A string literal, unescaped; adjacent literals (`"a" "b"`) are already joined.
  case string(String)
  /// A bare word: an enum constant or a boolean (`CONSTANT`, `true`, `False`).
  case identifier(String)
  /// A nested message (`name { … }` or `name < … >`).
  case message(ProtoTextMessage)

  /// A short description for error messages, e.g. `number 1.5` or `identifier FOO`.
  var summary: String {
    switch self {
    case .number(let n): return "number \(n)"
    case .string(let s): return "string \"\(s.count > 40 ? String(s.prefix(40)) + "…" : s)\""
    case .identifier(let i): return "identifier \(i)"
    case .message: return "a message"
    }
  }
}

/// A protobuf text-format message: its fields in file order, repeated names kept.
public struct ProtoTextMessage: Sendable, Equatable {
  /// One `name: value` entry, with where it was written so typed accessors can point at it.
  public struct Field: Sendable, Equatable {
    public var name: String
    public var value: ProtoTextValue
    /// 1-based line and column of the field name; 0 when the field was built in code.
    public var line: Int
    public var column: Int

    public init(name: String, value: ProtoTextValue, line: Int = 0, column: Int = 0) {
      self.name = name
      self.value = value
      self.line = line
      self.column = column
    }

    /// Equality ignores the position: two messages are equal when they say the same thing.
    public static func == (lhs: Field, rhs: Field) -> Bool {
      lhs.name == rhs.name && lhs.value == rhs.value
    }
  }

  /// The fields in the order they appear.
  public var fields: [Field]

  public init(fields: [Field] = []) {
    self.fields = fields
  }

  /// Parses a whole text-format file; its top level is a message body without braces.
  public static func parse(_ text: String) throws -> ProtoTextMessage {
    var parser = try ProtoTextParser(bytes: Array(text.utf8))
    return try parser.parseFile()
  }

  /// Parses text-format UTF-8 bytes, as read from a file.
  public static func parse(bytes: [UInt8]) throws -> ProtoTextMessage {
    var parser = try ProtoTextParser(bytes: bytes)
    return try parser.parseFile()
  }

  // MARK: - Lookup

  /// All values of the fields called `name`, in order.
  public func values(_ name: String) -> [ProtoTextValue] {
    fields.compactMap { $0.name == name ? $0.value : nil }
  }

  /// All message values of the fields called `name`; scalar values with that name are skipped.
  public func messages(_ name: String) -> [ProtoTextMessage] {
    fields.compactMap { field in
      guard field.name == name, case .message(let m) = field.value else { return nil }
      return m
    }
  }

  /// The first message value of the field called `name`.
  public func message(_ name: String) -> ProtoTextMessage? {
    for field in fields where field.name == name {
      if case .message(let m) = field.value { return m }
    }
    return nil
  }

  /// The first field called `name`.
  public func field(_ name: String) -> Field? {
    fields.first { $0.name == name }
  }

  // MARK: - Typed accessors

  /// The first value of `name` as a string; an error if it is present but not a string literal.
  public func string(_ name: String) throws -> String? {
    guard let field = field(name) else { return nil }
    return try Self.string(field)
  }

  /// All values of `name` as strings.
  public func strings(_ name: String) throws -> [String] {
    try fields.filter { $0.name == name }.map(Self.string)
  }

  /// The first value of `name` as an integer (`-1`, `0x10`, octal `010`); an error if it is not
  /// an integer literal or does not fit in 64 bits.
  public func int(_ name: String) throws -> Int? {
    guard let field = field(name) else { return nil }
    return try Self.int(field)
  }

  /// All values of `name` as integers (a repeated field, written once per value or as a list).
  public func ints(_ name: String) throws -> [Int] {
    try fields.filter { $0.name == name }.map(Self.int)
  }

  /// The first value of `name` as a floating-point number; integers, `inf`, `nan` and a trailing
  /// `f` are accepted.
  public func double(_ name: String) throws -> Double? {
    guard let field = field(name) else { return nil }
    return try Self.double(field)
  }

  /// All values of `name` as floating-point numbers.
  public func doubles(_ name: String) throws -> [Double] {
    try fields.filter { $0.name == name }.map(Self.double)
  }

  /// The first value of `name` as a boolean: `true`/`True`/`t`/`1` or `false`/`False`/`f`/`0`.
  public func bool(_ name: String) throws -> Bool? {
    guard let field = field(name) else { return nil }
    switch field.value {
    case .identifier("true"), .identifier("True"), .identifier("t"), .number("1"): return true
    case .identifier("false"), .identifier("False"), .identifier("f"), .number("0"): return false
    default: throw Self.typeError(field, "a boolean")
    }
  }

  private static func string(_ field: Field) throws -> String {
    guard case .string(let s) = field.value else { throw typeError(field, "a string") }
    return s
  }

  private static func int(_ field: Field) throws -> Int {
    guard case .number(let literal) = field.value else { throw typeError(field, "an integer") }
    switch ProtoTextNumber.integer(literal) {
    case .value(let v): return v
    case .outOfRange: throw error(field, "integer \(literal) does not fit in 64 bits")
    case .notInteger: throw typeError(field, "an integer")
    }
  }

  private static func double(_ field: Field) throws -> Double {
    let literal: String
    switch field.value {
    case .number(let n): literal = n
    case .identifier(let i) where ProtoTextNumber.isSpecialFloat(i): literal = i
    default: throw typeError(field, "a number")
    }
    guard let v = ProtoTextNumber.double(literal) else { throw typeError(field, "a number") }
    return v
  }

  private static func typeError(_ field: Field, _ expected: String) -> FormatError {
    error(field, "expected \(expected), found \(field.value.summary)")
  }

  private static func error(_ field: Field, _ message: String) -> FormatError {
    let place = field.line > 0 ? "line \(field.line), column \(field.column): " : ""
    return FormatError("prototext", "\(place)field '\(field.name)': \(message)")
  }
}

/// Conversions of the numeric literals text format allows, following protobuf's own rules.
enum ProtoTextNumber {
  enum IntegerResult: Equatable { case value(Int), outOfRange, notInteger }

  /// `inf`, `infinity` and `nan` in any case, which protobuf accepts for float fields.
  static func isSpecialFloat(_ word: String) -> Bool {
    switch word.lowercased() {
    case "inf", "infinity", "nan": return true
    default: return false
    }
  }

  /// Decimal, `0x` hexadecimal or leading-`0` octal (as protobuf reads them), with optional `-`.
  static func integer(_ literal: String) -> IntegerResult {
    var digits = Substring(literal)
    let negative = digits.first == "-"
    if negative { digits = digits.dropFirst() }
    var radix = 10
    if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
      radix = 16
      digits = digits.dropFirst(2)
    } else if digits.count > 1, digits.first == "0" {
      radix = 8
      digits = digits.dropFirst()
    }
    // Check the characters first so that a valid but huge literal reads as out of range.
    guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.hexDigitValue.map { $0 < radix } == true })
    else { return .notInteger }
    guard let magnitude = UInt64(digits, radix: radix) else { return .outOfRange }
    if negative {
      guard magnitude <= UInt64(Int64.max) + 1 else { return .outOfRange }
      return .value(magnitude == UInt64(Int64.max) + 1 ? Int.min : -Int(magnitude))
    }
    guard magnitude <= UInt64(Int64.max) else { return .outOfRange }
    return .value(Int(magnitude))
  }

  /// Any number literal as a `Double`; hexadecimal and octal integers are read as integers.
  static func double(_ literal: String) -> Double? {
    var body = Substring(literal)
    let negative = body.first == "-"
    if negative { body = body.dropFirst() }
    if isSpecialFloat(String(body)) {
      let v = body.lowercased() == "nan" ? Double.nan : Double.infinity
      return negative ? -v : v
    }
    if body.hasPrefix("0x") || body.hasPrefix("0X") {
      guard case .value(let v) = integer(literal) else {
        // A hexadecimal literal beyond Int64 still has a float value.
        return UInt64(body.dropFirst(2), radix: 16).map { Double($0) * (negative ? -1 : 1) }
      }
      return Double(v)
    }
    if body.last == "f" || body.last == "F" { body = body.dropLast() }
    // Double(String) also takes forms text format does not ("0x1p3", " 1"), so check first.
    guard let first = body.first, first.isASCII, first.isNumber || first == ".",
      body.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }),
      let v = Double(body)
    else { return nil }
    return negative ? -v : v
  }
}
