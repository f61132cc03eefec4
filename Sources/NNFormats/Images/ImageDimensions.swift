/// An image's width and height as its header declares them, read without decoding any pixel,
/// so a caller can compare them with what it needs before paying for the decode.
public struct ImageDimensions: Sendable, Equatable, CustomStringConvertible {
  public var width: Int
  public var height: Int

  public init(width: Int, height: Int) {
    self.width = width
    self.height = height
  }

  public var description: String { "\(width)x\(height)" }

  /// The size a PNG (`png` true) or PGM/PPM file declares; the same errors as decoding it.
  public static func read(_ bytes: [UInt8], png: Bool) throws -> ImageDimensions {
    png ? try PNG.size(bytes) : try PGM.size(bytes)
  }

  /// Throws unless `width * height` is at most `maxPixels`; `format` names the reader.
  func check(maxPixels: Int, format: String) throws {
    let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
    guard !overflow, pixels <= maxPixels else {
      let count = overflow ? "" : " (\(pixels) pixels)"
      throw FormatError(format, "image is \(self)\(count), more than the limit of \(maxPixels) pixels")
    }
  }
}

extension Image {
  /// The most pixels a reader decodes unless told otherwise: 16 Mpx (4096x4096), far beyond
  /// any input a microcontroller model takes, and bounded (at most 64 MiB of RGBA pixels, a few
  /// seconds of decoding) whatever a header claims.
  public static let maxPixels = 1 << 24

  /// Decodes a PNG (`png` true) or PGM/PPM file of at most `maxPixels` pixels.
  public static func decode(_ bytes: [UInt8], png: Bool, maxPixels: Int = Image.maxPixels) throws -> Image {
    png ? try PNG.decode(bytes, maxPixels: maxPixels) : try PGM.decode(bytes, maxPixels: maxPixels)
  }
}

extension PNG {
  /// The size in the IHDR chunk, which must come first (its CRC checked).
  public static func size(_ bytes: [UInt8]) throws -> ImageDimensions {
    try checkSignature(bytes)
    guard bytes.count >= 33, bytes[12..<16].elementsEqual("IHDR".utf8), bigEndian32(bytes, 8) == 13 else {
      throw FormatError("png", "no 13-byte IHDR chunk at byte 8")
    }
    let stored = bigEndian32(bytes, 29), crc = CRC32.checksum(bytes[12..<29])
    guard crc == stored else {
      throw FormatError("png", "bad CRC-32 in chunk 'IHDR' at byte 8: expected \(Inflate.hex(stored)), got \(Inflate.hex(crc))")
    }
    let header = try Header(Array(bytes[16..<29]), at: 8)
    return ImageDimensions(width: header.width, height: header.height)
  }
}

extension PGM {
  /// The width and height after the magic number.
  public static func size(_ bytes: [UInt8]) throws -> ImageDimensions {
    var scanner = try headerScanner(bytes).scanner
    return ImageDimensions(width: try scanner.number("width"), height: try scanner.number("height"))
  }
}
