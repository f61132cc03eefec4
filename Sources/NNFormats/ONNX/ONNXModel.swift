/// An ONNX `ModelProto` (onnx.proto, IR version 3 and later), decoded to the parts an inference
/// compiler reads: the graph's nodes, initializers, inputs and outputs, and the opsets.
///
/// Every count and length comes from the bytes, so each is checked before it is used: a tensor's
/// dims must be non-negative and hold at most `ONNXModel.maxElements` values, and its data must
/// have exactly that many. A malformed file is one `FormatError`, never a trap.
public struct ONNXModel: Sendable {
  public var irVersion: Int64
  public var producerName: String
  /// Opset version by domain ("" is the default `ai.onnx` domain).
  public var opsets: [String: Int64]
  public var graph: ONNXGraph

  /// The most values one tensor may hold (a 64 MiB file cannot hold more float32 values).
  public static let maxElements = 1 << 26
  /// The deepest rank accepted.
  public static let maxRank = 16

  public init(bytes: [UInt8]) throws {
    let m = try ProtoWireMessage(bytes: bytes)
    irVersion = try m.int64(1) ?? 0
    producerName = try m.string(2) ?? ""
    var opsets: [String: Int64] = [:]
    for o in try m.messages(8) {
      opsets[try o.string(1) ?? ""] = try o.int64(2) ?? 0
    }
    self.opsets = opsets
    guard let g = try m.message(7) else {
      throw Self.error("the file holds no graph (is it an ONNX model?)")
    }
    graph = try ONNXGraph(g)
  }

  /// The version of the default (`ai.onnx`) operator set.
  public var opset: Int64 { opsets[""] ?? opsets["ai.onnx"] ?? 0 }

  static func error(_ message: String) -> FormatError { FormatError("ONNX", message) }
}

public struct ONNXGraph: Sendable {
  public var name: String
  public var nodes: [ONNXNode]
  public var initializers: [ONNXTensor]
  public var inputs: [ONNXValueInfo]
  public var outputs: [ONNXValueInfo]

  init(_ m: ProtoWireMessage) throws {
    name = try m.string(2) ?? ""
    nodes = try m.messages(1).map(ONNXNode.init)
    initializers = try m.messages(5).map { try ONNXTensor($0) }
    inputs = try m.messages(11).map(ONNXValueInfo.init)
    outputs = try m.messages(12).map(ONNXValueInfo.init)
    if !(try m.messages(15)).isEmpty {
      throw ONNXModel.error("sparse initializers are not supported")
    }
  }
}

public struct ONNXNode: Sendable {
  public var name: String
  public var opType: String
  public var domain: String
  /// Input names; "" marks an omitted optional input.
  public var inputs: [String]
  public var outputs: [String]
  public var attributes: [String: ONNXAttribute]

  init(_ m: ProtoWireMessage) throws {
    inputs = try m.strings(1)
    outputs = try m.strings(2)
    name = try m.string(3) ?? ""
    opType = try m.string(4) ?? ""
    domain = try m.string(7) ?? ""
    var attributes: [String: ONNXAttribute] = [:]
    for a in try m.messages(5) {
      let name = try a.string(1) ?? ""
      attributes[name] = try ONNXAttribute(a, name: name)
    }
    self.attributes = attributes
  }
}

/// One attribute value, by its declared type.
public enum ONNXAttribute: Sendable {
  case float(Float)
  case int(Int64)
  case string(String)
  case tensor(ONNXTensor)
  case floats([Float])
  case ints([Int64])
  case strings([String])
  /// A graph, sparse tensor or type attribute (control flow, not compiled).
  case other(Int64)

  init(_ m: ProtoWireMessage, name: String) throws {
    var type = try m.int64(20) ?? 0
    if type == 0 {
      // IR < 3 writers may omit the type: infer it from the field present.
      for (field, t) in [(2, 1), (3, 2), (4, 3), (5, 4), (7, 6), (8, 7), (9, 8)] as [(Int, Int64)]
      where m.fields.contains(where: { $0.number == field }) {
        type = t
        break
      }
    }
    switch type {
    case 1: self = .float(try m.float(2) ?? 0)
    case 2: self = .int(try m.int64(3) ?? 0)
    case 3:
      let bytes = try m.bytes(4) ?? []
      self = .string(String(decoding: bytes, as: UTF8.self))
    case 4:
      guard let t = try m.message(5) else { throw ONNXModel.error("attribute '\(name)' is a tensor but holds none") }
      self = .tensor(try ONNXTensor(t))
    case 6: self = .floats(try m.repeatedFloat(7))
    case 7: self = .ints(try m.repeatedInt64(8))
    case 8: self = .strings(try m.strings(9))
    default: self = .other(type)
    }
  }
}

