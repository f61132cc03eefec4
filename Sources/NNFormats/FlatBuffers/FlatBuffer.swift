/// A read-only, fully bounds-checked view of a FlatBuffers buffer (the wire format of `.tflite`).
///
/// Every offset read from the buffer (root, vtable, field, vector, string, union) is checked
/// against the buffer before it is followed, and every vector's declared length against the bytes
/// that remain, so a malformed file throws a `FormatError("flatbuffers", …)` naming the byte
/// offset instead of trapping. Scalars are little-endian and read byte by byte (no alignment is
/// assumed). Tables are reached only by following offsets, so a cycle cannot recurse: the schema
/// readers walk a fixed depth; `maxVectorLength` bounds what one vector may make a reader allocate.
public struct FlatBuffer: Sendable {
  public let bytes: [UInt8]
  /// A vector may declare at most this many elements (the buffer's size bounds it anyway).
  public static let maxVectorLength = 1 << 28

  public init(bytes: [UInt8]) { self.bytes = bytes }

  /// The 4-character file identifier at bytes 4..<8, if the buffer is long enough.
  public var identifier: String? {
    guard bytes.count >= 8 else { return nil }
    return String(decoding: bytes[4..<8], as: UTF8.self)
  }

  /// The root table (the uoffset at byte 0).
  public func root() throws -> FlatTable {
    guard bytes.count >= 8 else { throw error("file of \(bytes.count) bytes is too short for a FlatBuffer") }
    return try table(at: try follow(0))
  }

  // MARK: - Checked primitive reads

  func error(_ message: String) -> FormatError { FormatError("flatbuffers", message) }

  func check(_ offset: Int, _ size: Int, _ what: String) throws {
    guard offset >= 0, size >= 0, offset <= bytes.count, size <= bytes.count - offset else {
      throw error("\(what) at byte \(offset) (\(size) bytes) runs past the end of the \(bytes.count)-byte buffer")
    }
  }

  func u8(_ at: Int) throws -> UInt8 {
    try check(at, 1, "byte")
    return bytes[at]
  }
  func u16(_ at: Int) throws -> UInt16 {
    try check(at, 2, "uint16")
    return UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
  }
  func u32(_ at: Int) throws -> UInt32 {
    try check(at, 4, "uint32")
    return UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
  }
  func u64(_ at: Int) throws -> UInt64 {
    try check(at, 8, "uint64")
    return UInt64(try u32(at)) | UInt64(try u32(at + 4)) << 32
  }

  /// The target of the uoffset stored at `at` (relative to `at`, forward only).
  func follow(_ at: Int) throws -> Int {
    let target = at + Int(try u32(at))
    guard target < bytes.count else {
      throw error("offset at byte \(at) points to byte \(target), past the end of the \(bytes.count)-byte buffer")
    }
    return target
  }

  /// The table whose start (its soffset to the vtable) is at `at`.
  func table(at position: Int) throws -> FlatTable {
    let soffset = Int(Int32(bitPattern: try u32(position)))
    let vtable = position - soffset
    guard vtable >= 0, vtable < bytes.count else {
      throw error("table at byte \(position) has its vtable at byte \(vtable), outside the buffer")
    }
    let vtableSize = Int(try u16(vtable))
    let tableSize = Int(try u16(vtable + 2))
    guard vtableSize >= 4, vtableSize % 2 == 0 else {
      throw error("table at byte \(position): vtable at byte \(vtable) has size \(vtableSize)")
    }
    try check(vtable, vtableSize, "vtable of the table at byte \(position)")
    guard tableSize >= 4 else { throw error("table at byte \(position) has size \(tableSize)") }
    try check(position, tableSize, "table")
    return FlatTable(buffer: self, position: position, vtable: vtable, fieldCount: (vtableSize - 4) / 2, size: tableSize)
  }
}

/// One table: its fields are read by their id (the order in the schema, unions counting twice).
public struct FlatTable: Sendable {
  public let buffer: FlatBuffer
  public let position: Int
  let vtable: Int
  let fieldCount: Int
  let size: Int

  /// The absolute position of field `id` holding `width` bytes, or nil when absent (default).
  func field(_ id: Int, width: Int) throws -> Int? {
    guard id < fieldCount else { return nil }
    let offset = Int(try buffer.u16(vtable + 4 + 2 * id))
    if offset == 0 { return nil }
    guard offset >= 4, offset + width <= size else {
      throw buffer.error("table at byte \(position): field \(id) at offset \(offset) (\(width) bytes) lies outside the table's \(size) bytes")
    }
    return position + offset
  }

  public func has(_ id: Int) throws -> Bool { try field(id, width: 1) != nil }
  /// Where field `id` lives in the buffer (nil: absent), e.g. to patch a file in a test.
  public func fieldPosition(_ id: Int) throws -> Int? { try field(id, width: 1) }

