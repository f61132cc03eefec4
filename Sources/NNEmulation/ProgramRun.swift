import Foundation

/// Runs a whole C program (its own `main`, printing through semihosting) on the emulated
/// Cortex-M4F: the kernel sweep in `bench/int8-kernels/` uses it to check the SMLAD path bit for
/// bit on the target the optimized kernels are for.
extension Emulator {
  public struct Program: Sendable {
    public var sources: [URL]
    public var includeDirectories: [URL]
    /// `crossFlags` of the target description.
    public var cpuFlags: [String]

    public init(sources: [URL], includeDirectories: [URL], cpuFlags: [String]) {
      self.sources = sources
      self.includeDirectories = includeDirectories
      self.cpuFlags = cpuFlags
    }
  }

  /// Builds `program` as generated code is built (-std=c99 -O2, our start-up code) and runs it;
  /// returns its exit status and stdout. Build failures, faults and timeouts throw.
  public static func run(_ program: Program, toolchain: Toolchain, workDirectory: URL) throws -> (status: Int32, stdout: String) {
    let work = workDirectory.appendingPathComponent("emulate-program")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    let build = CrossBuild(toolchain: toolchain, cpuFlags: program.cpuFlags, work: work)
    let includes = program.includeDirectories.flatMap { ["-I", $0.path] }
    let objects = try build.compile(program.sources, flags: build.modelFlags + includes, tag: "")
    let image = try build.link(objects, name: "program")
    return try QEMURun(toolchain: toolchain).runProgram(image.elf)
  }
}
