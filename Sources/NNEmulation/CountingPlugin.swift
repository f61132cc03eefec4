import Foundation
import NNHostSim

/// The instruction-counting QEMU plugin (`insn_count_plugin.c`, embedded in the binary), built
/// with the host C compiler on first use and cached in `$XDG_CACHE_HOME/nncompile/` (or
/// `~/.cache/nncompile/`) under a name that changes with its source and API version.
public enum CountingPlugin {
  /// The shared library's path, building it first if the cache does not hold it yet.
  public static func library(toolchain: Toolchain) throws -> URL {
    guard let source = EmulationSources.files["insn_count_plugin.c"] else { throw EmulationError("the plugin source is not embedded") }
    let api = try apiVersion(qemu: toolchain.qemu)
    let key = String(fnv1a(source + "\napi=\(api)"), radix: 16)
    let dir = cacheDirectory()
    let library = dir.appendingPathComponent("libnnc-insn-count-\(key).so")
    if FileManager.default.fileExists(atPath: library.path) { return library }
    do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
      throw EmulationError("cannot create the cache folder \(dir.path): \(error.localizedDescription)")
    }
    // Build beside the final name and rename, so concurrent first uses never see half a file.
    let unique = UUID().uuidString.prefix(8)
    let sourceFile = dir.appendingPathComponent("insn_count_plugin-\(unique).c")
    let temporary = dir.appendingPathComponent("libnnc-insn-count-\(key)-\(unique).so")
    try source.write(to: sourceFile, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: sourceFile) }
    let r = try ProcessRunner.run(
      toolchain.hostCompiler, ["-std=c99", "-O2", "-shared", "-fPIC", "-DNNC_PLUGIN_API=\(api)", sourceFile.path, "-o", temporary.path])
    guard r.status == 0 else { throw EmulationError("building the QEMU counting plugin with \(toolchain.hostCompiler) failed:\n\(r.stderr)") }
    _ = try? FileManager.default.removeItem(at: library)
    do { try FileManager.default.moveItem(at: temporary, to: library) } catch {
      if !FileManager.default.fileExists(atPath: library.path) { throw EmulationError("cannot cache the plugin: \(error.localizedDescription)") }
      try? FileManager.default.removeItem(at: temporary)
    }
    return library
  }

  static func cacheDirectory() -> URL {
    let env = ProcessInfo.processInfo.environment
    if let xdg = env["XDG_CACHE_HOME"], !xdg.isEmpty { return URL(fileURLWithPath: xdg).appendingPathComponent("nncompile") }
    let home = env["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser
    return home.appendingPathComponent(".cache/nncompile")
  }

  /// QEMU 7.2 to 8.1 take plugin API version 1; later releases raised it to 2 (untested here).
  static func apiVersion(qemu: String) throws -> Int {
    let r = try ProcessRunner.run(qemu, ["--version"])
    let text = String(decoding: r.stdout, as: UTF8.self)
    guard let range = text.range(of: "version ") else { return 1 }
    let numbers = text[range.upperBound...].prefix { $0.isNumber || $0 == "." }.split(separator: ".").compactMap { Int($0) }
    guard numbers.count >= 2 else { return 1 }
    return (numbers[0], numbers[1]) < (8, 2) ? 1 : 2
  }

  static func fnv1a(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    return hash
  }
}