/// A tensor's name, shape and values; integer and float types are kept apart so int64 shapes
/// and indices stay exact.
public struct ONNXTensor: Sendable {
  public var name: String
  public var dims: [Int]
  public var dataType: Int64
  /// The values as Double (float, double, float16 and every integer type up to 2^53 are exact).
  public var values: [Double]
  /// Where the data is when it is kept outside the model file (`location`, `offset`, `length`).
  public var external: [String: String]?

  public static let float = Int64(1), uint8 = Int64(2), int8 = Int64(3), uint16 = Int64(4), int16 = Int64(5),
    int32 = Int64(6), int64 = Int64(7), bool = Int64(9), float16 = Int64(10), double = Int64(11),
    uint32 = Int64(12), uint64 = Int64(13)

  public var isInteger: Bool { ![Self.float, Self.float16, Self.double].contains(dataType) }
  public var elementCount: Int { dims.reduce(1, *) }

  public init(name: String, dims: [Int], dataType: Int64, values: [Double]) {
    self.name = name
    self.dims = dims
    self.dataType = dataType
    self.values = values
  }

  public static func typeName(_ t: Int64) -> String {
    let names: [Int64: String] = [
      1: "float", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64", 8: "string", 9: "bool",
      10: "float16", 11: "double", 12: "uint32", 13: "uint64", 14: "complex64", 15: "complex128", 16: "bfloat16",
    ]
    return names[t] ?? "type \(t)"
  }

  init(_ m: ProtoWireMessage) throws {
    name = try m.string(8) ?? ""
    let rawDims = try m.repeatedInt64(1)
    guard rawDims.count <= ONNXModel.maxRank else {
      throw ONNXModel.error("tensor '\(name)' has rank \(rawDims.count), more than \(ONNXModel.maxRank)")
    }
    var count = 1
    for d in rawDims {
      guard d >= 0, d <= ONNXModel.maxElements else {
        throw ONNXModel.error("tensor '\(name)' has dimension \(d) in \(rawDims)")
      }
      count *= Int(d)
      guard count <= ONNXModel.maxElements else {
        throw ONNXModel.error("tensor '\(name)' of shape \(rawDims) holds more than \(ONNXModel.maxElements) values")
      }
    }
    dims = rawDims.map { Int($0) }
    dataType = try m.int64(2) ?? 0
    values = []
    if try m.int64(14) == 1 {
      var entries: [String: String] = [:]
      for e in try m.messages(13) { entries[try e.string(1) ?? ""] = try e.string(2) ?? "" }
      external = entries
      return
    }
    let name = self.name
    func check(_ n: Int, _ field: String) throws {
      guard n == count else {
        throw ONNXModel.error("tensor '\(name)' of shape \(rawDims) holds \(n) \(field) values, expected \(count)")
      }
    }
    if let raw = try m.bytes(9) {
      let size = try elementSize()
      guard raw.count == count * size else {
        throw ONNXModel.error("tensor '\(name)' of shape \(rawDims) has \(raw.count) bytes of raw data, expected \(count * size)")
      }
      values = Self.decodeRaw(raw, type: dataType, count: count, size: size)
      return
    }
    switch dataType {
    case Self.float:
      let f = try m.repeatedFloat(4)
      try check(f.count, "float_data")
      values = f.map(Double.init)
    case Self.double:
      values = try m.repeatedDouble(10)
      try check(values.count, "double_data")
    case Self.int64:
      values = try m.repeatedInt64(7).map(Double.init)
      try check(values.count, "int64_data")
    case Self.uint64, Self.uint32:
      values = try m.repeatedInt64(11).map { Double(UInt64(bitPattern: $0)) }
      try check(values.count, "uint64_data")
    case Self.int32, Self.int16, Self.int8, Self.uint16, Self.uint8, Self.bool:
      values = try m.repeatedInt64(5).map { Double(Int32(truncatingIfNeeded: $0)) }
      try check(values.count, "int32_data")
    case Self.float16:
      values = try m.repeatedInt64(5).map { Double(Self.half(UInt16(truncatingIfNeeded: $0))) }
      try check(values.count, "int32_data")
    default:
      throw ONNXModel.error("tensor '\(name)' has data type \(Self.typeName(dataType)), which nncompile does not read")
    }
  }

