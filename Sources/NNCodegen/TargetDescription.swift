import Foundation

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

  /// A target by name (the built-in descriptions, the same as `targets/*.json`) or by JSON file path.
  public static func named(_ nameOrPath: String) throws -> TargetDescription {
    if nameOrPath.hasSuffix(".json") {
      let url = URL(fileURLWithPath: nameOrPath)
      guard let data = try? Data(contentsOf: url) else {
        throw TargetError("cannot read target file '\(nameOrPath)'")
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
