/// PNG decoding: every colour type and bit depth, all five filters, Adam7 interlacing.
///
/// Output is 8 bits per sample: 16-bit samples keep their high byte, 1/2/4-bit gray is scaled
/// to 0...255, palette images become RGB (RGBA when a tRNS chunk gives alpha). Transparency
/// chunks for gray/RGB images are ignored, as Pillow does. Chunk CRCs are checked.
public enum PNG {
  /// Decodes a whole PNG file to 8-bit pixels; an image of more than `maxPixels` pixels is
  /// refused from its header, before any data is inflated.
  public static func decode(_ bytes: [UInt8], maxPixels: Int = Image.maxPixels) throws -> Image {
    try checkSignature(bytes)
    var header: Header?
    var palette: [UInt8] = []
    var transparency: [UInt8]?
    var idat: [UInt8] = []
    var at = 8
    while true {
      guard at <= bytes.count - 12 else {
        throw FormatError("png", "file ends at byte \(bytes.count) without an IEND chunk (truncated?)")
      }
      let length = Int(bigEndian32(bytes, at))
      let typeBytes = bytes[(at + 4)..<(at + 8)]
      let type = String(decoding: typeBytes, as: UTF8.self)
      guard typeBytes.allSatisfy({ (0x41...0x5A).contains($0 & ~0x20) }) else {
        throw FormatError("png", "invalid chunk type at byte \(at + 4) (corrupt file)")
      }
      guard length <= 0x7FFF_FFFF, length <= bytes.count - at - 12 else {
        throw FormatError("png", "chunk '\(type)' at byte \(at) claims \(length) bytes, past the end of the file (\(bytes.count) bytes)")
      }
      let data = bytes[(at + 8)..<(at + 8 + length)]
      let stored = bigEndian32(bytes, at + 8 + length)
      let crc = CRC32.checksum(bytes[(at + 4)..<(at + 8 + length)])
      guard crc == stored else {
        throw FormatError("png", "bad CRC-32 in chunk '\(type)' at byte \(at): expected \(Inflate.hex(stored)), got \(Inflate.hex(crc))")
      }
      if header == nil && type != "IHDR" {
        throw FormatError("png", "first chunk is '\(type)', expected IHDR")
      }
      switch type {
      case "IHDR":
        guard header == nil else { throw FormatError("png", "second IHDR chunk at byte \(at)") }
        let h = try Header(Array(data), at: at)
        try ImageDimensions(width: h.width, height: h.height).check(maxPixels: maxPixels, format: "png")
        header = h
      case "PLTE":
        guard length % 3 == 0, (3...768).contains(length) else {
          throw FormatError("png", "PLTE chunk at byte \(at) has \(length) bytes (need 1 to 256 RGB entries)")
        }
        palette = Array(data)
      case "tRNS": transparency = Array(data)
      case "IDAT": idat += data
      case "IEND":
        guard let header else { throw FormatError("png", "no IHDR chunk") }
        return try decodePixels(header, idat: idat, palette: palette, transparency: transparency)
      default:
        // Bit 5 of the first letter clear (uppercase) = critical: we cannot safely skip it.
        if bytes[at + 4] & 0x20 == 0 {
          throw FormatError("png", "unsupported critical chunk '\(type)' at byte \(at)")
        }
      }
      at += 12 + length
    }
  }

  static func checkSignature(_ bytes: [UInt8]) throws {
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    guard bytes.count >= 8, bytes[0..<8].elementsEqual(signature) else {
      throw FormatError("png", "missing PNG signature at byte 0: not a PNG file")
    }
  }

  static func bigEndian32(_ b: [UInt8], _ at: Int) -> UInt32 {
    UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
  }

  /// The IHDR fields, validated.
  struct Header {
    var width: Int, height: Int, bitDepth: Int, colorType: Int, interlaced: Bool

    /// Samples per pixel as stored (palette indices count as one).
    var storedChannels: Int { [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colorType] ?? 1 }
    var bitsPerPixel: Int { storedChannels * bitDepth }

    init(_ d: [UInt8], at: Int) throws {
      guard d.count == 13 else { throw FormatError("png", "IHDR chunk at byte \(at) has \(d.count) bytes, expected 13") }
      width = Int(PNG.bigEndian32(d, 0))
      height = Int(PNG.bigEndian32(d, 4))
      bitDepth = Int(d[8])
      colorType = Int(d[9])
      interlaced = d[12] == 1
      guard (1...0x7FFF_FFFF).contains(width), (1...0x7FFF_FFFF).contains(height) else {
        throw FormatError("png", "invalid image size \(width)x\(height) in IHDR")
      }
      let allowed: [Int: [Int]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
      guard let depths = allowed[colorType], depths.contains(bitDepth) else {
        throw FormatError("png", "invalid colour type \(colorType) with bit depth \(bitDepth) in IHDR")
      }
      guard d[10] == 0, d[11] == 0, d[12] <= 1 else {
        throw FormatError("png", "unknown compression \(d[10]), filter \(d[11]) or interlace \(d[12]) method in IHDR")
      }
    }
  }
}
