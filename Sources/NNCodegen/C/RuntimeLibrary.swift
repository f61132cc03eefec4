import Foundation

/// Which runtime `.c` files a piece of generated C needs: the files that define the `nnc_*`
/// functions it calls, and the files those call in turn.
enum RuntimeLibrary {
  /// Function name → the source key (`src/x.c`) that defines it.
  static let definitions: [String: String] = {
    var result: [String: String] = [:]
    for (key, text) in RuntimeSources.files where key.hasPrefix("src/") {
      for name in calledNames(text) where text.contains("\(name)(") && isDefined(name, in: text) {
        result[name] = key
      }
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

  /// Every `nnc_identifier(` in `text`.
  static func calledNames(_ text: String) -> Set<String> {
    var names: Set<String> = []
    let chars = Array(text.utf8)
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

  /// A definition starts at column 0 with its return type and is not a prototype (`…);`).
  static func isDefined(_ name: String, in text: String) -> Bool {
    text.split(separator: "\n").contains { line in
      line.contains(" \(name)(") && !line.hasPrefix(" ") && !line.hasPrefix("\t") && !line.hasPrefix("/")
        && !line.hasPrefix("*") && !line.trimmingCharacters(in: .whitespaces).hasSuffix(";")
    }
  }

  private static func isIdentifierByte(_ c: UInt8) -> Bool {
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95
  }
}
