import NNFormats
import Testing
import _NNTestSupport

/// Builds PNG files chunk by chunk, for malformed cases no encoder writes.
enum PNGBuilder {
  static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

  static func be32(_ v: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8(v >> $0 & 0xFF) } }

  static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
    let body = Array(type.utf8) + data
    return be32(data.count) + body + be32(Int(CRC32.checksum(body)))
  }

  static func ihdr(_ w: Int, _ h: Int, depth: Int = 8, color: Int = 0, interlace: Int = 0) -> [UInt8] {
    chunk("IHDR", be32(w) + be32(h) + [UInt8(depth), UInt8(color), 0, 0, UInt8(interlace)])
  }

  /// A zlib stream holding `data` in one stored block.
  static func zlibStored(_ data: [UInt8]) -> [UInt8] {
    var a = 1, b = 0
    for x in data { a = (a + Int(x)) % 65521; b = (b + a) % 65521 }
    let n = data.count
    return [0x78, 0x01, 0x01, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8(~n >> 8 & 0xFF)] + data + be32(b << 16 | a)
  }

  static func png(_ chunks: [UInt8]...) -> [UInt8] { signature + chunks.joined() + chunk("IEND", []) }

  /// Recomputes every chunk CRC, so fuzzed files get past the CRC check into the decoder.
  static func fixCRCs(_ b: inout [UInt8]) {
    var at = 8
    while at + 12 <= b.count {
      let len = b[at..<at + 4].reduce(0) { $0 << 8 | Int($1) }
      guard len <= b.count - at - 12 else { return }
      let crc = be32(Int(CRC32.checksum(b[(at + 4)..<(at + 8 + len)])))
      b.replaceSubrange((at + 8 + len)..<(at + 12 + len), with: crc)
      at += 12 + len
    }
  }
}

@Suite struct PNGTests {
  static let cases = (try? FormatFixtures.manifest("formats/png/manifest.txt")) ?? []

  /// Every colour type and bit depth, Adam7 and Pillow-written files, against Pillow's pixels.
  @Test(arguments: cases.map { $0[0] })
  func matchesPillow(_ name: String) throws {
    let row = try #require(Self.cases.first { $0[0] == name })
    let image = try PNG.decode(try FormatFixtures.bytes("formats/png/\(name).png"))
    #expect(image.width == Int(row[1]))
    #expect(image.height == Int(row[2]))
    #expect(image.channels == Int(row[3]))
    #expect(image.pixels == (try FormatFixtures.bytes("formats/png/\(name).pixels")))
  }

