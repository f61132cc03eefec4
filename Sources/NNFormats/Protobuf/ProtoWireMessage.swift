/// The payload of one protobuf wire-format field, by wire type.
public enum ProtoWireValue: Sendable, Equatable {
  /// Wire type 0.
  case varint(UInt64)
  /// Wire type 1, the raw little-endian bits.
  case fixed64(UInt64)
  /// Wire type 2: a string, bytes, a nested message or a packed repeated field. The slice shares
  /// the input's storage and keeps its indices, so offsets stay file offsets.
  case bytes(ArraySlice<UInt8>)
  /// Wire type 5, the raw little-endian bits.
  case fixed32(UInt32)

  var wireType: Int {
    switch self {
    case .varint: return 0
    case .fixed64: return 1
    case .bytes: return 2
    case .fixed32: return 5
    }
  }
}

/// One field of a wire-format message: its number and payload.
public struct ProtoWireField: Sendable, Equatable {
  public let number: Int
  public let value: ProtoWireValue

  public init(number: Int, value: ProtoWireValue) {
    self.number = number
    self.value = value
  }
}

/// One level of a protobuf wire-format (binary) message, decoded without a schema.
///
/// Nested messages stay undecoded bytes until `messages(_:)` asks for them, so a reader walks
/// only the parts it needs and big packed arrays are read once, straight from the input.
public struct ProtoWireMessage: Sendable {
  /// Deeper nesting than any real schema; bounds callers that recurse over unknown input.
  public static let maxDepth = 100

  /// The fields in the order they appear, repeated numbers kept.
  public private(set) var fields: [ProtoWireField] = []
  /// Where each field's key starts (an index into the input's base buffer), for error messages.
  private var offsets: [Int] = []
  private let depth: Int

  /// Decodes the fields of `bytes`; offsets in errors are `bytes`' own indices.
  public init(bytes: ArraySlice<UInt8>) throws {
    try self.init(bytes: bytes, depth: 0)
  }

  /// Decodes the fields of a whole buffer.
  public init(bytes: [UInt8]) throws {
    try self.init(bytes: bytes[...], depth: 0)
  }

  private init(bytes: ArraySlice<UInt8>, depth: Int) throws {
    self.depth = depth
    var reader = ProtoWireReader(bytes)
    while !reader.atEnd {
      let keyOffset = reader.position
      let key = try reader.varint()
      let number = key >> 3
      guard number != 0 else { throw Self.error("field number 0 is invalid at byte \(keyOffset)") }
      guard number <= 536_870_911 else {
        throw Self.error("field number \(number) exceeds the maximum 536870911 at byte \(keyOffset)")
      }
      let value: ProtoWireValue
      switch key & 7 {
      case 0: value = .varint(try reader.varint())
      case 1: value = .fixed64(try reader.fixed64(field: number))
      case 2: value = .bytes(try reader.lengthDelimited(field: number, keyOffset: keyOffset))
      case 5: value = .fixed32(try reader.fixed32(field: number))
      case 3, 4:
        throw Self.error("field \(number): groups (wire type \(key & 7)) are not supported at byte \(keyOffset)")
      default:
        throw Self.error("field \(number): invalid wire type \(key & 7) at byte \(keyOffset)")
      }
      fields.append(ProtoWireField(number: Int(number), value: value))
      offsets.append(keyOffset)
    }
  }

  static func error(_ message: String) -> FormatError { FormatError("protobuf", message) }

  static func wireTypeName(_ type: Int) -> String {
    switch type {
    case 0: return "0 (varint)"
    case 1: return "1 (64-bit)"
    case 2: return "2 (length-delimited)"
    case 5: return "5 (32-bit)"
    default: return "\(type)"
    }
  }

  /// The indices into `fields` of every field numbered `number`.
  func occurrences(_ number: Int) -> [Int] {
    fields.indices.filter { fields[$0].number == number }
  }

