import Foundation
import NNHostSim

/// Runs generated C on an emulated Cortex-M4F: cross-compile (`CrossBuild`), run on QEMU with the
/// counting plugin (`QEMURun`), and collect outputs, counts, stack and image sizes
/// (`EmulationResult`).
public enum Emulator {
  /// What to build: the generated C folder and the model's entry-point shape.
  public struct Model: Sendable {
    public var sourceDirectory: URL
    public var prefix: String
    public var inputSizes: [Int]
    public var outputSizes: [Int]
    /// int8 builds: also run a `-DNNC_TRACE` build and return every step's bytes and cycles.
    public var trace: Bool
    /// `crossFlags` of the target description.
    public var cpuFlags: [String]

    public init(sourceDirectory: URL, prefix: String, inputSizes: [Int], outputSizes: [Int], trace: Bool, cpuFlags: [String]) {
      self.sourceDirectory = sourceDirectory
      self.prefix = prefix
      self.inputSizes = inputSizes
      self.outputSizes = outputSizes
      self.trace = trace
      self.cpuFlags = cpuFlags
    }
  }

  /// Runs every sample (its inputs concatenated, float32) through the model on the emulator.
  public static func run(_ model: Model, samples: [[Float]], toolchain: Toolchain, workDirectory: URL) throws -> EmulationResult {
    let work = workDirectory.appendingPathComponent("emulate")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    let files = GuestHarness.Files(
      input: work.appendingPathComponent("input.bin").path, output: work.appendingPathComponent("output.bin").path,
      stack: work.appendingPathComponent("stack.bin").path, trace: work.appendingPathComponent("trace.bin").path)
    let input = samples.flatMap { $0 }.withUnsafeBytes { Data($0) }
    try input.write(to: URL(fileURLWithPath: files.input))

    let build = CrossBuild(toolchain: toolchain, cpuFlags: model.cpuFlags, work: work)
    let sources = try FileManager.default.contentsOfDirectory(atPath: model.sourceDirectory.path)
      .filter { $0.hasSuffix(".c") }.sorted().map { model.sourceDirectory.appendingPathComponent($0) }
    let include = ["-I", model.sourceDirectory.path]
    // Only the files with the trace hook differ between the plain and the traced build.
    let traced = sources.filter { (try? String(contentsOf: $0, encoding: .utf8))?.contains("NNC_TRACE") == true }
    let modelObjects = try build.compile(sources, flags: build.modelFlags + include, tag: "")

    func harness(trace: Bool) throws -> String {
      let url = work.appendingPathComponent(trace ? "nnc_emu_harness_trace.c" : "nnc_emu_harness.c")
      try GuestHarness.text(
        prefix: model.prefix, inputSizes: model.inputSizes, outputSizes: model.outputSizes, files: files, trace: trace
      ).write(to: url, atomically: true, encoding: .utf8)
      return try build.compile([url], flags: build.modelFlags + include, tag: "")[0]
    }

    let qemu = QEMURun(toolchain: toolchain)
    let plain = try build.link(modelObjects + [try harness(trace: false)], name: "model")
    guard let counts = try qemu.run(plain.elf, count: true, work: work) else { throw EmulationError("no counts") }
    let outputs = try readOutputs(files.output, sizes: model.outputSizes, samples: samples.count)
    let stack = try Data(contentsOf: URL(fileURLWithPath: files.stack)).withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
    guard counts.regions.count == samples.count, stack.count == samples.count else {
      throw EmulationError("the emulator measured \(counts.regions.count) model call(s) for \(samples.count) sample(s)")
    }
    let map = (try? String(contentsOf: plain.map, encoding: .utf8)) ?? ""
    let image = LinkerMap.imageSize(map: map, modelObjects: Set(modelObjects))

    var steps: [[[UInt8]]]?
    var profiles: [StepProfile]?
    if model.trace {
      let tracedObjects = try build.compile(traced, flags: build.modelFlags + include + ["-DNNC_TRACE"], tag: "-trace")
      let replaced = Set(traced.map { work.appendingPathComponent($0.deletingPathExtension().lastPathComponent + ".o").path })
      let objects = modelObjects.filter { !replaced.contains($0) } + tracedObjects + [try harness(trace: true)]
      let tracedImage = try build.link(objects, name: "model-trace")
      let tracedCounts = try qemu.run(tracedImage.elf, count: true, work: work)
      steps = try TraceFile.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: files.trace))))
      profiles = tracedCounts.flatMap { StepProfile.split(regions: $0.regions, samples: samples.count) }
      if let profiles, let steps, zip(profiles, steps).contains(where: { $0.cycles.count != $1.count }) {
        throw EmulationError("the traced build measured \(profiles[0].cycles.count) step region(s) for \(steps.first?.count ?? 0) traced step(s)")
      }
    }
    return EmulationResult(
      outputs: outputs, stepBytes: steps, instructions: counts.regions.map(\.instructions), cycles: counts.regions.map(\.cycles),
      image: image, peakStackBytes: Int(stack.max() ?? 0), stepProfiles: profiles)
  }

  static func readOutputs(_ path: String, sizes: [Int], samples: Int) throws -> [[[Float]]] {
    let floats = try Data(contentsOf: URL(fileURLWithPath: path)).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    let perSample = sizes.reduce(0, +)
    guard floats.count == perSample * samples else {
      throw EmulationError("the emulated model wrote \(floats.count) floats, expected \(perSample * samples)")
    }
    var result: [[[Float]]] = []
    var offset = 0
    for _ in 0..<samples {
      var sample: [[Float]] = []
      for size in sizes {
        sample.append(Array(floats[offset..<offset + size]))
        offset += size
      }
      result.append(sample)
    }
    return result
  }
}
