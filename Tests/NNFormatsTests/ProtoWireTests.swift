import Foundation
import NNFormats
import Testing
import _NNTestSupport

/// The `.nnp` fixtures and what `Fixtures/formats/make_proto_expectations.py` found in them
/// with its own pure-Python reader; ProtoTextTests uses it too.
enum ProtoFixtures {
  static let nnpFiles = [
    "real/nnabla_lenet_010000.nnp", "real/nnc_result.nnp", "real/nnc_result2.nnp",
    "nnabla/cnn_bn/model.nnp", "nnabla/cnn_bn/model_pb.nnp", "nnabla/iris_mlp/model.nnp",
    "nnabla/iris_mlp/model_pb.nnp", "nnabla/lenet28/model.nnp", "nnabla/lenet28/model_pb.nnp",
    "nnabla/digits_lenet/model.nnp",
  ]

  struct Expectation: Decodable {
    struct Network: Decodable { var name: String; var functions: Int; var variables: Int }
    struct Parameter: Decodable {
      var name: String
      var shape: [Int]
      var count: Int
      var first: [Double]
      var last: Double?
      var sum: Double
      var need_grad: Bool?
    }
    var text: String
    var networks: [Network]
    var executors: Int
    var parameters: [Parameter]?
  }

  static func expectations() throws -> [String: Expectation] {
    let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("formats/proto_expectations.json")))
    return try JSONDecoder().decode([String: Expectation].self, from: data)
  }

  /// One entry of an `.nnp` archive.
  static func entry(_ nnp: String, _ name: String) throws -> [UInt8] {
    let entries = try ZipWriter.entries(of: try Fixtures.bytes(nnp))
    guard let entry = entries.first(where: { $0.name == name }) else {
      throw FormatError("test", "\(nnp) has no \(name)")
    }
    return entry.bytes
  }

  static func network(_ nnp: String) throws -> ProtoTextMessage {
    let name = try expectations()[nnp]?.text ?? "network.nntxt"
    return try ProtoTextMessage.parse(bytes: try entry(nnp, name))
  }
}

/// Builds wire-format bytes by hand, so each test states exactly what is on the wire.
private enum ProtoWireBytes {
  static func varint(_ value: UInt64) -> [UInt8] {
    var v = value
    var out: [UInt8] = []
    while v >= 0x80 {
      out.append(UInt8(v & 0x7F) | 0x80)
      v >>= 7
    }
    return out + [UInt8(v)]
  }
  static func key(_ number: Int, _ type: Int) -> [UInt8] { varint(UInt64(number << 3 | type)) }
  static func varint(_ number: Int, _ value: UInt64) -> [UInt8] { key(number, 0) + varint(value) }
  static func bytes(_ number: Int, _ payload: [UInt8]) -> [UInt8] {
    key(number, 2) + varint(UInt64(payload.count)) + payload
  }
  static func fixed32(_ number: Int, _ value: UInt32) -> [UInt8] {
    key(number, 5) + (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
  }
  static func fixed64(_ number: Int, _ value: UInt64) -> [UInt8] {
    key(number, 1) + (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
  }
  static func packedFloats(_ values: [Float]) -> [UInt8] {
    values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * $0)) } }
  }
}

/// The error decoding or an accessor throws, as printed, or nil on success.
private func wireError(_ body: () throws -> Void) -> String? {
  do {
    try body()
    return nil
  } catch let error as FormatError {
    return "\(error)"
  } catch {
    return "unexpected \(error)"
  }
}

@Suite struct ProtoWireRealFileTests {
  static let parameterFiles = ProtoFixtures.nnpFiles.filter { !$0.hasSuffix("/model.nnp") }

  @Test(arguments: parameterFiles)
  func parametersMatchIndependentDecode(_ nnp: String) throws {
    let expected = try #require(try ProtoFixtures.expectations()[nnp]?.parameters)
    let root = try ProtoWireMessage(bytes: try ProtoFixtures.entry(nnp, "parameter.protobuf")[...])
    let parameters = try root.messages(200)
    #expect(parameters.count == expected.count)
    #expect(!expected.isEmpty)
    for (p, want) in zip(parameters, expected) {
      #expect(try p.string(1) == want.name)
      let shape = try p.message(20)?.repeatedInt64(1).map { Int($0) } ?? []
      #expect(shape == want.shape)
      let data = try p.repeatedFloat(100)
      #expect(data.count == want.count)
      #expect(data.count == shape.reduce(1, *))
      #expect(Array(data.prefix(3)) == want.first.map { Float($0) })
      #expect(data.last == want.last.map { Float($0) })
      let sum = data.reduce(0.0) { $0 + Double($1) }
      #expect(abs(sum - want.sum) <= 1e-9 * max(1, abs(want.sum)), "\(want.name): \(sum) vs \(want.sum)")
      #expect(try p.bool(101) == want.need_grad)
    }
  }