  public func uint8(_ id: Int, default d: UInt8 = 0) throws -> UInt8 {
    guard let p = try field(id, width: 1) else { return d }
    return try buffer.u8(p)
  }
  public func int8(_ id: Int, default d: Int8 = 0) throws -> Int8 { Int8(bitPattern: try uint8(id, default: UInt8(bitPattern: d))) }
  public func bool(_ id: Int, default d: Bool = false) throws -> Bool { try uint8(id, default: d ? 1 : 0) != 0 }
  public func uint16(_ id: Int, default d: UInt16 = 0) throws -> UInt16 {
    guard let p = try field(id, width: 2) else { return d }
    return try buffer.u16(p)
  }
  public func uint32(_ id: Int, default d: UInt32 = 0) throws -> UInt32 {
    guard let p = try field(id, width: 4) else { return d }
    return try buffer.u32(p)
  }
  public func int32(_ id: Int, default d: Int32 = 0) throws -> Int32 { Int32(bitPattern: try uint32(id, default: UInt32(bitPattern: d))) }
  public func uint64(_ id: Int, default d: UInt64 = 0) throws -> UInt64 {
    guard let p = try field(id, width: 8) else { return d }
    return try buffer.u64(p)
  }
  public func int64(_ id: Int, default d: Int64 = 0) throws -> Int64 { Int64(bitPattern: try uint64(id, default: UInt64(bitPattern: d))) }
  public func float32(_ id: Int, default d: Float = 0) throws -> Float { Float(bitPattern: try uint32(id, default: d.bitPattern)) }

  /// The position of an inline struct of `size` bytes (read its members with `FlatStruct`).
  public func structure(_ id: Int, size: Int) throws -> FlatStruct? {
    guard let p = try field(id, width: size) else { return nil }
    return FlatStruct(buffer: buffer, position: p, size: size)
  }

  /// A sub-table (also a union's value: read its type with `uint8(id - 1)`).
  public func table(_ id: Int) throws -> FlatTable? {
    guard let p = try field(id, width: 4) else { return nil }
    return try buffer.table(at: try buffer.follow(p))
  }

  /// A union: its type tag (field `id - 1`, NONE = 0) and its table, nil when NONE or absent.
  public func union(_ id: Int) throws -> (type: UInt8, table: FlatTable)? {
    let type = try uint8(id - 1)
    guard type != 0, let t = try table(id) else { return nil }
    return (type, t)
  }

  /// A vector of `elementSize`-byte elements (scalars, structs, or offsets to tables/strings).
  public func vector(_ id: Int, elementSize: Int) throws -> FlatVector? {
    guard let p = try field(id, width: 4) else { return nil }
    let start = try buffer.follow(p)
    let count = Int(try buffer.u32(start))
    guard count <= FlatBuffer.maxVectorLength else {
      throw buffer.error("vector at byte \(start) declares \(count) elements")
    }
    try buffer.check(start + 4, count * elementSize, "vector of \(count) \(elementSize)-byte elements")
    return FlatVector(buffer: buffer, start: start + 4, count: count, elementSize: elementSize)
  }

  public func string(_ id: Int) throws -> String? {
    guard let v = try vector(id, elementSize: 1) else { return nil }
    guard let s = String(validating: buffer.bytes[v.start..<(v.start + v.count)], as: UTF8.self) else {
      throw buffer.error("string at byte \(v.start - 4) is not valid UTF-8")
    }
    return s
  }

  public func tables(_ id: Int) throws -> [FlatTable] {
    guard let v = try vector(id, elementSize: 4) else { return [] }
    return try (0..<v.count).map { try buffer.table(at: try buffer.follow(v.start + 4 * $0)) }
  }

  public func int32s(_ id: Int) throws -> [Int32] {
    guard let v = try vector(id, elementSize: 4) else { return [] }
    return try (0..<v.count).map { Int32(bitPattern: try buffer.u32(v.start + 4 * $0)) }
  }
  public func int64s(_ id: Int) throws -> [Int64] {
    guard let v = try vector(id, elementSize: 8) else { return [] }
    return try (0..<v.count).map { Int64(bitPattern: try buffer.u64(v.start + 8 * $0)) }
  }
  public func float32s(_ id: Int) throws -> [Float] {
    guard let v = try vector(id, elementSize: 4) else { return [] }
    return try (0..<v.count).map { Float(bitPattern: try buffer.u32(v.start + 4 * $0)) }
  }
  /// A `[ubyte]` vector as the range of the buffer it occupies (no copy).
  public func byteRange(_ id: Int) throws -> Range<Int>? {
    guard let v = try vector(id, elementSize: 1) else { return nil }
    return v.start..<(v.start + v.count)
  }
}

/// A vector whose bytes have been checked to lie in the buffer.
public struct FlatVector: Sendable {
  public let buffer: FlatBuffer
  public let start: Int
  public let count: Int
  public let elementSize: Int
}

/// An inline struct: fixed-size members at fixed offsets.
public struct FlatStruct: Sendable {
  public let buffer: FlatBuffer
  public let position: Int
  public let size: Int
  public func uint32(at offset: Int) throws -> UInt32 {
    guard offset >= 0, offset + 4 <= size else { throw buffer.error("struct member at \(offset) outside its \(size) bytes") }
    return try buffer.u32(position + offset)
  }
  public func int32(at offset: Int) throws -> Int32 { Int32(bitPattern: try uint32(at: offset)) }
  public func float32(at offset: Int) throws -> Float { Float(bitPattern: try uint32(at: offset)) }
}
