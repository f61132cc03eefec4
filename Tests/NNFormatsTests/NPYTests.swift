import NNFormats
import Testing
import _NNTestSupport

@Suite struct NPYTests {
  /// How make_format_fixtures.py filled each 2x3x4 array from i = 0..<24.
  static let formulas: [String: @Sendable (Int) -> Float] = [
    "f2": { Float($0) * 0.25 - 2.5 }, "f4": { Float($0) * 0.25 - 2.5 }, "f8": { Float($0) * 0.25 - 2.5 },
    "f4_be": { Float($0) * 0.25 - 2.5 }, "f8_be": { Float($0) * 0.25 - 2.5 },
    "v2": { Float($0) * 0.25 - 2.5 }, "v3": { Float($0) * 0.25 - 2.5 }, "fortran": { Float($0) * 0.25 - 2.5 },
    "u1": { Float($0 * 10) }, "i1": { Float($0 - 12) },
    "i2": { Float(($0 - 12) * 1000) }, "i2_be": { Float(($0 - 12) * 1000) },
    "u2": { Float($0 * 2000) }, "u2_be": { Float($0 * 2000) },
    "i4": { Float(($0 - 12) * 100_000) }, "i4_be": { Float(($0 - 12) * 100_000) },
    "i8": { Float(($0 - 12) * 100_000) }, "i8_be": { Float(($0 - 12) * 100_000) },
    "u4": { Float($0 * 100_000) }, "u8": { Float($0 * 1_000_000_000_000) },
    "b1": { $0 % 3 == 0 ? 1 : 0 },
  ]

  @Test(arguments: formulas.keys.sorted())
  func numpyFiles(_ name: String) throws {
    let array = try NPY.decode(try FormatFixtures.bytes("formats/npy/\(name).npy"))
    let formula = try #require(Self.formulas[name])
    #expect(array == NPYArray(shape: [2, 3, 4], values: (0..<24).map(formula)))
  }

  @Test func scalarAndEmpty() throws {
    #expect(try NPY.decode(try FormatFixtures.bytes("formats/npy/scalar.npy")) == NPYArray(shape: [], values: [3.5]))
    #expect(try NPY.decode(try FormatFixtures.bytes("formats/npy/empty.npy")) == NPYArray(shape: [0, 3], values: []))
  }

  @Test func halfPrecisionSpecialValues() throws {
    let bits: [UInt16] = [0x0000, 0x8000, 0x0001, 0x3C00, 0xC000, 0x7BFF, 0x7C00, 0xFC00]
    let data = bits.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    let array = try NPY.decode(Self.file("{'descr': '<f2', 'fortran_order': False, 'shape': (8,), }", data))
    #expect(array.values == [0, -0.0, 0x1p-24, 1, -2, 65504, .infinity, -.infinity])
  }

  /// A version 1.0 file with this header text.
  static func file(_ header: String, _ data: [UInt8], version: UInt8 = 1) -> [UInt8] {
    let h = Array(header.utf8)
    let length = version == 1 ? [UInt8(h.count & 0xFF), UInt8(h.count >> 8)]
      : [UInt8(h.count & 0xFF), UInt8(h.count >> 8 & 0xFF), 0, 0]
    return [0x93] + Array("NUMPY".utf8) + [version, 0] + length + h + data
  }

  func error(_ bytes: [UInt8]) -> String? { formatError { _ = try NPY.decode(bytes) }?.description }

  @Test func malformedFiles() throws {
    let good = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"
    let eight = [UInt8](repeating: 0, count: 8)
    #expect(try NPY.decode(Self.file(good, eight)) == NPYArray(shape: [2], values: [0, 0]))
    #expect(try NPY.decode(Self.file(good, eight, version: 2)) == NPYArray(shape: [2], values: [0, 0]))
    #expect(error(Array("PK\u{3}\u{4}......".utf8)) == "npy: missing \\x93NUMPY magic at byte 0: not a .npy file")
    #expect(error(Self.file(good, eight, version: 4)) == "npy: unsupported format version 4.0 at byte 6")
    #expect(error(Array(Self.file(good, eight).prefix(40)))
      == "npy: header of \(good.utf8.count) bytes at byte 10 runs past the end of the file (40 bytes)")
    #expect(error(Self.file(good, Array(eight.prefix(7))))
      == "npy: data at byte \(10 + good.utf8.count) is 7 bytes, but shape [2] of '<f4' needs 8")
    #expect(error(Self.file("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000, 1000000), }", eight))?
      .hasSuffix("needs 4000000000000000000") == true)
    #expect(error(Self.file("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", eight))
      == "npy: unsupported dtype '<c8' (supported: f2 f4 f8 i1-i8 u1-u8 b1, either byte order)")
    #expect(error(Self.file("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", eight))
      == "npy: header: structured or sub-array dtypes are not supported at byte 20")
    #expect(error(Self.file("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }", eight))
      == "npy: header: expected True or False at byte 44")
    #expect(error(Self.file("{'descr': '<f4', 'fortran_order': False, 'shape': (2;), }", eight))
      == "npy: header: expected ',' or ')' at byte 62")
    #expect(error(Self.file("{'descr': '<f4', 'fortran_order': False, 'shap': (2,), }", eight))
      == "npy: header: unexpected key 'shap' at byte 59")
    #expect(error(Self.file("{'descr': '<f4', 'fortran_order': False}", eight))
      == "npy: header at byte 10 lacks one of 'descr', 'fortran_order', 'shape'")
    #expect(error(Self.file("{'descr': '<f4", eight)) == "npy: header: unterminated string at byte 24")
  }

  @Test func corruptedHeadersNeverCrash() throws {
    var rng = SeededRandom(seed: 3)
    let good = try FormatFixtures.bytes("formats/npy/i2_be.npy")
    for _ in 0..<2000 {
      var bad = good
      bad[Int.random(in: 0..<128, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
      do { _ = try NPY.decode(bad) } catch is FormatError {}
    }
  }
}
