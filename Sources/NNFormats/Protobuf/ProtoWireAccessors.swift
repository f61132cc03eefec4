/// Typed reads of `ProtoWireMessage` fields: the caller knows the schema, the bytes do not.
///
/// Singular accessors take the last occurrence, as protobuf parsers do when a field repeats.
/// A field present with a wire type that cannot hold the asked type is an error, not `nil`.
extension ProtoWireMessage {
  /// The last `string` field numbered `number`, validated as UTF-8.
  public func string(_ number: Int) throws -> String? {
    guard let i = occurrences(number).last else { return nil }
    return try decodeString(i)
  }

  /// Every `string` value of a repeated field.
  public func strings(_ number: Int) throws -> [String] {
    try occurrences(number).map(decodeString)
  }

  /// The last `bytes` field numbered `number`, as a slice of the input.
  public func bytes(_ number: Int) throws -> ArraySlice<UInt8>? {
    guard let i = occurrences(number).last else { return nil }
    guard case .bytes(let payload) = fields[i].value else { throw wrongType(i, expected: Self.wireTypeName(2)) }
    return payload
  }

  /// The last varint field numbered `number` as `int64`/`int32` (two's complement, not zigzag).
  public func int64(_ number: Int) throws -> Int64? {
    try uint64(number).map { Int64(bitPattern: $0) }
  }

  /// The last varint field numbered `number`, unsigned.
  public func uint64(_ number: Int) throws -> UInt64? {
    guard let i = occurrences(number).last else { return nil }
    guard case .varint(let v) = fields[i].value else { throw wrongType(i, expected: Self.wireTypeName(0)) }
    return v
  }

  /// The last varint field numbered `number` as a `bool` (any non-zero value is true).
  public func bool(_ number: Int) throws -> Bool? {
    try uint64(number).map { $0 != 0 }
  }

  /// The last `double` (64-bit) field numbered `number`.
  public func double(_ number: Int) throws -> Double? {
    guard let i = occurrences(number).last else { return nil }
    guard case .fixed64(let bits) = fields[i].value else { throw wrongType(i, expected: Self.wireTypeName(1)) }
    return Double(bitPattern: bits)
  }

  /// The last `float` (32-bit) field numbered `number`.
  public func float(_ number: Int) throws -> Float? {
    guard let i = occurrences(number).last else { return nil }
    guard case .fixed32(let bits) = fields[i].value else { throw wrongType(i, expected: Self.wireTypeName(5)) }
    return Float(bitPattern: bits)
  }

  /// A `repeated int64`, packed or not (writers may mix both), values concatenated in order.
  public func repeatedInt64(_ number: Int) throws -> [Int64] {
    var result: [Int64] = []
    for i in occurrences(number) {
      switch fields[i].value {
      case .varint(let v):
        result.append(Int64(bitPattern: v))
      case .bytes(let packed):
        var reader = ProtoWireReader(packed)
        while !reader.atEnd { result.append(Int64(bitPattern: try reader.varint())) }
      default:
        throw wrongType(i, expected: "0 (varint) or 2 (packed)")
      }
    }
    return result
  }

  /// A `repeated float`, packed or not, values concatenated in order.
  public func repeatedFloat(_ number: Int) throws -> [Float] {
    var result: [Float] = []
    for i in occurrences(number) {
      switch fields[i].value {
      case .fixed32(let bits):
        result.append(Float(bitPattern: bits))
      case .bytes(let packed):
        guard packed.count % 4 == 0 else {
          throw Self.error(
            "field \(number): packed float data is \(packed.count) bytes, not a multiple of 4, at byte \(offset(i))")
        }
        let floats = Self.littleEndianFloats(packed)
        if result.isEmpty { result = floats } else { result += floats }
      default:
        throw wrongType(i, expected: "5 (32-bit) or 2 (packed)")
      }
    }
    return result
  }

  /// A `repeated double`, packed or not, values concatenated in order.
  public func repeatedDouble(_ number: Int) throws -> [Double] {
    var result: [Double] = []
    for i in occurrences(number) {
      switch fields[i].value {
      case .fixed64(let bits):
        result.append(Double(bitPattern: bits))
      case .bytes(let packed):
        guard packed.count % 8 == 0 else {
          throw Self.error(
            "field \(number): packed double data is \(packed.count) bytes, not a multiple of 8, at byte \(offset(i))")
        }
        packed.withUnsafeBytes { raw in
          for k in 0..<raw.count / 8 {
            result.append(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: k * 8, as: UInt64.self))))
          }
        }
      default:
        throw wrongType(i, expected: "1 (64-bit) or 2 (packed)")
      }
    }
    return result
  }

  private func decodeString(_ i: Int) throws -> String {
    guard case .bytes(let payload) = fields[i].value else { throw wrongType(i, expected: Self.wireTypeName(2)) }
    guard let s = String(validating: payload, as: UTF8.self) else {
      throw Self.error("field \(fields[i].number): string is not valid UTF-8 at byte \(offset(i))")
    }
    return s
  }

  /// Packed float32 data in one pass: parameter files hold hundreds of thousands of them.
  static func littleEndianFloats(_ packed: ArraySlice<UInt8>) -> [Float] {
    let count = packed.count / 4
    return packed.withUnsafeBytes { raw in
      [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        #if _endian(little)
          // Same layout as the wire: one copy.
          UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<count * 4]))
        #else
          for k in 0..<count {
            buffer[k] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: k * 4, as: UInt32.self)))
          }
        #endif
        initialized = count
      }
    }
  }
}
