/// The header dictionary of a `.npy` file, e.g. `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
///
/// numpy writes it with Python's `repr`, so a small parser for the literals it can contain
/// (strings, True/False, tuples of integers) is enough; anything else is a clear error.
struct NPYHeader {
  var descr: String
  var fortranOrder: Bool
  var shape: [Int]

  /// `offset` is where the header text starts in the file, for error positions.
  init(_ text: [UInt8], offset: Int) throws {
    var p = Parser(text: text, offset: offset)
    var descr: String?, fortran: Bool?, shape: [Int]?
    try p.expect("{")
    while true {
      p.skipSpace()
      if p.peek == UInt8(ascii: "}") { break }
      let key = try p.string()
      try p.expect(":")
      p.skipSpace()
      switch key {
      case "descr":
        guard p.peek == UInt8(ascii: "'") || p.peek == UInt8(ascii: "\"") else {
          throw p.error("structured or sub-array dtypes are not supported")
        }
        descr = try p.string()
      case "fortran_order": fortran = try p.bool()
      case "shape": shape = try p.tuple()
      default: throw p.error("unexpected key '\(key)'")
      }
      p.skipSpace()
      if p.peek == UInt8(ascii: ",") { p.i += 1 } else { try p.expect("}"); break }
    }
    guard let descr, let fortran, let shape else {
      throw FormatError("npy", "header at byte \(offset) lacks one of 'descr', 'fortran_order', 'shape'")
    }
    self.descr = descr
    self.fortranOrder = fortran
    self.shape = shape
  }

  struct Parser {
    let text: [UInt8]
    let offset: Int
    var i = 0

    var peek: UInt8? { i < text.count ? text[i] : nil }

    func error(_ message: String) -> FormatError {
      FormatError("npy", "header: \(message) at byte \(offset + i)")
    }

    mutating func skipSpace() {
      while let c = peek, c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D { i += 1 }
    }

    mutating func expect(_ s: Unicode.Scalar) throws {
      skipSpace()
      guard peek == UInt8(ascii: s) else { throw error("expected '\(s)'") }
      i += 1
    }

    mutating func string() throws -> String {
      skipSpace()
      guard let quote = peek, quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else {
        throw error("expected a quoted string")
      }
      let start = i + 1
      i = start
      while let c = peek, c != quote { i += 1 }
      guard peek == quote else { throw error("unterminated string") }
      i += 1
      return String(decoding: text[start..<(i - 1)], as: UTF8.self)
    }

    mutating func bool() throws -> Bool {
      for (word, value) in [("True", true), ("False", false)] where text[i...].starts(with: word.utf8) {
        i += word.utf8.count
        return value
      }
      throw error("expected True or False")
    }

    /// `()`, `(3,)` or `(2, 3)`; Python 2 files may write `3L`.
    mutating func tuple() throws -> [Int] {
      try expect("(")
      var values: [Int] = []
      while true {
        skipSpace()
        if peek == UInt8(ascii: ")") { i += 1; return values }
        var v = 0, digits = 0
        while let c = peek, (0x30...0x39).contains(c) {
          v = v * 10 + Int(c - 0x30)
          digits += 1
          guard v <= 1 << 48 else { throw error("dimension too large") }
          i += 1
        }
        guard digits > 0 else { throw error("expected a dimension") }
        if peek == UInt8(ascii: "L") { i += 1 }
        values.append(v)
        skipSpace()
        if peek == UInt8(ascii: ",") { i += 1 } else if peek != UInt8(ascii: ")") { throw error("expected ',' or ')'") }
      }
    }
  }
}
