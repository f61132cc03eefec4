/// Netpbm gray and colour images: PGM (P5 binary, P2 ASCII) and PPM (P6, P3) as 3 channels.
///
/// Samples are scaled to 0...255 by `round(v * 255 / maxval)` (identity for maxval 255);
/// maxval above 255 means 2-byte big-endian samples in the binary forms.
public enum PGM {
  /// Decodes a P2, P3, P5 or P6 file (the first image, if several are concatenated); an image
  /// of more than `maxPixels` pixels is refused from its header.
  public static func decode(_ bytes: [UInt8], maxPixels: Int = Image.maxPixels) throws -> Image {
    var (scanner, kind) = try headerScanner(bytes)
    let channels = kind % 2 == 0 ? 1 : 3
    let binary = kind >= 2
    let width = try scanner.number("width"), height = try scanner.number("height")
    guard width > 0, height > 0 else { throw FormatError("pgm", "invalid image size \(width)x\(height)") }
    try ImageDimensions(width: width, height: height).check(maxPixels: maxPixels, format: "pgm")
    let maxval = try scanner.number("maxval")
    guard (1...65535).contains(maxval) else { throw FormatError("pgm", "maxval \(maxval) is not in 1...65535") }
    guard let count = Image.byteCount(width: width, height: height, channels: channels) else {
      throw FormatError("pgm", "image \(width)x\(height) is too large to decode (limit \(Image.maxPixelBytes) bytes of pixels)")
    }
    let wide = maxval > 255
    // Precomputed scaling: at most 65536 entries, and it keeps the per-sample work a lookup.
    let scale = (0...maxval).map { UInt8(($0 * 255 + maxval / 2) / maxval) }
    var pixels: [UInt8]
    if binary {
      // Exactly one whitespace byte separates maxval from the raster.
      guard scanner.at < bytes.count, Scanner.isSpace(bytes[scanner.at]) else {
        throw FormatError("pgm", "expected whitespace after maxval at byte \(scanner.at)")
      }
      let start = scanner.at + 1
      let needed = wide ? count * 2 : count
      guard needed <= bytes.count - start else {
        throw FormatError("pgm", "pixel data at byte \(start) is \(bytes.count - start) bytes, expected \(needed) (truncated?)")
      }
      pixels = [UInt8](repeating: 0, count: count)
      for i in 0..<count {
        let v = wide ? Int(bytes[start + 2 * i]) << 8 | Int(bytes[start + 2 * i + 1]) : Int(bytes[start + i])
        guard v <= maxval else {
          throw FormatError("pgm", "sample \(v) at byte \(start + (wide ? 2 * i : i)) exceeds maxval \(maxval)")
        }
        pixels[i] = scale[v]
      }
    } else {
      // Each ASCII sample takes a digit and a separator, which bounds the allocation.
      guard count <= (bytes.count - scanner.at + 1) / 2 else {
        throw FormatError("pgm", "file is too short for \(count) ASCII samples (truncated?)")
      }
      pixels = [UInt8](repeating: 0, count: count)
      for i in 0..<count {
        let v = try scanner.number("sample \(i)")
        guard v <= maxval else { throw FormatError("pgm", "sample \(v) before byte \(scanner.at) exceeds maxval \(maxval)") }
        pixels[i] = scale[v]
      }
    }
    return Image(width: width, height: height, channels: channels, pixels: pixels)
  }

  /// A scanner just past the magic number, and which of P2, P3, P5, P6 it is (0...3).
  static func headerScanner(_ bytes: [UInt8]) throws -> (scanner: Scanner, kind: Int) {
    guard bytes.count >= 2, bytes[0] == UInt8(ascii: "P"),
      let kind = [UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "5"), UInt8(ascii: "6")].firstIndex(of: bytes[1])
    else {
      throw FormatError("pgm", "missing P2, P3, P5 or P6 magic number at byte 0: not a PGM/PPM file")
    }
    return (Scanner(bytes: bytes, at: 2), kind)
  }

  /// Reads the decimal numbers of the header (and of ASCII rasters), skipping `#` comments.
  struct Scanner {
    let bytes: [UInt8]
    var at: Int

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (0x09...0x0D).contains(b) }

    mutating func number(_ what: String) throws -> Int {
      while at < bytes.count {
        if Scanner.isSpace(bytes[at]) {
          at += 1
        } else if bytes[at] == UInt8(ascii: "#") {
          while at < bytes.count && bytes[at] != 0x0A && bytes[at] != 0x0D { at += 1 }
        } else {
          break
        }
      }
      let start = at
      var value = 0
      while at < bytes.count, (0x30...0x39).contains(bytes[at]) {
        value = value * 10 + Int(bytes[at] - 0x30)
        guard value <= 0x7FFF_FFFF else { throw FormatError("pgm", "\(what) at byte \(start) is too large") }
        at += 1
      }
      guard at > start else {
        throw FormatError("pgm", at < bytes.count
          ? "expected a number (\(what)) at byte \(at)" : "file ends at byte \(at) before \(what)")
      }
      return value
    }
  }
}
