import Foundation

/// Runs `calibration.S`, hand-written assembly whose instruction and cycle counts are known, to
/// check the counter and the cycle model (the expected figures are in the file's header).
public enum CounterCalibration {
  /// Per region: (instructions, cycles), as measured.
  public static func measure(toolchain: Toolchain, cpuFlags: [String], workDirectory: URL) throws -> [(instructions: Int, cycles: Int)] {
    let work = workDirectory.appendingPathComponent("calibration")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    let build = CrossBuild(toolchain: toolchain, cpuFlags: cpuFlags, work: work)
    let source = try build.writeResource("calibration.S")
    let object = try build.compile([source], flags: cpuFlags, tag: "")
    let image = try build.link(object, name: "calibration")
    guard let counts = try QEMURun(toolchain: toolchain).run(image.elf, count: true, work: work) else { return [] }
    return counts.regions
  }
}
