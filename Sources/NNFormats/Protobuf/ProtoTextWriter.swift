/// Writes a `ProtoTextMessage` as protobuf text format, laid out as Python protobuf's
/// `text_format.MessageToString` lays it out (nnabla writes `.nntxt` files with it):
/// one `name: value` per line, nested messages as `name {` … `}`, two spaces per level.
///
/// Strings keep UTF-8 as is and escape `"`, `\`, and control bytes (`\n`, `\r`, `\t`, else
/// three-digit octal), which `ProtoTextParser` and protobuf's parsers both read back.
extension ProtoTextMessage {
  public func formatted() -> String {
    var out = ""
    Self.write(self, indent: "", into: &out)
    return out
  }

  private static func write(_ message: ProtoTextMessage, indent: String, into out: inout String) {
    for field in message.fields {
      switch field.value {
      case .message(let m):
        out += "\(indent)\(field.name) {\n"
        write(m, indent: indent + "  ", into: &out)
        out += "\(indent)}\n"
      case .number(let n): out += "\(indent)\(field.name): \(n)\n"
      case .identifier(let i): out += "\(indent)\(field.name): \(i)\n"
      case .string(let s): out += "\(indent)\(field.name): \"\(escape(s))\"\n"
      }
    }
  }

  static func escape(_ s: String) -> String {
    var out = ""
    for scalar in s.unicodeScalars {
      switch scalar.value {
      case 0x22: out += "\\\""
      case 0x5C: out += "\\\\"
      case 0x0A: out += "\\n"
      case 0x0D: out += "\\r"
      case 0x09: out += "\\t"
      case 0..<0x20, 0x7F:
        let octal = String(scalar.value, radix: 8)
        out += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}

/// Builders for messages made in code (the `.nntxt` writer), so call sites read like the text.
extension ProtoTextMessage {
  public mutating func add(_ name: String, _ value: String) {
    fields.append(Field(name: name, value: .string(value)))
  }

  /// An integer field (`dim: -1`, `base_axis: 1`).
  public mutating func add(_ name: String, _ value: Int) {
    fields.append(Field(name: name, value: .number(String(value))))
  }

  /// A floating-point field in the shortest form that reads back to the same `Double`
  /// (`0.00392156862745098`, `1e-05`, `inf`).
  public mutating func add(_ name: String, _ value: Double) {
    let text: String
    if value.isNaN { text = "nan" } else if value.isInfinite { text = value < 0 ? "-inf" : "inf" } else { text = "\(value)" }
    fields.append(Field(name: name, value: value.isNaN || value.isInfinite ? .identifier(text) : .number(text)))
  }

  /// A float32 field in its shortest round-trip form (`1e-05` for eps rather than its double).
  public mutating func add(_ name: String, _ value: Float) {
    guard value.isFinite else { return add(name, Double(value)) }
    fields.append(Field(name: name, value: .number("\(value)")))
  }

  public mutating func add(_ name: String, _ value: Bool) {
    fields.append(Field(name: name, value: .identifier(value ? "true" : "false")))
  }

  public mutating func add(_ name: String, _ message: ProtoTextMessage) {
    fields.append(Field(name: name, value: .message(message)))
  }

  /// A nested message built in place.
  public mutating func add(_ name: String, building body: (inout ProtoTextMessage) -> Void) {
    var m = ProtoTextMessage()
    body(&m)
    add(name, m)
  }

  /// The message without any field called `name` (e.g. `parameter`, written to its own file).
  public func removing(_ name: String) -> ProtoTextMessage {
    ProtoTextMessage(fields: fields.filter { $0.name != name })
  }
}
