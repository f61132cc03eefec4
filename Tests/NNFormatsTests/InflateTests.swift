import NNFormats
import Testing
import _NNTestSupport

/// Writes DEFLATE bit streams by hand, for error cases zlib never produces.
struct BitWriter {
  var bytes: [UInt8] = []
  var bitCount = 0

  /// An `n`-bit number, least significant bit first (header fields, extra bits).
  mutating func bits(_ value: Int, _ n: Int) {
    for i in 0..<n {
      if bitCount % 8 == 0 { bytes.append(0) }
      if value >> i & 1 != 0 { bytes[bytes.count - 1] |= UInt8(1 << (bitCount % 8)) }
      bitCount += 1
    }
  }

  /// A Huffman code, most significant bit first.
  mutating func code(_ value: Int, _ n: Int) {
    for i in (0..<n).reversed() { bits(value >> i & 1, 1) }
  }

  /// A symbol of the fixed literal/length code.
  mutating func fixedLiteral(_ sym: Int) {
    switch sym {
    case 0..<144: code(0x30 + sym, 8)
    case 144..<256: code(0x190 + sym - 144, 9)
    case 256..<280: code(sym - 256, 7)
    default: code(0xC0 + sym - 280, 8)
    }
  }

  /// A dynamic block header whose code-length code gives symbols 0...15 four bits each,
  /// so any literal/length and distance lengths can be sent (but no repeat codes).
  mutating func dynamicHeader(literal: [Int], distance: [Int]) {
    bits(literal.count - 257, 5)
    bits(distance.count - 1, 5)
    bits(15, 4)  // all 19 code-length code lengths follow
    for sym in [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15] {
      bits(sym < 16 ? 4 : 0, 3)
    }
    for l in literal + distance { code(l, 4) }
  }
}

@Suite struct InflateTests {
  static let datasets = ["text", "random", "runs", "small", "empty"]

  @Test(arguments: datasets)
  func zlibLevels(_ name: String) throws {
    let original = try FormatFixtures.bytes("formats/inflate/\(name).bin")
    for level in [0, 1, 6, 9] {
      let stream = try FormatFixtures.bytes("formats/inflate/\(name).L\(level).deflate")
      #expect(try Inflate.inflate(stream) == original, "level \(level)")
      #expect(try Inflate.inflate(stream, expectedSize: original.count) == original, "level \(level)")
    }
  }

  @Test(arguments: ["text.fixed", "text.huffman", "text.rle", "text.flushed", "runs.fixed", "runs.huffman", "runs.rle"])
  func zlibStrategies(_ name: String) throws {
    let original = try FormatFixtures.bytes("formats/inflate/\(name.split(separator: ".")[0]).bin")
    let stream = try FormatFixtures.bytes("formats/inflate/\(name).deflate")
    #expect(try Inflate.inflate(stream) == original)
  }

