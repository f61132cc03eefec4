/// Conversion of raw element bytes to Swift numbers and strings.
///
/// Every function takes raw bytes that the caller has already sized to `count * type.size`,
/// so the loops here index without further checks going wrong.
extension HDF5Datatype {
  /// The elements as `Float`: float32 bit-exact, wider or integer types rounded to nearest.
  func floats(_ raw: ArraySlice<UInt8>, count: Int) throws -> [Float] {
    switch self {
    case .float(4, let bigEndian):
      return raw.withUnsafeBytes { buffer in
        (0..<count).map { i in
          let bits = buffer.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)
          return Float(bitPattern: bigEndian ? bits.byteSwapped : UInt32(littleEndian: bits))
        }
      }
    case .float(8, let bigEndian):
      return raw.withUnsafeBytes { buffer in
        (0..<count).map { i in
          let bits = buffer.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
          return Float(Double(bitPattern: bigEndian ? bits.byteSwapped : UInt64(littleEndian: bits)))
        }
      }
    case .float(2, let bigEndian):
      return (0..<count).map { Self.half(UInt16(Self.raw(raw, $0 * 2, 2, bigEndian))) }
    case .integer(_, _, let signed, _, _), .enumeration(.integer(_, _, let signed, _, _)):
      return (0..<count).map { i in
        let v = integerBits(raw, i)
        return signed ? Float(Int64(bitPattern: v)) : Float(v)
      }
    default:
      throw FormatError("hdf5", "\(name) values cannot be read as numbers")
    }
  }

  /// The elements as `Double` (float types only).
  func doubles(_ raw: ArraySlice<UInt8>, count: Int) throws -> [Double] {
    guard case .float(let size, let bigEndian) = self else {
      throw FormatError("hdf5", "\(name) values cannot be read as floating point")
    }
    return (0..<count).map { i in
      let bits = Self.raw(raw, i * size, size, bigEndian)
      switch size {
      case 2: return Double(Self.half(UInt16(bits)))
      case 4: return Double(Float(bitPattern: UInt32(bits)))
      default: return Double(bitPattern: bits)
      }
    }
  }

  /// The elements as `Int64` (integer and enum types); unsigned values above `Int64.max` fail.
  func integers(_ raw: ArraySlice<UInt8>, count: Int) throws -> [Int64] {
    let signed: Bool
    switch self {
    case .integer(_, _, let s, _, _), .enumeration(.integer(_, _, let s, _, _)): signed = s
    default: throw FormatError("hdf5", "\(name) values cannot be read as integers")
    }
    return try (0..<count).map { i in
      let v = integerBits(raw, i)
      if signed { return Int64(bitPattern: v) }
      guard v <= UInt64(Int64.max) else { throw FormatError("hdf5", "\(name) value \(v) does not fit in Int64") }
      return Int64(v)
    }
  }

  /// The elements of a fixed-length string type.
  func fixedStrings(_ raw: ArraySlice<UInt8>, count: Int) -> [String] {
    guard case .string(let size, let spacePadded) = self else { return [] }
    return (0..<count).map { i in
      var bytes = raw.dropFirst(i * size).prefix(size)
      if spacePadded {
        while bytes.last == 0x20 || bytes.last == 0 { bytes = bytes.dropLast() }
      } else if let nul = bytes.firstIndex(of: 0) {
        bytes = bytes[..<nul]
      }
      return String(decoding: bytes, as: UTF8.self)
    }
  }

  /// Integer element `i`, shifted and masked to its precision and sign-extended when signed.
  private func integerBits(_ raw: ArraySlice<UInt8>, _ i: Int) -> UInt64 {
    let type: HDF5Datatype
    if case .enumeration(let base) = self { type = base } else { type = self }
    guard case .integer(let size, let bigEndian, let signed, let offset, let precision) = type else { return 0 }
    var v = Self.raw(raw, i * size, size, bigEndian) >> UInt64(offset)
    if precision < 64 {
      v &= (UInt64(1) << UInt64(precision)) - 1
      if signed, v >> UInt64(precision - 1) & 1 == 1 { v |= ~((UInt64(1) << UInt64(precision)) - 1) }
    }
    return v
  }

  /// An unsigned integer of `size` bytes at `offset` within `raw`.
  static func raw(_ raw: ArraySlice<UInt8>, _ offset: Int, _ size: Int, _ bigEndian: Bool) -> UInt64 {
    let start = raw.startIndex + offset
    var v: UInt64 = 0
    for j in 0..<size { v = v << 8 | UInt64(raw[bigEndian ? start + j : start + size - 1 - j]) }
    return v
  }

  /// IEEE binary16 to binary32; exact, since every half value is a float value.
  static func half(_ h: UInt16) -> Float {
    let sign: Float = h & 0x8000 != 0 ? -1 : 1
    let exponent = Int(h >> 10 & 0x1F), mantissa = UInt32(h & 0x3FF)
    switch exponent {
    case 0: return sign * Float(mantissa) * 0x1p-24
    case 31: return Float(bitPattern: UInt32(h & 0x8000) << 16 | 0x7F80_0000 | mantissa << 13)
    default: return Float(bitPattern: UInt32(h & 0x8000) << 16 | UInt32(exponent + 112) << 23 | mantissa << 13)
    }
  }
}
