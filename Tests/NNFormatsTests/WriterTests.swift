import Foundation
import NNFormats
import Testing
import _NNTestSupport

/// The writers (zip, zlib, PNG, protobuf wire and text) read back by our own readers.
@Suite struct WriterTests {
  @Test func zipWriter_entriesReadBackWithTheirCRCs() throws {
    let entries: [(name: String, bytes: [UInt8])] = [
      ("nnp_version.txt", Array("0.1\n".utf8)), ("empty", []), ("dir/big.bin", (0..<70_000).map { UInt8($0 % 251) }),
    ]
    let bytes = try ZipWriter.stored(entries)
    let archive = try ZipArchive(bytes: bytes)
    #expect(archive.entries.map(\.name) == entries.map(\.name))
    #expect(archive.entries.map(\.method) == [0, 0, 0])
    #expect(archive.entries.map(\.crc32) == entries.map { CRC32.checksum($0.bytes) })
    for (entry, original) in zip(archive.entries, entries) { #expect(try archive.extract(entry) == original.bytes) }
    // Same entries, same bytes: the timestamps are fixed.
    #expect(try ZipWriter.stored(entries) == bytes)
  }

  @Test func zipWriter_rejectsAnEmptyName() {
    #expect(throws: FormatError("zip", "entry name '' must be 1 to 65535 bytes long")) {
      _ = try ZipWriter.stored([("", [1])])
    }
  }

