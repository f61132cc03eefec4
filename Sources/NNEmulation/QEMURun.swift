import Foundation

/// Runs an image on QEMU's mps2-an386 board (Cortex-M4 + FPv4-SP) with semihosting, optionally
/// with the counting plugin, and reads what the plugin counted.
struct QEMURun {
  let toolchain: Toolchain
  /// A guest that has not exited by then is stopped (a model call never takes this long).
  var timeoutSeconds: Double = 300

  struct Counts: Equatable {
    /// Per counted region (one per model call): instructions and estimated cycles.
    var regions: [(instructions: Int, cycles: Int)]
    var totalInstructions: Int
    static func == (a: Counts, b: Counts) -> Bool {
      a.totalInstructions == b.totalInstructions && a.regions.map(\.instructions) == b.regions.map(\.instructions)
        && a.regions.map(\.cycles) == b.regions.map(\.cycles)
    }
  }

  static let machine = [
    "-M", "mps2-an386", "-nodefaults", "-display", "none", "-monitor", "none", "-serial", "none",
    "-semihosting-config", "enable=on,target=native",
  ]

  /// Runs `elf`; with `count`, the plugin counts between the `nnc_emu_begin`/`nnc_emu_end` markers.
  func run(_ elf: URL, count: Bool, work: URL) throws -> Counts? {
    var args = Self.machine + ["-kernel", elf.path]
    var countFile: URL?
    if count {
      let objdump = try Self.checked(toolchain.objdump, ["-d", elf.path], what: "disassembling the image")
      let text = String(decoding: objdump, as: UTF8.self)
      let symbols = CycleModel.symbols(objdump: text)
      guard let begin = symbols["nnc_emu_begin"], let end = symbols["nnc_emu_end"] else {
        throw EmulationError("the image has no nnc_emu_begin/nnc_emu_end markers")
      }
      let costs = work.appendingPathComponent(elf.deletingPathExtension().lastPathComponent + ".costs")
      try CycleModel.costsFile(CycleModel.instructions(objdump: text)).write(to: costs, atomically: true, encoding: .utf8)
      let out = work.appendingPathComponent(elf.deletingPathExtension().lastPathComponent + ".counts")
      countFile = out
      let plugin = try CountingPlugin.library(toolchain: toolchain)
      args += [
        "-plugin",
        "\(plugin.path),costs=\(costs.path),out=\(out.path),begin=0x\(String(begin, radix: 16)),end=0x\(String(end, radix: 16)),refill=\(CycleModel.refillCycles)",
      ]
    }
    let r = try launch(args)
    let stderr = r.stderr
    switch r.status {
    case 0: break
    case 70: throw EmulationError("the emulated Cortex-M4 took a fault (HardFault or similar) while running the model")
    case 2: throw EmulationError("the model returned an error status on the emulated Cortex-M4")
    case 4: throw EmulationError("the emulated program could not open its input or output files through semihosting")
    default: throw EmulationError("qemu-system-arm exited with status \(r.status)\(stderr.isEmpty ? "" : ": \(stderr)")")
    }
    guard let countFile else { return nil }
    guard let text = try? String(contentsOf: countFile, encoding: .utf8) else {
      throw EmulationError("the counting plugin wrote no counts\(stderr.isEmpty ? "" : ": \(stderr)")")
    }
    var counts = Counts(regions: [], totalInstructions: 0)
    for line in text.split(separator: "\n") {
      let f = line.split(separator: " ")
      guard f.count == 3, let a = Int(f[1]), let b = Int(f[2]) else { continue }
      if f[0] == "region" { counts.regions.append((a, b)) } else if f[0] == "total" { counts.totalInstructions = a }
    }
    return counts
  }

  /// Runs a plain program (no plugin) and returns its exit status and what it printed through
  /// semihosting; only a timeout or a fault is an error.
  func runProgram(_ elf: URL) throws -> (status: Int32, stdout: String) {
    let r = try launch(Self.machine + ["-kernel", elf.path])
    if r.status == 70 { throw EmulationError("the emulated Cortex-M4 took a fault (HardFault or similar) while running \(elf.lastPathComponent)") }
    return (r.status, String(decoding: r.stdout, as: UTF8.self))
  }

  /// QEMU with `args`, within the time limit; stderr without QEMU's "has no peer" chatter.
  private func launch(_ args: [String]) throws -> TimedProcess.Result {
    var r = try TimedProcess.run(toolchain.qemu, args, timeout: timeoutSeconds)
    if r.timedOut { throw EmulationError("the emulated program did not finish within \(Int(timeoutSeconds)) s") }
    r.stderr = r.stderr.split(separator: "\n").filter { !$0.contains("has no peer") }.joined(separator: "\n")
    return r
  }

  static func checked(_ program: String, _ args: [String], what: String) throws -> Data {
    let r = try TimedProcess.run(program, args, timeout: 120)
    guard r.status == 0, !r.timedOut else { throw EmulationError("\(what) failed (\(program)): \(r.stderr)") }
    return r.stdout
  }
}

/// A child process with a time limit; its output is collected without deadlocking.
enum TimedProcess {
  struct Result {
    var status: Int32, stdout: Data, stderr: String, timedOut: Bool
  }

  static func run(_ program: String, _ arguments: [String], timeout: Double) throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [program] + arguments
    let outPipe = Pipe(), errPipe = Pipe()
    process.standardOutput = outPipe
    process.standardError = errPipe
    process.standardInput = FileHandle.nullDevice
    do { try process.run() } catch { throw EmulationError("cannot run '\(program)': \(error.localizedDescription)") }
    nonisolated(unsafe) var outData = Data(), errData = Data()
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) { outData = outPipe.fileHandleForReading.readDataToEndOfFile() }
    DispatchQueue.global().async(group: group) { errData = errPipe.fileHandleForReading.readDataToEndOfFile() }
    let finished = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
      process.waitUntilExit()
      finished.signal()
    }
    var timedOut = false
    if finished.wait(timeout: .now() + timeout) == .timedOut {
      timedOut = true
      process.terminate()
      finished.wait()
    }
    group.wait()
    return Result(status: process.terminationStatus, stdout: outData, stderr: String(decoding: errData, as: UTF8.self), timedOut: timedOut)
  }
}
