import Foundation

/// Which runtime `.c` files a piece of generated C needs: the files that define the `nnc_*`
/// functions it calls, and the files those call in turn.
enum RuntimeLibrary {
  /// Function name → the source key (`src/x.c`) that defines it.
  static let definitions: [String: String] = {
    var result: [String: String] = [:]
    for (key, text) in RuntimeSources.files where key.hasPrefix("src/") {
      for name in exportedDefinitions(text) { result[name] = key }
    }
    return result
  }()

  static func sources(called text: String) -> Set<String> {
    var files: Set<String> = []
    var pending = Array(calledNames(text))
    var seen: Set<String> = []
    while let name = pending.popLast() {
      guard seen.insert(name).inserted, let file = definitions[name] else { continue }
      if files.insert(file).inserted { pending += calledNames(RuntimeSources.files[file] ?? "") }
    }
    return files
  }

  /// Every `nnc_identifier(` in `text`, outside comments (which name kernels they mirror).
  static func calledNames(_ text: String) -> Set<String> {
    var names: Set<String> = []
    let chars = withoutComments(Array(text.utf8))
    var i = 0
    while i + 4 < chars.count {
      if chars[i] == UInt8(ascii: "n"), chars[i + 1] == UInt8(ascii: "n"), chars[i + 2] == UInt8(ascii: "c"),
        chars[i + 3] == UInt8(ascii: "_"), i == 0 || !isIdentifierByte(chars[i - 1])
      {
        var j = i
        while j < chars.count, isIdentifierByte(chars[j]) { j += 1 }
        if j < chars.count, chars[j] == UInt8(ascii: "(") { names.insert(String(decoding: chars[i..<j], as: UTF8.self)) }
        i = j
      } else {
        i += 1
      }
    }
    return names
  }

  /// The functions `text` exports: lines at column 0 that start a definition of an `nnc_*`
  /// function and are not `static` (a file's own helper, which other files may repeat), a
  /// comment, or a prototype (`…);`). A definition made by a macro, `KERNEL(nnc_add2_f32, +)`,
  /// counts too.
  static func exportedDefinitions(_ text: String) -> [String] {
    text.split(separator: "\n").compactMap { line in
      guard let first = line.first, first.isLetter, !line.hasPrefix("static"), !line.hasPrefix("#"), !line.hasSuffix(";")
      else { return nil }
      if let name = calledNames(String(line)).first { return name }
      guard let open = line.firstIndex(of: "("), line[line.index(after: open)...].hasPrefix("nnc_") else { return nil }
      return String(line[line.index(after: open)...].prefix { $0.isLetter || $0.isNumber || $0 == "_" })
    }
  }

  /// `text` with every `/* … */` and `// …` replaced by a space.
  static func withoutComments(_ text: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(text.count)
    var i = 0
    let (slash, star, newline) = (UInt8(ascii: "/"), UInt8(ascii: "*"), UInt8(ascii: "\n"))
    while i < text.count {
      if text[i] == slash, i + 1 < text.count, text[i + 1] == star {
        i += 2
        while i + 1 < text.count, !(text[i] == star && text[i + 1] == slash) { i += 1 }
        i += 2
        out.append(UInt8(ascii: " "))
      } else if text[i] == slash, i + 1 < text.count, text[i + 1] == slash {
        while i < text.count, text[i] != newline { i += 1 }
      } else {
        out.append(text[i])
        i += 1
      }
    }
    return out
  }

  private static func isIdentifierByte(_ c: UInt8) -> Bool {
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95
  }
}
