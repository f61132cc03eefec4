/// PNG encoding of 8-bit images: gray, gray + alpha, RGB or RGBA, no interlacing, filter 0
/// (None) on every row, image data as a zlib stream of STORED blocks.
///
/// The files are larger than a compressing encoder's but byte-for-byte reproducible and read by
/// every PNG decoder (the CRC of each chunk and the Adler-32 of the data are real).
extension PNG {
  public static func encode(_ image: Image) throws -> [UInt8] {
    let colorTypes = [1: 0, 2: 4, 3: 2, 4: 6]
    guard let colorType = colorTypes[image.channels] else {
      throw FormatError("png", "cannot write an image with \(image.channels) channels (1 to 4)")
    }
    guard image.width > 0, image.height > 0, image.width <= 0x7FFF_FFFF, image.height <= 0x7FFF_FFFF,
      let count = Image.byteCount(width: image.width, height: image.height, channels: image.channels),
      count == image.pixels.count
    else {
      throw FormatError("png", "image \(image.width)x\(image.height)x\(image.channels) does not match its \(image.pixels.count) pixel bytes")
    }
    var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    var header: [UInt8] = []
    put32(UInt32(image.width), &header)
    put32(UInt32(image.height), &header)
    header += [8, UInt8(colorType), 0, 0, 0]  // bit depth, colour type, deflate, filter set 0, no interlace
    chunk("IHDR", header, &out)
    let rowBytes = image.width * image.channels
    var raw: [UInt8] = []
    raw.reserveCapacity((rowBytes + 1) * image.height)
    for y in 0..<image.height {
      raw.append(0)  // filter type None
      raw += image.pixels[(y * rowBytes)..<((y + 1) * rowBytes)]
    }
    chunk("IDAT", Deflate.zlibStored(raw), &out)
    chunk("IEND", [], &out)
    return out
  }

  private static func chunk(_ type: String, _ data: [UInt8], _ out: inout [UInt8]) {
    put32(UInt32(data.count), &out)
    let typeAndData = Array(type.utf8) + data
    out += typeAndData
    put32(CRC32.checksum(typeAndData), &out)
  }

  private static func put32(_ v: UInt32, _ a: inout [UInt8]) {
    a += [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
  }
}