  @Test func damagedParameterFileNeverCrashes() throws {
    let bytes = try ProtoFixtures.entry("real/nnabla_lenet_010000.nnp", "parameter.protobuf")
    /// Walks the Parameter schema the way the importer does.
    func read(_ b: ArraySlice<UInt8>) throws {
      for p in try ProtoWireMessage(bytes: b).messages(200) {
        _ = try p.string(1)
        _ = try p.message(20)?.repeatedInt64(1)
        _ = try p.repeatedFloat(100)
        _ = try p.bool(101)
      }
    }
    var errors = 0
    for end in stride(from: 0, to: bytes.count, by: 97) {
      do { try read(bytes[..<end]) } catch is FormatError { errors += 1 }
    }
    // A fixed-seed generator keeps the flipped bytes the same on every run.
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    for _ in 0..<300 {
      var damaged = bytes
      for _ in 0..<4 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        damaged[Int(state >> 33) % damaged.count] = UInt8(truncatingIfNeeded: state >> 13)
      }
      do { try read(damaged[...]) } catch is FormatError { errors += 1 }
    }
    #expect(errors > 0)
  }
}

@Suite struct ProtoWireDecodingTests {
  @Test func emptyMessage() throws {
    let m = try ProtoWireMessage(bytes: [])
    #expect(m.fields.isEmpty)
    #expect(try m.string(1) == nil)
    #expect(try m.int64(1) == nil)
    #expect(try m.messages(1).isEmpty)
    #expect(try m.repeatedFloat(1).isEmpty)
  }

