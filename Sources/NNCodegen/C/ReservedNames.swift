/// Names `--name` may not take: the prefix becomes file names (`<prefix>.h`, `<prefix>.c`) beside
/// the runtime's `nnc_*` files and the user's own sources, and the start of every public symbol.
extension CNames {
  /// C99/C11 keywords (a prefix is also an identifier in the user's code, e.g. a variable named after the model).
  static let keywords: Set<String> = [
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern",
    "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed",
    "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while",
    "_Alignas", "_Alignof", "_Atomic", "_Bool", "_Complex", "_Generic", "_Imaginary", "_Noreturn",
    "_Static_assert", "_Thread_local",
  ]

  /// File names a `<prefix>.h` / `<prefix>.c` would shadow or clash with: the C standard headers
  /// (`errno.h` before `<errno.h>` on `-I out`), the program's `main.c`, Arduino's `Arduino.h`,
  /// and common standard-library identifiers. Compared without case (macOS file systems ignore it).
  static let reservedFileNames: Set<String> = [
    "assert", "complex", "ctype", "errno", "fenv", "float", "inttypes", "iso646", "limits", "locale", "math",
    "setjmp", "signal", "stdalign", "stdarg", "stdatomic", "stdbool", "stddef", "stdint", "stdio", "stdlib",
    "stdnoreturn", "string", "tgmath", "threads", "time", "uchar", "wchar", "wctype",
    "main", "arduino", "nnc",
  ]

  /// Why `prefix` cannot name the generated files and symbols, or nil when it can.
  public static func prefixProblem(_ prefix: String) -> String? {
    guard isIdentifier(prefix) else { return "'\(prefix)' is not a C identifier" }
    if keywords.contains(prefix) { return "'\(prefix)' is a C keyword" }
    let scalars = Array(prefix.unicodeScalars)
    if scalars.count > 1, scalars[0] == "_", scalars[1] == "_" || ("A"..."Z").contains(scalars[1]) {
      return "'\(prefix)' is reserved for the C implementation (names starting with __ or _ and a capital)"
    }
    let lower = prefix.lowercased()
    if lower.hasPrefix("nnc_") { return "'\(prefix)' starts with nnc_, the runtime's files and symbols (nnc_types.h, nnc_runtime.h, …)" }
    if reservedFileNames.contains(lower) { return "'\(prefix)' would write \(prefix).h and \(prefix).c, which clash with a C standard header, the program's main.c or Arduino.h" }
    return nil
  }
}
