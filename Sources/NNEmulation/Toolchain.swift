import Foundation

/// The programs emulation needs, found on PATH: the Arm cross compiler and binutils, QEMU, and a
/// host C compiler (for the instruction-counting plugin).
public struct Toolchain: Sendable {
  public var crossCompiler: String
  public var objdump: String
  public var qemu: String
  public var hostCompiler: String

  /// What to run when something is missing (~25 s on Debian 12).
  public static let installCommand =
    "apt-get install -y --no-install-recommends gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm"

  /// Finds every tool or throws one line naming the missing ones and the install command.
  /// `crossCompiler` comes from the target description (`arm-none-eabi-gcc`).
  public static func locate(crossCompiler: String = "arm-none-eabi-gcc") throws -> Toolchain {
    let host = ProcessInfo.processInfo.environment["CC"] ?? "cc"
    let objdump = crossCompiler.hasSuffix("gcc") ? String(crossCompiler.dropLast(3)) + "objdump" : "arm-none-eabi-objdump"
    let wanted = [crossCompiler, objdump, "qemu-system-arm", host]
    let missing = wanted.filter { find($0) == nil }
    guard missing.isEmpty else {
      throw EmulationError(
        "--emulate needs \(missing.joined(separator: ", ")), which \(missing.count == 1 ? "is" : "are") not installed: \(installCommand)")
    }
    return Toolchain(crossCompiler: crossCompiler, objdump: objdump, qemu: "qemu-system-arm", hostCompiler: host)
  }

  /// The full path of `program` on PATH (or `program` itself when it has a slash and exists).
  static func find(_ program: String) -> String? {
    let fm = FileManager.default
    if program.contains("/") { return fm.isExecutableFile(atPath: program) ? program : nil }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") {
      let candidate = "\(dir)/\(program)"
      if fm.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }
}

/// A failure of the emulated run, with the message the user sees.
public struct EmulationError: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
