import NNIR

/// Every function described as an `NNFunction` (one file each in this module). Adding a function
/// is its file, its C kernel, and one line here.
public enum FunctionRegistry {
  public static let types: [any NNFunction.Type] = [
    // Activations
    SELU.self,
    // Reductions and matrix products (converter output)
    Sum.self, Mean.self, Max.self, Min.self, Prod.self, BatchMatmul.self,
    // Math
    Exp.self,
  ]

  public static let byName: [String: any NNFunction.Type] = {
    var table: [String: any NNFunction.Type] = [:]
    for t in types {
      precondition(table[t.typeName] == nil, "\(t.typeName) is registered twice")
      table[t.typeName] = t
    }
    return table
  }()

  /// The op for nnabla function `typeName` with the given attributes, or nil when no
  /// `NNFunction` describes it.
  public static func op(
    _ typeName: String, attributes: any FunctionAttributeReader, inputShapes: [[Int]]
  ) throws -> Op? {
    guard let t = byName[typeName] else { return nil }
    return .function(FunctionCall(try t.init(attributes, inputShapes: inputShapes)))
  }
}