  @Test func coversEveryColourTypeAndDepth() {
    let names = Set(Self.cases.map { $0[0] })
    for (color, depths) in [(0, [1, 2, 4, 8, 16]), (2, [8, 16]), (3, [1, 2, 4, 8]), (4, [8, 16]), (6, [8, 16])] {
      for d in depths { #expect(names.contains("c\(color)_d\(d)")) }
    }
  }

  @Test(arguments: 1...4)
  func realDigits(_ n: Int) throws {
    let image = try PNG.decode(try FormatFixtures.bytes("real/nnc_00\(n).png"))
    #expect(image.width == 28 && image.height == 28 && image.channels == 1)
    #expect(image.pixels == (try FormatFixtures.bytes("formats/png/real_nnc_00\(n).pixels")))
  }

  func error(_ bytes: [UInt8]) -> String? { formatError { _ = try PNG.decode(bytes) }?.description }

  @Test func malformedFiles() throws {
    let good = try FormatFixtures.bytes("formats/png/c2_d8.png")
    #expect(error(Array(good.dropFirst())) == "png: missing PNG signature at byte 0: not a PNG file")
    var bad = good
    bad[16] ^= 1  // width, inside IHDR
    let got = String(CRC32.checksum(bad[12..<29]), radix: 16).leftPadded(8)
    #expect(error(bad)?.hasPrefix("png: bad CRC-32 in chunk 'IHDR' at byte 8: expected 0x") == true)
    #expect(error(bad)?.hasSuffix(", got 0x\(got)") == true)
    #expect(error(Array(good.prefix(good.count - 20)))?.hasPrefix("png: chunk 'IDAT' at byte") == true)
    #expect(error(Array(good.prefix(good.count - 12))) == "png: file ends at byte \(good.count - 12) without an IEND chunk (truncated?)")

    let row: [UInt8] = [0, 1, 2, 3, 4]
    #expect(error(PNGBuilder.png(PNGBuilder.ihdr(100_000, 100_000, color: 6), PNGBuilder.chunk("IDAT", PNGBuilder.zlibStored(row))))
      == "png: image is 100000x100000 (10000000000 pixels), more than the limit of 16777216 pixels")
    #expect(formatError {
      _ = try PNG.decode(PNGBuilder.png(PNGBuilder.ihdr(100_000, 100_000, color: 6), PNGBuilder.chunk("IDAT", PNGBuilder.zlibStored(row))), maxPixels: .max)
    }?.description == "png: image 100000x100000 is too large to decode (limit 1073741824 bytes of pixels)")
    #expect(error(PNGBuilder.png(PNGBuilder.ihdr(4, 4), PNGBuilder.chunk("IDAT", PNGBuilder.zlibStored(row))))
      == "png: IDAT data inflates to 5 bytes, but a 4x4 image needs 20 (truncated?)")
    #expect(error(PNGBuilder.png(PNGBuilder.ihdr(4, 1), PNGBuilder.chunk("IDAT", PNGBuilder.zlibStored(row + row))))
      == "png: IDAT data inflates to more than the 5 bytes a 4x1 image needs")
    #expect(error(PNGBuilder.png(PNGBuilder.ihdr(4, 1), PNGBuilder.chunk("IDAT", PNGBuilder.zlibStored([5, 0, 0, 0, 0]))))
      == "png: invalid filter type 5 on row 0")
    #expect(error(PNGBuilder.png(PNGBuilder.ihdr(4, 1), PNGBuilder.chunk("IDAT", [0x78, 0x01, 0xFF, 0, 0, 0, 0])))
      == "png: IDAT data: invalid block type 3 at byte 0")
    #expect(error(PNGBuilder.png(PNGBuilder.ihdr(4, 1, color: 3), PNGBuilder.chunk("PLTE", [1, 2, 3, 4, 5, 6]),
                                 PNGBuilder.chunk("IDAT", PNGBuilder.zlibStored([0, 0, 1, 2, 0]))))
      == "png: palette index at pixel (2, 0) is out of range (palette has 2 entries)")
    #expect(error(PNGBuilder.png(PNGBuilder.ihdr(4, 1, color: 3), PNGBuilder.chunk("IDAT", PNGBuilder.zlibStored(row))))
      == "png: palette image (colour type 3) without a PLTE chunk")
    #expect(error(PNGBuilder.png(PNGBuilder.ihdr(4, 1), PNGBuilder.chunk("ABCD", []), PNGBuilder.chunk("IDAT", PNGBuilder.zlibStored(row))))
      == "png: unsupported critical chunk 'ABCD' at byte 33")
    #expect(error(PNGBuilder.png(PNGBuilder.ihdr(4, 1, depth: 4, color: 2))) == "png: invalid colour type 2 with bit depth 4 in IHDR")
    #expect(error(PNGBuilder.png(PNGBuilder.chunk("IDAT", []))) == "png: first chunk is 'IDAT', expected IHDR")
    #expect(error(PNGBuilder.png(PNGBuilder.ihdr(4, 1))) == "png: no IDAT chunk")
  }

  @Test func handBuiltFiltersAndAncillaryChunks() throws {
    // 3x2 gray: row 0 Sub, row 1 Paeth; an unknown ancillary chunk in between is skipped.
    let raw: [UInt8] = [1, 10, 5, 5, 4, 1, 0, 0]
    let bytes = PNGBuilder.png(PNGBuilder.ihdr(3, 2), PNGBuilder.chunk("zzZz", [9]), PNGBuilder.chunk("IDAT", PNGBuilder.zlibStored(raw)))
    let image = try PNG.decode(bytes)
    #expect(image == Image(width: 3, height: 2, channels: 1, pixels: [10, 15, 20, 11, 15, 20]))
  }

  /// Damaged files (CRCs fixed up so the damage reaches the decoder) fail cleanly.
  @Test func corruptedFilesNeverCrash() throws {
    var rng = SeededRandom(seed: 99)
    for name in ["c0_d1", "c2_d16", "c3_d4_trns", "c6_d8_adam7", "c4_d8"] {
      let good = try FormatFixtures.bytes("formats/png/\(name).png")
      for _ in 0..<300 {
        var bad = good
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
          bad[Int.random(in: 8..<bad.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
        }
        PNGBuilder.fixCRCs(&bad)
        do { _ = try PNG.decode(bad) } catch is FormatError {}
      }
    }
  }
}