  static func decodeRaw(_ raw: ArraySlice<UInt8>, type: Int64, count: Int, size: Int) -> [Double] {
    var out = [Double]()
    out.reserveCapacity(count)
    let base = raw.startIndex
    func bits(_ k: Int) -> UInt64 {
      var v: UInt64 = 0
      for b in 0..<size { v |= UInt64(raw[base + k * size + b]) << (8 * b) }
      return v
    }
    for k in 0..<count {
      let v = bits(k)
      switch type {
      case Self.float: out.append(Double(Float(bitPattern: UInt32(truncatingIfNeeded: v))))
      case Self.double: out.append(Double(bitPattern: v))
      case Self.float16: out.append(Double(half(UInt16(truncatingIfNeeded: v))))
      case Self.int64: out.append(Double(Int64(bitPattern: v)))
      case Self.uint64, Self.uint32, Self.uint16, Self.uint8: out.append(Double(v))
      case Self.int32: out.append(Double(Int32(truncatingIfNeeded: v)))
      case Self.int16: out.append(Double(Int16(truncatingIfNeeded: v)))
      case Self.int8: out.append(Double(Int8(truncatingIfNeeded: v)))
      default: out.append(v == 0 ? 0 : 1)  // bool
      }
    }
    return out
  }

  /// IEEE half to Float, subnormals and infinities included.
  static func half(_ h: UInt16) -> Float {
    let sign: Float = h & 0x8000 != 0 ? -1 : 1
    let e = Int((h >> 10) & 0x1F), f = Float(h & 0x3FF)
    if e == 0 { return sign * f * 0x1p-24 }
    if e == 31 { return f == 0 ? sign * .infinity : .nan }
    return sign * (1 + f / 1024) * Float(sign: .plus, exponent: e - 15, significand: 1)
  }

  /// Bytes per element of raw or external data, for the data types nncompile reads.
  func elementSize() throws -> Int {
    switch dataType {
    case Self.float, Self.int32, Self.uint32: return 4
    case Self.double, Self.int64, Self.uint64: return 8
    case Self.float16, Self.int16, Self.uint16: return 2
    case Self.int8, Self.uint8, Self.bool: return 1
    default: throw ONNXModel.error("tensor '\(name)' has data type \(Self.typeName(dataType)), which nncompile does not read")
    }
  }

  /// Fills `values` from external data: `file` is the whole file `location` names.
  public mutating func loadExternal(_ file: [UInt8]) throws {
    let offset = Int(external?["offset"] ?? "0") ?? -1
    let size = try elementSize()
    let count = elementCount
    let length = Int(external?["length"] ?? "\(count * size)") ?? -1
    guard offset >= 0, length == count * size, offset <= file.count, length <= file.count - offset else {
      throw ONNXModel.error(
        "tensor '\(name)': external data at offset \(external?["offset"] ?? "0") length \(external?["length"] ?? "?") does not fit its \(count) values in a \(file.count)-byte file")
    }
    values = Self.decodeRaw(file[offset..<(offset + length)], type: dataType, count: count, size: size)
    external = nil
  }
}

/// A graph input or output: its name, element type and shape (a dimension is its value, or the
/// symbolic name of a dynamic one).
public struct ONNXValueInfo: Sendable {
  public enum Dim: Sendable, Equatable { case value(Int), param(String) }
  public var name: String
  public var elementType: Int64
  /// nil when the shape is not given at all.
  public var shape: [Dim]?

  init(_ m: ProtoWireMessage) throws {
    name = try m.string(1) ?? ""
    elementType = 0
    shape = nil
    guard let type = try m.message(2), let tensor = try type.message(1) else { return }
    elementType = try tensor.int64(1) ?? 0
    guard let s = try tensor.message(2) else { return }
    let dims = try s.messages(1)
    guard dims.count <= ONNXModel.maxRank else {
      throw ONNXModel.error("value '\(name)' has rank \(dims.count), more than \(ONNXModel.maxRank)")
    }
    shape = try dims.map { d in
      if let v = try d.int64(1) {
        guard v >= 0, v <= ONNXModel.maxElements else { throw ONNXModel.error("value '\(name)' has dimension \(v)") }
        return .value(Int(v))
      }
      return .param(try d.string(2) ?? "")
    }
  }
}
