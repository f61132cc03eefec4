import Foundation

extension CompileReport {
  /// `report.json`: the report value itself, keys sorted so it diffs well.
  public var json: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    // Encoding plain structs of numbers and strings cannot fail.
    return String(decoding: try! encoder.encode(self), as: UTF8.self) + "\n"
  }

  /// The three report files, written into `out/` beside the code.
  public var files: [(name: String, contents: String)] {
    [("report.txt", text), ("report.json", json), ("report.html", html)]
  }
}
