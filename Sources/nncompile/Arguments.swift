/// A small command-line parser following swift-argument-parser's conventions: `--name value` or
/// `--name=value`, short aliases, repeated options, flags, and positional arguments.
struct Arguments {
  struct UsageError: Error { var message: String }

  private(set) var values: [String: [String]] = [:]
  private(set) var flags: Set<String> = []
  private(set) var positional: [String] = []

  /// `optionNames`: options that take a value (long names, without dashes); `flagNames`: flags;
  /// `aliases`: short name → long name (`o` → `output`).
  init(_ args: [String], options optionNames: Set<String>, flags flagNames: Set<String>, aliases: [String: String] = [:]) throws {
    var i = 0
    while i < args.count {
      let arg = args[i]
      i += 1
      if arg == "--" { positional += args[i...]; break }
      guard arg.hasPrefix("-"), arg.count > 1 else { positional.append(arg); continue }
      var name = String(arg.drop { $0 == "-" })
      var inline: String?
      if let eq = name.firstIndex(of: "=") {
        inline = String(name[name.index(after: eq)...])
        name = String(name[..<eq])
      }
      if !arg.hasPrefix("--") { name = aliases[name] ?? name }
      if flagNames.contains(name) {
        guard inline == nil else { throw UsageError(message: "flag '--\(name)' takes no value") }
        flags.insert(name)
      } else if optionNames.contains(name) {
        guard let value = inline ?? (i < args.count ? args[i] : nil) else {
          throw UsageError(message: "missing value for '--\(name)'")
        }
        if inline == nil { i += 1 }
        values[name, default: []].append(value)
      } else {
        throw UsageError(message: "unknown option '\(arg)'")
      }
    }
  }

  func value(_ name: String) -> String? { values[name]?.last }
  func all(_ name: String) -> [String] { values[name] ?? [] }
  func flag(_ name: String) -> Bool { flags.contains(name) }

  /// Exactly one positional argument, the model file.
  func model() throws -> String {
    guard let first = positional.first else { throw UsageError(message: "missing the model file (a .nnp)") }
    guard positional.count == 1 else { throw UsageError(message: "unexpected argument '\(positional[1])'") }
    return first
  }

  func double(_ name: String) throws -> Double? {
    guard let s = value(name) else { return nil }
    guard let d = Double(s), d.isFinite, d >= 0 else { throw UsageError(message: "'--\(name)' needs a non-negative number, got '\(s)'") }
    return d
  }
}
