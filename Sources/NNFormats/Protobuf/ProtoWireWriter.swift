/// Builds a protobuf wire-format (binary) message field by field; the caller knows the schema.
///
/// Fields come out in the order they are added, as protobuf's own serializers write them in
/// field-number order when the caller adds them so. Repeated numeric fields are written packed
/// (proto3's default), which every reader accepts.
public struct ProtoWireWriter: Sendable {
  public private(set) var bytes: [UInt8] = []

  public init() {}

  /// `int64`, `int32`, `uint64`, `bool` or an enum: a varint (negative values take 10 bytes, as
  /// protobuf writes them).
  public mutating func varint(_ number: Int, _ value: Int64) {
    key(number, wireType: 0)
    putVarint(UInt64(bitPattern: value))
  }

  public mutating func bool(_ number: Int, _ value: Bool) { varint(number, value ? 1 : 0) }

  /// A `float` (wire type 5).
  public mutating func float(_ number: Int, _ value: Float) {
    key(number, wireType: 5)
    put32(value.bitPattern)
  }

  /// A `double` (wire type 1).
  public mutating func double(_ number: Int, _ value: Double) {
    key(number, wireType: 1)
    let bits = value.bitPattern
    put32(UInt32(truncatingIfNeeded: bits))
    put32(UInt32(truncatingIfNeeded: bits >> 32))
  }

  public mutating func string(_ number: Int, _ value: String) { bytes(number, Array(value.utf8)) }

  /// A length-delimited field: `bytes`, or an already encoded message.
  public mutating func bytes(_ number: Int, _ payload: [UInt8]) {
    key(number, wireType: 2)
    putVarint(UInt64(payload.count))
    bytes += payload
  }

  public mutating func message(_ number: Int, _ message: ProtoWireWriter) { bytes(number, message.bytes) }

  /// A packed `repeated int64` (nothing at all when empty, as proto3 writes it).
  public mutating func packedInt64(_ number: Int, _ values: [Int64]) {
    guard !values.isEmpty else { return }
    var payload = ProtoWireWriter()
    for v in values { payload.putVarint(UInt64(bitPattern: v)) }
    bytes(number, payload.bytes)
  }

  /// A packed `repeated float`: little-endian IEEE float32, 4 bytes each.
  public mutating func packedFloat(_ number: Int, _ values: [Float]) {
    guard !values.isEmpty else { return }
    key(number, wireType: 2)
    putVarint(UInt64(values.count * 4))
    #if _endian(little)
      values.withUnsafeBytes { bytes.append(contentsOf: $0) }  // already the wire layout: one copy
    #else
      bytes.reserveCapacity(bytes.count + values.count * 4)
      for v in values { put32(v.bitPattern) }
    #endif
  }

  private mutating func key(_ number: Int, wireType: Int) {
    precondition((1...536_870_911).contains(number), "protobuf field number \(number) is out of range")
    putVarint(UInt64(number) << 3 | UInt64(wireType))
  }

  private mutating func putVarint(_ value: UInt64) {
    var v = value
    while v >= 0x80 {
      bytes.append(UInt8(v & 0x7F) | 0x80)
      v >>= 7
    }
    bytes.append(UInt8(v))
  }

  private mutating func put32(_ v: UInt32) {
    bytes += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)]
  }
}
