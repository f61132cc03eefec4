import Foundation
import NNFormats

/// What a compile target offers and how to build for it, decoded from `targets/<name>.json`.
public struct TargetDescription: Codable, Sendable, Equatable {
  public var name: String
  public var description: String
  public var cpu: String
  public var clockHz: Int
  /// RAM and flash budgets in bytes; 0 means no limit.
  public var ramBytes: Int
  public var flashBytes: Int
  public var fpu: String
  public var dsp: Bool
  public var defaultQuantization: String
  public var crossCompiler: String
  public var crossFlags: [String]
  /// The program image (code and `const` weights) is loaded into RAM and runs there, so the RAM
  /// budget must hold it beside the arena and the stack (SPRESENSE: apps are copied from flash into
  /// its 1.5 MB SRAM). Optional in a target file; false when absent.
  public var programRunsFromRAM: Bool

  public init(
    name: String, description: String, cpu: String, clockHz: Int, ramBytes: Int, flashBytes: Int, fpu: String, dsp: Bool,
    defaultQuantization: String, crossCompiler: String, crossFlags: [String], programRunsFromRAM: Bool = false
  ) {
    self.name = name
    self.description = description
    self.cpu = cpu
    self.clockHz = clockHz
    self.ramBytes = ramBytes
    self.flashBytes = flashBytes
    self.fpu = fpu
    self.dsp = dsp
    self.defaultQuantization = defaultQuantization
    self.crossCompiler = crossCompiler
    self.crossFlags = crossFlags
    self.programRunsFromRAM = programRunsFromRAM
  }

  private enum CodingKeys: String, CodingKey {
    case name, description, cpu, clockHz, ramBytes, flashBytes, fpu, dsp, defaultQuantization, crossCompiler, crossFlags
    case programRunsFromRAM
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      name: try c.decode(String.self, forKey: .name), description: try c.decode(String.self, forKey: .description),
      cpu: try c.decode(String.self, forKey: .cpu), clockHz: try c.decode(Int.self, forKey: .clockHz),
      ramBytes: try c.decode(Int.self, forKey: .ramBytes), flashBytes: try c.decode(Int.self, forKey: .flashBytes),
      fpu: try c.decode(String.self, forKey: .fpu), dsp: try c.decode(Bool.self, forKey: .dsp),
      defaultQuantization: try c.decode(String.self, forKey: .defaultQuantization),
      crossCompiler: try c.decode(String.self, forKey: .crossCompiler), crossFlags: try c.decode([String].self, forKey: .crossFlags),
      programRunsFromRAM: try c.decodeIfPresent(Bool.self, forKey: .programRunsFromRAM) ?? false)
  }

  /// A target by name (the built-in descriptions, the same as `targets/*.json`) or by JSON file path.
  public static func named(_ nameOrPath: String) throws -> TargetDescription {
    if nameOrPath.hasSuffix(".json") {
      // A target is a few hundred bytes of JSON; 1 MiB is generous and bounds a wrong path.
      let data: Data
      do { data = Data(try RegularFile.read(nameOrPath, limit: 1 << 20, kind: "a target file")) } catch let e as FileReadError {
        throw TargetError("cannot read target file '\(nameOrPath)': \(e.problem)")
      }
      do { return try JSONDecoder().decode(TargetDescription.self, from: data) } catch {
        throw TargetError("target file '\(nameOrPath)' is not a valid target description: \(error)")
      }
    }
    guard let json = BuiltinTargets.json[nameOrPath],
      let target = try? JSONDecoder().decode(TargetDescription.self, from: Data(json.utf8))
    else {
      throw TargetError("unknown target '\(nameOrPath)' (known: \(BuiltinTargets.json.keys.sorted().joined(separator: ", ")), or a path to a .json file)")
    }
    return target
  }
}

public struct TargetError: Error, CustomStringConvertible {
  public var description: String
  init(_ description: String) { self.description = description }
}
