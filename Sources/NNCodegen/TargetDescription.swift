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
  public static func named(_ nameOrPath: String) throws(TargetError) -> TargetDescription {
    if nameOrPath.hasSuffix(".json") {
      // A target is a few hundred bytes of JSON; 1 MiB is generous and bounds a wrong path.
      let data: Data
      do { data = Data(try RegularFile.read(nameOrPath, limit: 1 << 20, kind: "a target file")) } catch {
        throw TargetError(file: nameOrPath, (error as? FileReadError)?.problem ?? "cannot read the target file")
      }
      do { return try decode(data) } catch { throw TargetError(file: nameOrPath, error.message) }
    }
    guard let json = BuiltinTargets.json[nameOrPath], let target = try? decode(Data(json.utf8)) else {
      throw TargetError("unknown target '\(nameOrPath)' (known: \(BuiltinTargets.json.keys.sorted().joined(separator: ", ")), or a path to a .json file)")
    }
    return target
  }

  /// Decodes and checks a target description; every error is one line naming the key.
  public static func decode(_ data: Data) throws(TargetError) -> TargetDescription {
    // JSONSerialization first: the decoder says only "not valid JSON", for bad syntax and for a
    // number that is no Int (1.5, 1e400) alike.
    let object: Any
    do { object = try JSONSerialization.jsonObject(with: data) } catch {
      let detail = (error as NSError).userInfo["NSDebugDescription"] as? String
      throw TargetError("not valid JSON" + (detail.map { ": \($0)" } ?? ""))
    }
    guard let fields = object as? [String: Any] else { throw TargetError("expected an object at the top level") }
    for key in ["clockHz", "ramBytes", "flashBytes"] {
      if let value = fields[key], value as? Int == nil, let number = value as? NSNumber {
        throw TargetError("key '\(key)' must be a whole number, got \(number)")
      }
    }
    let target: TargetDescription
    do { target = try JSONDecoder().decode(TargetDescription.self, from: data) } catch let e as DecodingError {
      throw TargetError(TargetError.describe(e))
    } catch {
      throw TargetError("not a valid target description: \(error.localizedDescription)")
    }
    for (key, value) in [("ramBytes", target.ramBytes), ("flashBytes", target.flashBytes), ("clockHz", target.clockHz)] where value < 0 {
      throw TargetError("key '\(key)' is \(value); it must not be negative (0 means no limit)")
    }
    guard ["float32", "int8"].contains(target.defaultQuantization) else {
      throw TargetError("key 'defaultQuantization' is '\(target.defaultQuantization)'; it must be float32 or int8")
    }
    return target
  }
}

/// A target that cannot be used: unknown by name, or a target file (`file`) that is not a valid description.
public struct TargetError: Error, CustomStringConvertible {
  public var file: String?
  public var message: String
  init(file: String? = nil, _ message: String) {
    self.file = file
    self.message = message
  }
  public var description: String { file.map { "\($0): error: \(message)" } ?? message }

  /// One line naming the key and the problem, instead of the decoder's own text.
  static func describe(_ error: DecodingError) -> String {
    func key(_ path: [any CodingKey]) -> String {
      path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
    }
    func kind(_ type: Any.Type) -> String {
      switch type {
      case is Int.Type: "a whole number"
      case is String.Type: "a string"
      case is Bool.Type: "true or false"
      case is [String].Type: "a list of strings"
      default: "an object"
      }
    }
    switch error {
    case .keyNotFound(let k, let c): return "missing key '\(key(c.codingPath + [k]))'"
    case .typeMismatch(let type, let c): return "key '\(key(c.codingPath))' must be \(kind(type))"
    case .valueNotFound(let type, let c): return "key '\(key(c.codingPath))' is null; it must be \(kind(type))"
    case .dataCorrupted(let c): return c.codingPath.isEmpty ? "not valid JSON" : "key '\(key(c.codingPath))' has a value out of range"
    @unknown default: return "not a valid target description"
    }
  }
}
