extension NPY {
  /// A numeric dtype string such as `<f4`, `>i8` or `|u1`: byte order, kind, item size.
  struct DType {
    enum Kind { case float, signed, unsigned, bool }
    var kind: Kind
    var size: Int
    var bigEndian: Bool

    init(_ descr: String) throws {
      let chars = Array(descr)
      let known: [String: (Kind, Int)] = [
        "f2": (.float, 2), "f4": (.float, 4), "f8": (.float, 8),
        "i1": (.signed, 1), "i2": (.signed, 2), "i4": (.signed, 4), "i8": (.signed, 8),
        "u1": (.unsigned, 1), "u2": (.unsigned, 2), "u4": (.unsigned, 4), "u8": (.unsigned, 8),
        "b1": (.bool, 1),
      ]
      guard chars.count == 3, "<>|=".contains(chars[0]), let (kind, size) = known[String(chars[1...])] else {
        throw FormatError("npy", "unsupported dtype '\(descr)' (supported: f2 f4 f8 i1-i8 u1-u8 b1, either byte order)")
      }
      self.kind = kind
      self.size = size
      // '=' is native order, little-endian on every platform we run on; '|' is for 1-byte types.
      bigEndian = chars[0] == ">"
    }

    /// Converts `count` items starting at `bytes[from]` (already bounds-checked) to Float.
    func convert(_ bytes: [UInt8], from start: Int, count: Int) -> [Float] {
      if kind == .float && size == 4 && !bigEndian {
        // The common case (float32 weights and inputs): a straight reinterpretation.
        return bytes.withUnsafeBytes { raw in
          (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * $0, as: UInt32.self))) }
        }
      }
      return bytes.withUnsafeBufferPointer { b in
        (0..<count).map { i in
          var bits: UInt64 = 0
          let at = start + i * size
          for k in 0..<size {
            let byte = UInt64(b[bigEndian ? at + k : at + size - 1 - k])
            bits = bits << 8 | byte
          }
          return value(bits)
        }
      }
    }

    /// One item's bits (right-aligned) as a Float.
    func value(_ bits: UInt64) -> Float {
      switch kind {
      case .bool: return bits != 0 ? 1 : 0
      case .unsigned: return Float(bits)
      case .signed:
        let shift = UInt64(64 - 8 * size)
        return Float(Int64(bitPattern: bits << shift) >> shift)  // sign-extend
      case .float:
        switch size {
        case 2: return NPY.halfToFloat(UInt16(truncatingIfNeeded: bits))
        case 4: return Float(bitPattern: UInt32(truncatingIfNeeded: bits))
        default: return Float(Double(bitPattern: bits))
        }
      }
    }
  }

  /// IEEE 754 binary16 to Float, written out because `Float16` is not available everywhere.
  static func halfToFloat(_ h: UInt16) -> Float {
    let sign: Float = h & 0x8000 != 0 ? -1 : 1
    let exponent = Int(h >> 10 & 0x1F), mantissa = Int(h & 0x3FF)
    switch exponent {
    case 0: return sign * Float(mantissa) * 0x1p-24  // zero and subnormals
    case 31: return mantissa == 0 ? sign * .infinity : .nan
    default: return sign * Float(bitPattern: UInt32(exponent + 112) << 23 | UInt32(mantissa) << 13)
    }
  }
}