  @Test func zlibWrapper() throws {
    let original = try FormatFixtures.bytes("formats/inflate/text.bin")
    var stream = try FormatFixtures.bytes("formats/inflate/text.zlib")
    #expect(try Inflate.zlibDecompress(stream) == original)
    stream[stream.count - 1] ^= 1
    #expect(formatError { _ = try Inflate.zlibDecompress(stream) }?.message.hasPrefix("bad Adler-32 at byte \(stream.count - 4)") == true)
    #expect(formatError { _ = try Inflate.zlibDecompress(Array(stream.dropLast(2))) }?.message
      == "zlib stream truncated: Adler-32 checksum missing at byte \(stream.count - 4)")
    #expect(formatError { _ = try Inflate.zlibDecompress([0x78, 0x9D, 3, 0, 0, 0, 0, 1]) }?.message
      == "zlib header at byte 0: header check bits are wrong")
    #expect(formatError { _ = try Inflate.zlibDecompress([0x79, 0x9C, 3, 0, 0, 0, 0, 1]) }?.format == "deflate")
  }

  @Test func handMadeDynamicBlockWithSingleDistanceCode() throws {
    // 'a' = 1 bit, end-of-block and length-3 = 2 bits; one distance code of 1 bit (allowed incomplete).
    var lit = [Int](repeating: 0, count: 258)
    lit[97] = 1; lit[256] = 2; lit[257] = 2
    var w = BitWriter()
    w.bits(1, 1); w.bits(2, 2)
    w.dynamicHeader(literal: lit, distance: [1])
    w.code(0, 1)  // 'a'
    w.code(3, 2); w.code(0, 1)  // length 3, distance 1
    w.code(2, 2)  // end of block
    #expect(try Inflate.inflate(w.bytes) == Array("aaaa".utf8))
  }

  /// A final fixed-Huffman block: literal 'a', then `rest` written by the closure.
  func fixedBlock(_ rest: (inout BitWriter) -> Void) -> [UInt8] {
    var w = BitWriter()
    w.bits(1, 1); w.bits(1, 2)
    w.fixedLiteral(97)
    rest(&w)
    return w.bytes
  }

  func message(_ bytes: [UInt8]) -> String? {
    formatError { _ = try Inflate.inflate(bytes) }?.message
  }

  @Test func malformedStreams() throws {
    #expect(message([0x07]) == "invalid block type 3 at byte 0")
    #expect(message([]) == "truncated input: stream ends at byte 0 before its final block does")
    #expect(message([0x01, 0x05, 0x00, 0x00, 0x00]) == "stored block length 5 does not match its complement at byte 1")
    #expect(message([0x01, 0x05, 0x00, 0xFA, 0xFF, 1, 2]) == "truncated input: stream ends at byte 7 before its final block does")
    // Distance 2 with only one byte output.
    #expect(message(fixedBlock { $0.fixedLiteral(257); $0.code(1, 5); $0.fixedLiteral(256) })
      == "distance 2 too far back: only 1 bytes output so far (at input byte 2)")
    #expect(message(fixedBlock { $0.fixedLiteral(257); $0.code(30, 5) })?.hasPrefix("invalid distance symbol 30") == true)
    #expect(message(fixedBlock { $0.fixedLiteral(286) })?.hasPrefix("invalid literal/length symbol 286") == true)
    // No end-of-block: the stream just stops.
    #expect(message(fixedBlock { $0.fixedLiteral(98) })?.hasPrefix("truncated input") == true)
  }

  @Test func malformedDynamicHeaders() throws {
    func dynamic(_ lit: [Int], _ dist: [Int] = [1]) -> String? {
      var w = BitWriter()
      w.bits(1, 1); w.bits(2, 2)
      w.dynamicHeader(literal: lit, distance: dist)
      w.code(0, 8)
      return message(w.bytes)
    }
    var lit = [Int](repeating: 0, count: 257)
    lit[97] = 2; lit[256] = 2
    #expect(dynamic(lit) == "incomplete literal/length code in dynamic block header at byte 0")
    lit[98] = 1; lit[99] = 1
    #expect(dynamic(lit) == "over-subscribed literal/length code in dynamic block header at byte 0")
    lit = [Int](repeating: 0, count: 257)
    lit[97] = 1; lit[98] = 1
    #expect(dynamic(lit) == "missing end-of-block code in dynamic block header at byte 0")
    lit[98] = 0; lit[256] = 1
    #expect(dynamic(lit, [1, 1, 1]) == "over-subscribed distance code in dynamic block header at byte 0")
    #expect(dynamic(lit, [2, 0, 2]) == "incomplete distance code in dynamic block header at byte 0")

    var w = BitWriter()
    w.bits(1, 1); w.bits(2, 2); w.bits(30, 5); w.bits(0, 5); w.bits(0, 4)
    #expect(message(w.bytes) == "dynamic block at byte 0 declares 287 literal/length and 1 distance codes (at most 286 and 30)")

    // Code-length code: every one of the 19 symbols 1 bit long.
    w = BitWriter()
    w.bits(1, 1); w.bits(2, 2); w.bits(0, 5); w.bits(0, 5); w.bits(15, 4)
    for _ in 0..<19 { w.bits(1, 3) }
    #expect(message(w.bytes) == "over-subscribed code length code in dynamic block header at byte 0")
    w = BitWriter()
    w.bits(1, 1); w.bits(2, 2); w.bits(0, 5); w.bits(0, 5); w.bits(0, 4)
    w.bits(0, 3); w.bits(0, 3); w.bits(0, 3); w.bits(2, 3)
    #expect(message(w.bytes) == "incomplete code length code in dynamic block header at byte 0")
    // Code-length code {0: "0", 16: "1"}; the first code is "repeat previous".
    w = BitWriter()
    w.bits(1, 1); w.bits(2, 2); w.bits(0, 5); w.bits(0, 5); w.bits(0, 4)
    w.bits(1, 3); w.bits(0, 3); w.bits(0, 3); w.bits(1, 3)
    w.code(1, 1)
    #expect(message(w.bytes) == "code length repeat with no previous length in dynamic block header at byte 0")
  }

  @Test func outputLimits() throws {
    let original = try FormatFixtures.bytes("formats/inflate/text.bin")
    let stream = try FormatFixtures.bytes("formats/inflate/text.L6.deflate")
    #expect(formatError { _ = try Inflate.inflate(stream, maxOutput: 1000) }?.message.hasPrefix("output exceeds the limit of 1000 bytes") == true)
    #expect(formatError { _ = try Inflate.inflate(stream, expectedSize: 1000) }?.message.hasPrefix("output is larger than the expected 1000 bytes") == true)
    #expect(formatError { _ = try Inflate.inflate(stream, expectedSize: original.count + 1) }?.message
      == "inflated to \(original.count) bytes, expected \(original.count + 1)")
    #expect(formatError { _ = try Inflate.inflate([0x03, 0x00], expectedSize: 1 << 40) }?.message
      == "expected size 1099511627776 is impossible for 2 compressed bytes")
    // A 1 MB run from a ~1 KB stream still inflates when allowed.
    var w = BitWriter()
    w.bits(1, 1); w.bits(1, 2); w.fixedLiteral(0)
    for _ in 0..<4064 { w.fixedLiteral(285); w.code(0, 5) }
    w.fixedLiteral(256)
    #expect(try Inflate.inflate(w.bytes) == [UInt8](repeating: 0, count: 1 + 4064 * 258))
  }

  /// Corrupted and truncated streams must fail with a FormatError (or decode), never trap or hang.
  @Test func corruptedStreamsNeverCrash() throws {
    var rng = SeededRandom(seed: 42)
    for name in ["text.L6", "runs.L9", "text.fixed", "small.L1", "random.L6"] {
      let stream = try FormatFixtures.bytes("formats/inflate/\(name).deflate")
      for _ in 0..<300 {
        var bad = stream
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
          bad[Int.random(in: 0..<bad.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
        }
        if Bool.random(using: &rng) { bad = Array(bad.prefix(Int.random(in: 0...bad.count, using: &rng))) }
        do { _ = try Inflate.inflate(bad, maxOutput: 1 << 20) } catch is FormatError {}
      }
    }
  }
}