  /// The byte offset of `fields[index]`'s key.
  func offset(_ index: Int) -> Int { offsets[index] }

  func wrongType(_ index: Int, expected: String) -> FormatError {
    let field = fields[index]
    return Self.error(
      "field \(field.number): expected wire type \(expected), found \(Self.wireTypeName(field.value.wireType)) at byte \(offsets[index])")
  }

  /// All length-delimited fields numbered `number`, each decoded as a message.
  public func messages(_ number: Int) throws -> [ProtoWireMessage] {
    try occurrences(number).map { i in
      guard case .bytes(let payload) = fields[i].value else {
        throw wrongType(i, expected: Self.wireTypeName(2))
      }
      guard depth < Self.maxDepth else {
        throw Self.error("field \(number): messages nested deeper than \(Self.maxDepth) levels at byte \(offsets[i])")
      }
      return try ProtoWireMessage(bytes: payload, depth: depth + 1)
    }
  }

  /// The first length-delimited field numbered `number`, decoded as a message.
  public func message(_ number: Int) throws -> ProtoWireMessage? {
    guard let i = occurrences(number).first else { return nil }
    guard case .bytes(let payload) = fields[i].value else { throw wrongType(i, expected: Self.wireTypeName(2)) }
    guard depth < Self.maxDepth else {
      throw Self.error("field \(number): messages nested deeper than \(Self.maxDepth) levels at byte \(offsets[i])")
    }
    return try ProtoWireMessage(bytes: payload, depth: depth + 1)
  }
}

/// A cursor over wire-format bytes whose errors name the byte where decoding failed.
struct ProtoWireReader {
  let bytes: ArraySlice<UInt8>
  private(set) var position: Int

  init(_ bytes: ArraySlice<UInt8>) {
    self.bytes = bytes
    position = bytes.startIndex
  }

  var atEnd: Bool { position >= bytes.endIndex }

  /// A base-128 varint of at most 10 bytes; bits past 64 are dropped, as protobuf's readers do.
  mutating func varint() throws -> UInt64 {
    let start = position
    var result: UInt64 = 0
    var shift: UInt64 = 0
    while shift < 70 {
      guard position < bytes.endIndex else {
        throw ProtoWireMessage.error("truncated varint at byte \(start)")
      }
      let b = bytes[position]
      position += 1
      // Smart shift: bits shifted past 63 vanish instead of trapping.
      result |= UInt64(b & 0x7F) << shift
      if b & 0x80 == 0 { return result }
      shift += 7
    }
    throw ProtoWireMessage.error("varint longer than 10 bytes at byte \(start)")
  }

  mutating func fixed32(field: UInt64) throws -> UInt32 {
    guard bytes.endIndex - position >= 4 else {
      throw ProtoWireMessage.error("field \(field): truncated 32-bit value at byte \(position)")
    }
    var v: UInt32 = 0
    for k in 0..<4 { v |= UInt32(bytes[position + k]) << (8 * k) }
    position += 4
    return v
  }

  mutating func fixed64(field: UInt64) throws -> UInt64 {
    guard bytes.endIndex - position >= 8 else {
      throw ProtoWireMessage.error("field \(field): truncated 64-bit value at byte \(position)")
    }
    var v: UInt64 = 0
    for k in 0..<8 { v |= UInt64(bytes[position + k]) << (8 * k) }
    position += 8
    return v
  }

  mutating func lengthDelimited(field: UInt64, keyOffset: Int) throws -> ArraySlice<UInt8> {
    let length = try varint()
    let left = bytes.endIndex - position
    // Compare as UInt64 so a huge length cannot overflow Int.
    guard length <= UInt64(left) else {
      throw ProtoWireMessage.error(
        "field \(field): length \(length) runs past the end of the message (\(left) bytes left) at byte \(keyOffset)")
    }
    let end = position + Int(length)
    defer { position = end }
    return bytes[position..<end]
  }
}
