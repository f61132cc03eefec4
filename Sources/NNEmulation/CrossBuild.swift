import Foundation
import NNHostSim

/// Cross-compiles C (and assembly) for the emulated Cortex-M4F and links it with our start-up
/// code and linker script into `prog.elf` plus its map file.
struct CrossBuild {
  let toolchain: Toolchain
  /// CPU flags from the target description (`-mcpu=cortex-m4 -mthumb -mfloat-abi=hard …`).
  let cpuFlags: [String]
  let work: URL

  /// Flags for generated code: ISO C99 (which also keeps gcc from contracting a*b+c into a fused
  /// multiply-add, so float results can match the host bit for bit), -O2, and one section per
  /// function and object so unused kernels drop out of the image.
  var modelFlags: [String] { cpuFlags + ["-std=c99", "-O2", "-ffunction-sections", "-fdata-sections"] }

  /// Compiles `sources` (in parallel, two at a time at most) into objects named after them plus
  /// `tag`; returns the object paths in order.
  func compile(_ sources: [URL], flags: [String], tag: String) throws -> [String] {
    let objects = sources.map { work.appendingPathComponent($0.deletingPathExtension().lastPathComponent + tag + ".o").path }
    nonisolated(unsafe) var failures: [String?] = Array(repeating: nil, count: sources.count)
    let lock = NSLock()
    DispatchQueue.concurrentPerform(iterations: sources.count) { k in
      let message: String?
      do {
        let r = try ProcessRunner.run(toolchain.crossCompiler, flags + ["-c", sources[k].path, "-o", objects[k]])
        message = r.status == 0 ? nil : "\(toolchain.crossCompiler) failed on \(sources[k].lastPathComponent):\n\(r.stderr)"
      } catch {
        message = "\(error)"
      }
      lock.lock()
      failures[k] = message
      lock.unlock()
    }
    if let first = failures.compactMap({ $0 }).first { throw EmulationError(first) }
    return objects
  }

  /// The start-up object (vectors, FPU enable, markers), compiled once per work folder.
  func startupObject() throws -> String {
    let object = work.appendingPathComponent("startup-emu.o").path
    if FileManager.default.fileExists(atPath: object) { return object }
    let source = try writeResource("startup.c")
    return try compile([source], flags: cpuFlags + ["-std=gnu99", "-O2", "-ffunction-sections"], tag: "-emu")[0]
  }

  /// Links `objects` with the start-up code, newlib-nano and semihosting (rdimon).
  func link(_ objects: [String], name: String) throws -> (elf: URL, map: URL) {
    let script = try writeResource("m4f.ld")
    let elf = work.appendingPathComponent("\(name).elf"), map = work.appendingPathComponent("\(name).map")
    let args = cpuFlags + [
      "-nostartfiles", "-T", script.path, "--specs=nano.specs", "--specs=rdimon.specs", "-Wl,--gc-sections",
      "-Wl,-Map=\(map.path)", try startupObject(),
    ] + objects + ["-lm", "-o", elf.path]
    let r = try ProcessRunner.run(toolchain.crossCompiler, args)
    guard r.status == 0 else { throw EmulationError("linking for the emulator failed:\n\(r.stderr)") }
    return (elf, map)
  }

  /// Writes an embedded emulation file into the work folder.
  func writeResource(_ name: String) throws -> URL {
    guard let text = EmulationSources.files[name] else { throw EmulationError("\(name) is not embedded") }
    let url = work.appendingPathComponent(name)
    try (text + "\n").write(to: url, atomically: true, encoding: .utf8)
    return url
  }
}
