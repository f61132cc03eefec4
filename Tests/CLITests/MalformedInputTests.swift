import Foundation
import NNFormats
import Testing
import _NNTestSupport

/// Bad input gets one clear line naming the file and the problem, exit code 1, and no `out/`.
@Suite struct MalformedInputTests {
  /// Compiles `bytes` as a model inside a sandbox: exit 1, one line naming the file and holding
  /// `fragment`, no `out/` and nothing else changed.
  func expectOneClearError(_ bytes: [UInt8], contains fragment: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let box = try Sandbox("malformed")
    defer { box.remove() }
    let path = try box.write("bad.nnp", bytes)
    try CLI.expectRefusal(
      [path, "--target", "cortex-m4f", "--quantize", "float32", "-o", box.path("out")], in: box, prefix: "\(path): ", fragment,
      sourceLocation: sourceLocation)
  }

  static let lenet: [UInt8] = try! Fixtures.bytes("real/nnabla_lenet_010000.nnp")
  static let lenetEntries = try! ZipWriter.entries(of: lenet)
  static let irisH5Entries = try! ZipWriter.entries(of: Fixtures.bytes("nnabla/iris_mlp/model.nnp"))

  @Test func truncatedZip() throws {
    try expectOneClearError(Array(Self.lenet.prefix(Self.lenet.count / 2)), contains: "error: zip:")
  }

  @Test func badCRC() throws {
    var bytes = Self.lenet
    // Corrupt one byte of the network text, well inside the first entry's data.
    let marker = Array("MulScalar".utf8)
    let at = (0..<bytes.count - marker.count).first { Array(bytes[$0..<$0 + marker.count]) == marker }!
    bytes[at] ^= 0x20
    try expectOneClearError(bytes, contains: "CRC")
  }

  @Test func protobufWithWrongWireType() throws {
    // Field 200 (parameter) as a varint instead of a length-delimited message.
    let entries = Self.lenetEntries.map { $0.name.hasSuffix(".protobuf") ? ($0.name, [0xC0, 0x0C, 0x01]) : $0 }
    try expectOneClearError(ZipWriter.stored(entries), contains: "error: protobuf: parameter.protobuf")
  }

  @Test func hdf5WithBadSignature() throws {
    let entries = Self.irisH5Entries.map { $0.name.hasSuffix(".h5") ? ($0.name, Array("this is not an HDF5 file at all, sorry".utf8)) : $0 }
    try expectOneClearError(ZipWriter.stored(entries), contains: "error: hdf5: parameter.h5")
  }

  @Test func missingParameter() throws {
    let entries = Self.lenetEntries.filter { !$0.name.hasSuffix(".protobuf") }
    try expectOneClearError(ZipWriter.stored(entries), contains: "parameter 'conv1/conv/W' is missing")
  }

  @Test func shapeMismatch() throws {
    let entries = Self.irisH5Entries.map { e -> (name: String, bytes: [UInt8]) in
      guard e.name.hasSuffix(".nntxt") else { return e }
      let text = String(decoding: e.bytes, as: UTF8.self).replacingOccurrences(
        of: "name: \"@net/Affine_out\"\n    type: \"Buffer\"\n    shape {\n      dim: -1\n      dim: 16",
        with: "name: \"@net/Affine_out\"\n    type: \"Buffer\"\n    shape {\n      dim: -1\n      dim: 17")
      return (e.name, Array(text.utf8))
    }
    try expectOneClearError(ZipWriter.stored(entries), contains: "is declared [1, 17] but computes to [1, 16]")
  }

  @Test func hugeDimension() throws {
    let entries = Self.irisH5Entries.map { e -> (name: String, bytes: [UInt8]) in
      guard e.name.hasSuffix(".nntxt") else { return e }
      let text = String(decoding: e.bytes, as: UTF8.self).replacingOccurrences(
        of: "name: \"x\"\n    type: \"Buffer\"\n    shape {\n      dim: -1\n      dim: 4",
        with: "name: \"x\"\n    type: \"Buffer\"\n    shape {\n      dim: -1\n      dim: 1099511627776")
      return (e.name, Array(text.utf8))
    }
    try expectOneClearError(ZipWriter.stored(entries), contains: "more than 2147483647 elements")
  }

  @Test func notAFileAtAll() throws {
    let r = try CLI.run(["/nonexistent/model.nnp", "-o", "/tmp/nncompile-never-written"])
    #expect(r.status == 1)
    #expect(r.stderr == "/nonexistent/model.nnp: error: no such file\n")
  }

  @Test func unknownOption_isAUsageError() throws {
    let r = try CLI.run([Fixtures.path("real/nnabla_lenet_010000.nnp"), "--frobnicate"])
    #expect(r.status == 2)
    #expect(r.stderr.hasPrefix("Error: unknown option '--frobnicate'\nUsage: "))
  }
}