  @Test func scalarFields() throws {
    let bytes = ProtoWireBytes.varint(1, 150) + ProtoWireBytes.bytes(2, Array("testing".utf8)) + ProtoWireBytes.fixed32(3, Float(1.5).bitPattern)
      + ProtoWireBytes.fixed64(4, Double(-2.25).bitPattern) + ProtoWireBytes.varint(5, 1) + ProtoWireBytes.bytes(6, [])
    let m = try ProtoWireMessage(bytes: bytes)
    #expect(m.fields == [
      ProtoWireField(number: 1, value: .varint(150)),
      ProtoWireField(number: 2, value: .bytes(ArraySlice(Array("testing".utf8)))),
      ProtoWireField(number: 3, value: .fixed32(Float(1.5).bitPattern)),
      ProtoWireField(number: 4, value: .fixed64(Double(-2.25).bitPattern)),
      ProtoWireField(number: 5, value: .varint(1)),
      ProtoWireField(number: 6, value: .bytes([])),
    ])
    #expect(try m.int64(1) == 150)
    #expect(try m.string(2) == "testing")
    #expect(try m.float(3) == 1.5)
    #expect(try m.double(4) == -2.25)
    #expect(try m.bool(5) == true)
    #expect(try m.string(6) == "")
    #expect(try m.messages(6).map(\.fields.isEmpty) == [true])
    #expect(Array(try m.bytes(2) ?? []) == Array("testing".utf8))
  }

  @Test func knownEncodingFromTheProtobufDocs() throws {
    // `08 96 01` is field 1 = 150 in the protobuf encoding guide.
    #expect(try ProtoWireMessage(bytes: [0x08, 0x96, 0x01]).int64(1) == 150)
  }

  @Test func negativeVarintsAreTenBytes() throws {
    let minusOne = ProtoWireBytes.varint(1, UInt64(bitPattern: -1))
    #expect(minusOne.count == 11)
    #expect(try ProtoWireMessage(bytes: minusOne).int64(1) == -1)
    #expect(try ProtoWireMessage(bytes: ProtoWireBytes.varint(1, UInt64(bitPattern: Int64.min))).int64(1) == Int64.min)
    #expect(try ProtoWireMessage(bytes: ProtoWireBytes.varint(1, UInt64.max)).uint64(1) == UInt64.max)
  }

  @Test func lastOccurrenceWins() throws {
    let m = try ProtoWireMessage(bytes: ProtoWireBytes.bytes(1, Array("a".utf8)) + ProtoWireBytes.bytes(1, Array("b".utf8))
      + ProtoWireBytes.varint(2, 7) + ProtoWireBytes.varint(2, 9))
    #expect(try m.string(1) == "b")
    #expect(try m.strings(1) == ["a", "b"])
    #expect(try m.int64(2) == 9)
  }

  @Test func packedAndUnpackedRepeatedInt64() throws {
    let packed = ProtoWireBytes.bytes(1, ProtoWireBytes.varint(3) + ProtoWireBytes.varint(270) + ProtoWireBytes.varint(UInt64(bitPattern: -1)))
    #expect(try ProtoWireMessage(bytes: packed).repeatedInt64(1) == [3, 270, -1])
    let unpacked = ProtoWireBytes.varint(1, 3) + ProtoWireBytes.varint(1, 270)
    #expect(try ProtoWireMessage(bytes: unpacked).repeatedInt64(1) == [3, 270])
    let mixed = ProtoWireBytes.varint(1, 1) + ProtoWireBytes.bytes(1, ProtoWireBytes.varint(2) + ProtoWireBytes.varint(3)) + ProtoWireBytes.varint(2, 99) + ProtoWireBytes.varint(1, 4)
    #expect(try ProtoWireMessage(bytes: mixed).repeatedInt64(1) == [1, 2, 3, 4])
    #expect(try ProtoWireMessage(bytes: ProtoWireBytes.bytes(1, [])).repeatedInt64(1) == [])
  }

  @Test func packedAndUnpackedRepeatedFloat() throws {
    let values: [Float] = [1, -2.5, .infinity, 1e-8, 0.00392156862745098]
    #expect(try ProtoWireMessage(bytes: ProtoWireBytes.bytes(7, ProtoWireBytes.packedFloats(values))).repeatedFloat(7) == values)
    let unpacked = values.flatMap { ProtoWireBytes.fixed32(7, $0.bitPattern) }
    #expect(try ProtoWireMessage(bytes: unpacked).repeatedFloat(7) == values)
    let mixed = ProtoWireBytes.fixed32(7, Float(9).bitPattern) + ProtoWireBytes.bytes(7, ProtoWireBytes.packedFloats([1, 2])) + ProtoWireBytes.bytes(7, ProtoWireBytes.packedFloats([3]))
    #expect(try ProtoWireMessage(bytes: mixed).repeatedFloat(7) == [9, 1, 2, 3])
  }

  @Test func packedRepeatedDouble() throws {
    let payload = [1.0, -0.5].flatMap { v in (0..<8).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * $0)) } }
    #expect(try ProtoWireMessage(bytes: ProtoWireBytes.bytes(1, payload) + ProtoWireBytes.fixed64(1, Double(3).bitPattern)).repeatedDouble(1) == [1, -0.5, 3])
  }

  @Test func offsetsInErrorsAreOffsetsInTheWholeBuffer() throws {
    // The message starts at byte 3 of a larger buffer; its bad field key is at byte 5.
    let buffer: [UInt8] = [0xAA, 0xBB, 0xCC] + ProtoWireBytes.varint(1, 1) + ProtoWireBytes.bytes(2, [1, 2, 3])
    let m = try ProtoWireMessage(bytes: buffer[3...])
    #expect(wireError { _ = try m.int64(2) } == "protobuf: field 2: expected wire type 0 (varint), found 2 (length-delimited) at byte 5")
  }

  @Test func malformedInputErrors() {
    func decode(_ bytes: [UInt8]) -> String? { wireError { _ = try ProtoWireMessage(bytes: bytes) } }
    #expect(decode([0x08, 0x96]) == "protobuf: truncated varint at byte 1")
    #expect(decode([0x08]) == "protobuf: truncated varint at byte 1")
    #expect(decode([0x88]) == "protobuf: truncated varint at byte 0")
    #expect(decode([0x08] + [UInt8](repeating: 0xFF, count: 10) + [0x01]) == "protobuf: varint longer than 10 bytes at byte 1")
    #expect(decode([0x12, 0x05, 0x61]) == "protobuf: field 2: length 5 runs past the end of the message (1 bytes left) at byte 0")
    #expect(decode([0x12] + ProtoWireBytes.varint(UInt64.max)) == "protobuf: field 2: length 18446744073709551615 runs past the end of the message (0 bytes left) at byte 0")
    #expect(decode([0x00, 0x01]) == "protobuf: field number 0 is invalid at byte 0")
    #expect(decode(ProtoWireBytes.varint(1, 1) + ProtoWireBytes.key(2, 3)) == "protobuf: field 2: groups (wire type 3) are not supported at byte 2")
    #expect(decode(ProtoWireBytes.key(2, 4)) == "protobuf: field 2: groups (wire type 4) are not supported at byte 0")
    #expect(decode(ProtoWireBytes.key(3, 6)) == "protobuf: field 3: invalid wire type 6 at byte 0")
    #expect(decode(ProtoWireBytes.key(3, 7) + [0]) == "protobuf: field 3: invalid wire type 7 at byte 0")
    #expect(decode(ProtoWireBytes.key(1, 5) + [1, 2, 3]) == "protobuf: field 1: truncated 32-bit value at byte 1")
    #expect(decode(ProtoWireBytes.key(1, 1) + [1, 2, 3, 4, 5, 6, 7]) == "protobuf: field 1: truncated 64-bit value at byte 1")
    #expect(decode(ProtoWireBytes.varint(UInt64(1) << 32 | 2)) == "protobuf: field number 536870912 exceeds the maximum 536870911 at byte 0")
  }

  @Test func wrongWireTypeForAccessor() throws {
    let m = try ProtoWireMessage(bytes: ProtoWireBytes.varint(1, 5) + ProtoWireBytes.fixed64(2, 0) + ProtoWireBytes.bytes(3, [1, 2, 3, 4, 5]) + ProtoWireBytes.fixed32(4, 0))
    #expect(wireError { _ = try m.messages(1) } == "protobuf: field 1: expected wire type 2 (length-delimited), found 0 (varint) at byte 0")
    #expect(wireError { _ = try m.message(1) } == "protobuf: field 1: expected wire type 2 (length-delimited), found 0 (varint) at byte 0")
    #expect(wireError { _ = try m.string(2) } == "protobuf: field 2: expected wire type 2 (length-delimited), found 1 (64-bit) at byte 2")
    #expect(wireError { _ = try m.int64(3) } == "protobuf: field 3: expected wire type 0 (varint), found 2 (length-delimited) at byte 11")
    #expect(wireError { _ = try m.bool(4) } == "protobuf: field 4: expected wire type 0 (varint), found 5 (32-bit) at byte 18")
    #expect(wireError { _ = try m.float(2) } == "protobuf: field 2: expected wire type 5 (32-bit), found 1 (64-bit) at byte 2")
    #expect(wireError { _ = try m.double(4) } == "protobuf: field 4: expected wire type 1 (64-bit), found 5 (32-bit) at byte 18")
    #expect(wireError { _ = try m.repeatedFloat(1) } == "protobuf: field 1: expected wire type 5 (32-bit) or 2 (packed), found 0 (varint) at byte 0")
    #expect(wireError { _ = try m.repeatedInt64(4) } == "protobuf: field 4: expected wire type 0 (varint) or 2 (packed), found 5 (32-bit) at byte 18")
    #expect(wireError { _ = try m.repeatedFloat(3) } == "protobuf: field 3: packed float data is 5 bytes, not a multiple of 4, at byte 11")
  }

  @Test func badPayloadsInsideFields() throws {
    let m = try ProtoWireMessage(bytes: ProtoWireBytes.bytes(1, [0x96]) + ProtoWireBytes.bytes(2, [0xC3, 0x28]) + ProtoWireBytes.bytes(3, [0x08]))
    #expect(wireError { _ = try m.repeatedInt64(1) } == "protobuf: truncated varint at byte 2")
    #expect(wireError { _ = try m.string(2) } == "protobuf: field 2: string is not valid UTF-8 at byte 3")
    #expect(wireError { _ = try m.messages(3) } == "protobuf: truncated varint at byte 10")
  }

  @Test func nestingDepthIsLimited() throws {
    var bytes: [UInt8] = ProtoWireBytes.varint(2, 42)
    for _ in 0..<101 { bytes = ProtoWireBytes.bytes(1, bytes) }
    var m = try ProtoWireMessage(bytes: bytes)
    for _ in 0..<100 { m = try #require(try m.messages(1).first) }
    #expect(wireError { _ = try m.messages(1) }?.contains("field 1: messages nested deeper than 100 levels at byte") == true)
    // Exactly 100 levels below the root decode fine.
    var shallow: [UInt8] = ProtoWireBytes.varint(2, 42)
    for _ in 0..<100 { shallow = ProtoWireBytes.bytes(1, shallow) }
    m = try ProtoWireMessage(bytes: shallow)
    for _ in 0..<100 { m = try #require(try m.message(1)) }
    #expect(try m.int64(2) == 42)
  }
}
