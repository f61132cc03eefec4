/// RFC 4180-style CSV, as Neural Network Console writes its dataset files: commas, double-quoted
/// fields with `""` escapes (which may span lines), CRLF or LF line ends.
public enum CSV {
  /// One record and the 1-based line it starts on, so errors can name the line.
  public struct Row: Sendable, Equatable {
    public var line: Int
    public var fields: [String]
    public init(line: Int, fields: [String]) {
      self.line = line
      self.fields = fields
    }
    /// A line with nothing on it (NNC files often end with one).
    public var isBlank: Bool { fields.count == 1 && fields[0].isEmpty }
  }

  /// Every record of `text`, blank lines included (as `isBlank` rows).
  public static func parse(_ text: String) -> [Row] {
    var rows: [Row] = []
    var row: [String] = []
    var field = ""
    var quoted = false
    var line = 1, rowLine = 1
    func endRow() {
      row.append(field)
      rows.append(Row(line: rowLine, fields: row))
      row = []
      field = ""
      rowLine = line
    }
    // Swift reads "\r\n" as one Character, so both line ends are one case.
    var chars = text.makeIterator()
    while let c = chars.next() {
      let isNewline = c == "\n" || c == "\r\n"
      if quoted {
        if c == "\"" {
          guard let next = chars.next() else { quoted = false; break }
          if next == "\"" {
            field.append("\"")
          } else {
            quoted = false
            if next == "," { row.append(field); field = "" }
            else if next == "\n" || next == "\r\n" { line += 1; endRow() }
            else if next != "\r" { field.append(next) }
          }
        } else {
          if isNewline { line += 1 }
          field.append(c)
        }
      } else if c == "\"" && field.isEmpty {
        quoted = true
      } else if c == "," {
        row.append(field)
        field = ""
      } else if isNewline {
        line += 1
        endRow()
      } else if c != "\r" {
        field.append(c)
      }
    }
    if !field.isEmpty || !row.isEmpty { endRow() }
    return rows
  }
}
