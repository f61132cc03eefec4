/// An element type from a datatype message (spec IV.A.2.d), reduced to what we can convert.
///
/// Unsupported classes parse to `.unsupported` rather than failing, so a file only fails when
/// a value of that type is actually needed, and the error can then name the object.
indirect enum HDF5Datatype: Sendable, Equatable {
  /// Class 0: fixed-point integer, possibly with a bit offset or fewer bits than its size.
  case integer(size: Int, bigEndian: Bool, signed: Bool, bitOffset: Int, precision: Int)
  /// Class 1: IEEE 754 binary16/32/64 (other layouts are `.unsupported`).
  case float(size: Int, bigEndian: Bool)
  /// Class 3: fixed-length string; space-padded strings drop trailing spaces, others stop at NUL.
  case string(size: Int, spacePadded: Bool)
  /// Class 8: enumeration; values are read as the base integer (h5py stores bool as an int8 enum).
  case enumeration(base: HDF5Datatype)
  /// Class 9 with type 1: variable-length string, stored in a global heap.
  case variableString(size: Int)
  case unsupported(String, size: Int)

  var size: Int {
    switch self {
    case .integer(let size, _, _, _, _), .float(let size, _), .string(let size, _),
      .variableString(let size), .unsupported(_, let size):
      size
    case .enumeration(let base): base.size
    }
  }

  /// A short name for error messages, such as "float32" or "big-endian int16".
  var name: String {
    switch self {
    case .integer(let size, let bigEndian, let signed, _, _):
      (bigEndian ? "big-endian " : "") + (signed ? "int" : "uint") + "\(size * 8)"
    case .float(let size, let bigEndian): (bigEndian ? "big-endian " : "") + "float\(size * 8)"
    case .string(let size, _): "string of \(size) bytes"
    case .enumeration(let base): "enum of \(base.name)"
    case .variableString: "variable-length string"
    case .unsupported(let description, _): description
    }
  }

  /// Parses a datatype message body; `depth` guards nested base types.
  static func parse(_ c: inout HDF5Cursor, depth: Int = 0) throws -> HDF5Datatype {
    let at = c.position
    guard depth < 4 else { throw c.error("datatype at byte \(at) nests base types too deeply") }
    let classAndVersion = try c.u8()
    let typeClass = classAndVersion & 0x0F, version = classAndVersion >> 4
    guard (1...5).contains(version) else {
      throw c.error("unsupported datatype version \(version) at byte \(at)")
    }
    let bits0 = try c.u8(), bits1 = try c.u8()
    _ = try c.u8()
    let size = try c.int(4, "datatype size")
    guard size > 0 else { throw c.error("datatype at byte \(at) has size 0") }
    switch typeClass {
    case 0:
      let offset = Int(try c.u16()), precision = Int(try c.u16())
      guard size <= 8, precision > 0, offset + precision <= size * 8 else {
        return .unsupported("\(size)-byte integer with \(precision) bits at bit \(offset)", size: size)
      }
      return .integer(
        size: size, bigEndian: bits0 & 0x01 != 0, signed: bits0 & 0x08 != 0, bitOffset: offset, precision: precision)
    case 1:
      return try parseFloat(&c, size: size, bits0: bits0, signLocation: Int(bits1))
    case 3:
      return .string(size: size, spacePadded: bits0 & 0x0F == 2)
    case 8:
      let base = try parse(&c, depth: depth + 1)
      guard case .integer = base, base.size == size else {
        return .unsupported("enum of \(base.name)", size: size)
      }
      return .enumeration(base: base)  // member names and values are not needed to read values
    case 9:
      let isString = bits0 & 0x0F == 1
      return isString ? .variableString(size: size) : .unsupported("variable-length sequence", size: size)
    default:
      let names = [2: "time", 4: "bitfield", 5: "opaque", 6: "compound", 7: "reference", 10: "array", 11: "complex"]
      return .unsupported("datatype class \(typeClass) (\(names[Int(typeClass)] ?? "unknown"))", size: size)
    }
  }

  /// Floating point (class 1): accepted only when the bit layout is exactly IEEE 754.
  private static func parseFloat(_ c: inout HDF5Cursor, size: Int, bits0: UInt8, signLocation: Int) throws -> HDF5Datatype {
    let offset = Int(try c.u16()), precision = Int(try c.u16())
    let exponentLocation = Int(try c.u8()), exponentSize = Int(try c.u8())
    let mantissaLocation = Int(try c.u8()), mantissaSize = Int(try c.u8())
    let bias = Int(try c.u32())
    // (precision, exponent location, exponent size, mantissa size, bias) of binary16/32/64.
    let ieee: [Int: (Int, Int, Int, Int, Int)] = [2: (16, 10, 5, 10, 15), 4: (32, 23, 8, 23, 127), 8: (64, 52, 11, 52, 1023)]
    guard bits0 & 0x40 == 0 else { return .unsupported("VAX-order float\(size * 8)", size: size) }
    guard let want = ieee[size], offset == 0, mantissaLocation == 0, signLocation == size * 8 - 1,
      want == (precision, exponentLocation, exponentSize, mantissaSize, bias)
    else {
      return .unsupported("non-IEEE \(size)-byte floating point", size: size)
    }
    return .float(size: size, bigEndian: bits0 & 0x01 != 0)
  }
}

/// The shape from a dataspace message (spec IV.A.2.b).
struct HDF5Dataspace: Sendable {
  /// Current dimension sizes; empty for a scalar.
  let dims: [UInt64]
  /// A null dataspace holds no elements at all (h5py's `Empty`).
  let isNull: Bool

  static func parse(_ c: inout HDF5Cursor) throws -> HDF5Dataspace {
    let at = c.position
    let version = try c.u8()
    let rank = Int(try c.u8())
    _ = try c.u8()  // flags: whether maximum sizes follow the current ones, which we do not need
    var isNull = false
    switch version {
    case 1: try c.skip(5)  // reserved
    case 2: isNull = try c.u8() == 2  // 0 scalar, 1 simple, 2 null
    default: throw c.error("unsupported dataspace version \(version) at byte \(at)")
    }
    guard rank <= 32 else { throw c.error("dataspace at byte \(at) has \(rank) dimensions (at most 32 allowed)") }
    var dims: [UInt64] = []
    for _ in 0..<rank { dims.append(try c.length()) }
    return HDF5Dataspace(dims: isNull ? [] : dims, isNull: isNull)
  }

  /// The number of elements, or `nil` when it does not fit in 64 bits.
  var elementCount: UInt64? {
    if isNull { return 0 }
    var n: UInt64 = 1
    for d in dims {
      let (product, overflow) = n.multipliedReportingOverflow(by: d)
      if overflow { return nil }
      n = product
    }
    return n
  }

  var description: String { isNull ? "null" : "[" + dims.map(String.init).joined(separator: ", ") + "]" }
}