@Suite struct PGMTests {
  @Test(arguments: [("p5.pgm", "gray", 1), ("p2.pgm", "gray", 1), ("p6.ppm", "rgb", 3), ("p3.ppm", "rgb", 3),
                    ("p5_16bit.pgm", "p5_16bit", 1), ("p2_maxval15.pgm", "p2_maxval15", 1)])
  func fixtures(_ file: String, _ pixels: String, _ channels: Int) throws {
    let image = try PGM.decode(try FormatFixtures.bytes("formats/pgm/\(file)"))
    #expect(image.width == 5 && image.height == 4 && image.channels == channels)
    #expect(image.pixels == (try FormatFixtures.bytes("formats/pgm/\(pixels).pixels")))
  }

  @Test func realDigit() throws {
    let image = try PGM.decode(try FormatFixtures.bytes("real/nnabla_5.pgm"))
    #expect(image.width == 28 && image.height == 28 && image.channels == 1)
    #expect(image.pixels == (try FormatFixtures.bytes("formats/pgm/real_nnabla_5.pixels")))
  }

  @Test func scaling() throws {
    #expect(try PGM.decode(Array("P2 3 1 1 0 1 1".utf8)).pixels == [0, 255, 255])
    #expect(try PGM.decode(Array("P5 2 1 65535\n".utf8) + [0xFF, 0xFF, 0x80, 0x00]).pixels == [255, 128])
  }

  func error(_ text: String, _ extra: [UInt8] = []) -> String? {
    formatError { _ = try PGM.decode(Array(text.utf8) + extra) }?.description
  }

  @Test func malformedFiles() {
    #expect(error("P7 1 1 255\n") == "pgm: missing P2, P3, P5 or P6 magic number at byte 0: not a PGM/PPM file")
    #expect(error("P5 2 2 255\n", [1, 2, 3]) == "pgm: pixel data at byte 11 is 3 bytes, expected 4 (truncated?)")
    #expect(error("P2 2 1 15 3 16") == "pgm: sample 16 before byte 14 exceeds maxval 15")
    #expect(error("P5 2 1 15\n", [3, 16]) == "pgm: sample 16 at byte 11 exceeds maxval 15")
    #expect(error("P5 100000 100000 255\n") == "pgm: image is 100000x100000 (10000000000 pixels), more than the limit of 16777216 pixels")
    #expect(formatError { _ = try PGM.decode(Array("P5 100000 100000 255\n".utf8), maxPixels: .max) }?.description
      == "pgm: image 100000x100000 is too large to decode (limit 1073741824 bytes of pixels)")
    #expect(error("P5 4000 4000 255\n") == "pgm: pixel data at byte 17 is 0 bytes, expected 16000000 (truncated?)")
    #expect(error("P2 4000 4000 255\n1 2 3") == "pgm: file is too short for 16000000 ASCII samples (truncated?)")
    #expect(error("P5 2 # comment") == "pgm: file ends at byte 14 before height")
    #expect(error("P5 2 x 255") == "pgm: expected a number (height) at byte 5")
    #expect(error("P5 2 1 0\n") == "pgm: maxval 0 is not in 1...65535")
    #expect(error("P5 2 1 255x") == "pgm: expected whitespace after maxval at byte 10")
    #expect(error("P5 99999999999 1 255\n") == "pgm: width at byte 3 is too large")
  }
}