@Suite struct CRC32Tests {
  @Test func knownVectors() {
    #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    #expect(CRC32.checksum("123456789".utf8) == 0xCBF4_3926)
    #expect(CRC32.checksum([UInt8]()) == 0)
    #expect(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
    #expect(CRC32.checksum([UInt8](repeating: 0, count: 32)) == 0x190A_55AD)
    // A non-contiguous collection takes the generic path.
    #expect(CRC32.checksum(Array("123456789".utf8).reversed()) == CRC32.checksum(Array("987654321".utf8)))
  }

  @Test func matchesZlibOnFixtures() throws {
    // CRCs recorded by Python's zipfile (zlib.crc32) in the zip manifest.
    let text = try FormatFixtures.bytes("formats/inflate/text.bin")
    let runs = try FormatFixtures.bytes("formats/inflate/runs.bin")
    let manifest = try FormatFixtures.manifest("formats/zip/manifest.txt")
    let crcs = Dictionary(manifest.map { ($0[1], $0[5]) }, uniquingKeysWith: { a, _ in a })
    #expect(crcs["deflated.txt"] == String(CRC32.checksum(text), radix: 16).leftPadded(8))
    #expect(crcs["runs.bin"] == String(CRC32.checksum(runs), radix: 16).leftPadded(8))
    // Piecewise over unaligned splits equals one pass.
    for split in [0, 1, 7, 8, 9, 1000] {
      #expect(CRC32.update(CRC32.checksum(text[..<split]), text[split...]) == CRC32.checksum(text))
    }
  }
}

extension String {
  func leftPadded(_ n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}

/// A deterministic random generator, so fuzz failures reproduce.
