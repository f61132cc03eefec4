import NNFormats
import NNIR

/// A function's `<snake_name>_param` message (or its absence) as `NNFunction` reads it.
struct ProtoFunctionAttributes: FunctionAttributeReader {
  let message: ProtoTextMessage?

  func int(_ name: String) throws -> Int? { try message?.int(name) }
  func ints(_ name: String) throws -> [Int]? {
    guard let values = try message?.ints(name), !values.isEmpty else { return nil }
    return values
  }
  func double(_ name: String) throws -> Double? { try message?.double(name) }
  func doubles(_ name: String) throws -> [Double]? {
    guard let values = try message?.doubles(name), !values.isEmpty else { return nil }
    return values
  }
  func bool(_ name: String) throws -> Bool? { try message?.bool(name) }
  func string(_ name: String) throws -> String? { try message?.string(name) }
  func shape(_ name: String) throws -> [Int]? {
    guard let m = message?.message(name) else { return nil }
    return try m.ints("dim")
  }
}
