import NNFormats

/// Reads the parameter files an `.nnp` may carry into `ParameterDef`s, in file order.
enum ParameterReaders {
  /// `parameter.protobuf`: `NNablaProtoBuf { repeated Parameter parameter = 200 }` with
  /// `Parameter { variable_name = 1, Shape shape = 20 { repeated int64 dim = 1 }, repeated float data = 100 }`.
  static func protobuf(_ bytes: [UInt8]) throws -> [ParameterDef] {
    let root = try ProtoWireMessage(bytes: bytes[...])
    return try root.messages(200).map { p in
      let shape = try p.messages(20).first?.repeatedInt64(1).map { Int($0) } ?? []
      return ParameterDef(name: try p.string(1) ?? "", shape: shape, values: try p.repeatedFloat(100))
    }
  }

  /// `parameter.h5`: one dataset per parameter, its path the parameter name; the `index`
  /// attribute (when present) gives nnabla's order.
  static func hdf5(_ bytes: [UInt8]) throws -> [ParameterDef] {
    let datasets = try HDF5File(bytes: bytes).datasets(maxDataBytes: ModelLimits.archive.entryBytes)
    let ordered = datasets.enumerated().sorted { lhs, rhs in
      let l = index(of: lhs.element) ?? Int64(lhs.offset)
      let r = index(of: rhs.element) ?? Int64(rhs.offset)
      return l < r
    }
    return ordered.map { ParameterDef(name: $0.element.path, shape: $0.element.shape, values: $0.element.values) }
  }

  private static func index(of dataset: HDF5Dataset) -> Int64? {
    if case .int(let i) = dataset.attributes["index"] { return i }
    return nil
  }
}