  @Test(arguments: [0, 1, 65535, 65536, 200_001])
  func zlibStored_inflatesBack(_ count: Int) throws {
    var rng = SeededRandom(seed: UInt64(count))
    let data = (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    #expect(try Inflate.zlibDecompress(Deflate.zlibStored(data)) == data)
  }

  @Test(arguments: [(1, 1, 1), (28, 28, 1), (5, 3, 2), (7, 4, 3), (3, 9, 4), (300, 250, 3)])
  func pngWriter_decodesToTheSamePixels(_ size: (Int, Int, Int)) throws {
    let (w, h, c) = size
    var rng = SeededRandom(seed: UInt64(w * 1000 + h * 10 + c))
    let image = Image(width: w, height: h, channels: c, pixels: (0..<w * h * c).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
    #expect(try PNG.decode(PNG.encode(image)) == image)
  }

  /// The bytes Python writes for the same image with `zlib.compress(raw, 0)` and `zlib.crc32`
  /// (so chunk CRCs, the stored block and the Adler-32 agree with zlib itself).
  @Test func pngWriter_matchesPythonsZlibByteForByte() throws {
    let hex = "89504e470d0a1a0a0000000d494844520000000200000002080000000057dd52f800000011494441547801010600f9ff"
      + "0000400080ff030501c0b41696930000000049454e44ae426082"
    let expected = stride(from: 0, to: hex.count, by: 2).map { i -> UInt8 in
      let start = hex.index(hex.startIndex, offsetBy: i)
      return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
    }
    #expect(try PNG.encode(Image(width: 2, height: 2, channels: 1, pixels: [0, 64, 128, 255])) == expected)
  }

  @Test func pngWriter_rejectsAMismatchedBuffer() {
    #expect(throws: FormatError("png", "image 2x2x1 does not match its 3 pixel bytes")) {
      _ = try PNG.encode(Image(width: 2, height: 2, channels: 1, pixels: [1, 2, 3]))
    }
  }

  @Test func protoWireWriter_readsBackEveryType() throws {
    var inner = ProtoWireWriter()
    inner.packedInt64(1, [-1, 0, 300])
    var w = ProtoWireWriter()
    w.string(1, "conv/W")
    w.varint(10, -5)
    w.bool(11, true)
    w.float(12, 1.5)
    w.double(13, -0.25)
    w.message(20, inner)
    w.packedFloat(100, [1, -2, .infinity])
    let m = try ProtoWireMessage(bytes: w.bytes)
    #expect(try m.string(1) == "conv/W")
    #expect(try m.int64(10) == -5)
    #expect(try m.bool(11) == true)
    #expect(try m.float(12) == 1.5)
    #expect(try m.double(13) == -0.25)
    #expect(try m.message(20)?.repeatedInt64(1) == [-1, 0, 300])
    #expect(try m.repeatedFloat(100) == [1, -2, .infinity])
  }

  @Test func protoTextWriter_layoutAndParseBack() throws {
    var m = ProtoTextMessage()
    m.add("network") { n in
      n.add("name", "Main \"net\"\n")
      n.add("batch_size", 64)
      n.add("variable") { v in v.add("shape") { s in s.add("dim", -1); s.add("dim", 784) } }
      n.add("relu_param") { _ in }
    }
    m.add("eps", Float(1e-5))
    m.add("val", 0.00392156862745098)
    m.add("ignore_border", true)
    let text = m.formatted()
    #expect(text == """
      network {
        name: "Main \\"net\\"\\n"
        batch_size: 64
        variable {
          shape {
            dim: -1
            dim: 784
          }
        }
        relu_param {
        }
      }
      eps: 1e-05
      val: 0.00392156862745098
      ignore_border: true

      """)
    #expect(try ProtoTextMessage.parse(text) == m)
  }

  @Test func protoTextWriter_rewritesARealNNCExportUnchanged() throws {
    let entries = try ZipWriter.entries(of: Fixtures.bytes("real/nnc_result2.nnp"))
    let text = String(decoding: entries.first { $0.name.hasSuffix("txt") && $0.name != "nnp_version.txt" }!.bytes, as: UTF8.self)
    let parsed = try ProtoTextMessage.parse(text)
    #expect(try ProtoTextMessage.parse(parsed.formatted()) == parsed)
  }

  // MARK: - Reading: IDX, gzip, CSV

  @Test(arguments: ["", ".gz"])
  func idx_readsMNISTImagesAndLabels(_ suffix: String) throws {
    let images = try IDXArray(bytes: Fixtures.bytes("formats/idx/tiny-images-idx3-ubyte\(suffix)"))
    #expect(images.shape == [3, 2, 4])
    let pixels: [Float] = (0..<3).flatMap { i in (0..<8).map { Float(40 * i + $0 + 1) } }
    #expect(images.values == pixels)
    let labels = try IDXArray(bytes: Fixtures.bytes("formats/idx/tiny-labels-idx1-ubyte\(suffix)"))
    #expect(labels.shape == [3] && labels.values == [7, 2, 1])
  }

  @Test func idx_badMagicSaysWhatItExpected() {
    #expect(throws: FormatError("idx", "magic number 0x89504e47 at byte 0 is not an IDX file (MNIST labels are 0x00000801, images 0x00000803)")) {
      _ = try IDXArray(bytes: [0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 0])
    }
  }

  @Test func idx_truncatedDataSaysHowMuchIsMissing() {
    #expect(throws: FormatError("idx", "dimensions [3] need 3 bytes of data after byte 8, the file has 2")) {
      _ = try IDXArray(bytes: [0, 0, 8, 1, 0, 0, 0, 3, 7, 2])
    }
  }

  @Test func gzip_badCRCIsReported() throws {
    var bytes = try Fixtures.bytes("formats/idx/tiny-labels-idx1-ubyte.gz")
    bytes[bytes.count - 8] ^= 0xFF
    #expect { _ = try Gzip.decompress(bytes) } throws: { "\($0)".hasPrefix("gzip: bad CRC-32 at byte") }
  }

  @Test func csv_quotedFieldsAndLineNumbers() {
    let rows = CSV.parse("x:image,y\r\n\"a,b.png\",1\n\n\"multi\nline\",\"say \"\"hi\"\"\"\nlast,2")
    let lines: [Int] = rows.map(\.line)
    #expect(lines == [1, 2, 3, 4, 6])
    let expected: [[String]] = [["x:image", "y"], ["a,b.png", "1"], [""], ["multi\nline", "say \"hi\""], ["last", "2"]]
    let fields: [[String]] = rows.map(\.fields)
    #expect(fields == expected)
    #expect(rows[2].isBlank)
  }

  @Test func planarFloats_convertsGrayAndRGBAsPillow() {
    let rgb = Image(width: 2, height: 1, channels: 3, pixels: [255, 0, 0, 10, 20, 30])
    let toGray: [Float] = [76, 18]  // (299*255)/1000, (2990+11740+3420)/1000
    #expect(rgb.planarFloats(channels: 1, scale: 1) == toGray)
    let planes: [Float] = [255, 10, 0, 20, 0, 30]
    #expect(rgb.planarFloats(channels: 3, scale: 1) == planes)
    let gray = Image(width: 2, height: 1, channels: 2, pixels: [51, 9, 102, 9])
    let repeated: [Float] = [1, 2, 1, 2, 1, 2]
    #expect(gray.planarFloats(channels: 3, scale: 1.0 / 51) == repeated)
  }
}
