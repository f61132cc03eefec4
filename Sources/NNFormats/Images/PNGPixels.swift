/// PNG image data: inflate IDAT, undo the per-row filters, unpack samples to 8-bit pixels.
extension PNG {
  /// A sub-image: the whole image, or one of the 7 Adam7 passes (first pixel, step).
  struct Pass { var x0: Int, y0: Int, dx: Int, dy: Int }
  static let whole = [Pass(x0: 0, y0: 0, dx: 1, dy: 1)]
  static let adam7 = [
    Pass(x0: 0, y0: 0, dx: 8, dy: 8), Pass(x0: 4, y0: 0, dx: 8, dy: 8), Pass(x0: 0, y0: 4, dx: 4, dy: 8),
    Pass(x0: 2, y0: 0, dx: 4, dy: 4), Pass(x0: 0, y0: 2, dx: 2, dy: 4), Pass(x0: 1, y0: 0, dx: 2, dy: 2),
    Pass(x0: 0, y0: 1, dx: 1, dy: 2),
  ]

  static func decodePixels(_ h: Header, idat: [UInt8], palette: [UInt8], transparency: [UInt8]?) throws -> Image {
    let isPalette = h.colorType == 3
    if isPalette && palette.isEmpty { throw FormatError("png", "palette image (colour type 3) without a PLTE chunk") }
    let alpha = isPalette ? transparency : nil
    if let alpha, alpha.count > palette.count / 3 {
      throw FormatError("png", "tRNS chunk has \(alpha.count) entries but the palette only \(palette.count / 3)")
    }
    let channels = isPalette ? (alpha == nil ? 3 : 4) : h.storedChannels
    guard let pixelBytes = Image.byteCount(width: h.width, height: h.height, channels: channels) else {
      throw FormatError("png", "image \(h.width)x\(h.height) is too large to decode (limit \(Image.maxPixelBytes) bytes of pixels)")
    }
    guard !idat.isEmpty else { throw FormatError("png", "no IDAT chunk") }

    // Each non-empty pass is `rows` lines of one filter byte plus `rowBytes` bytes. Sizes stay
    // below 2 * pixelBytes + 7 * height, so they cannot overflow once pixelBytes is bounded.
    var layout: [(pass: Pass, width: Int, rows: Int, rowBytes: Int, start: Int)] = []
    var rawSize = 0
    for p in h.interlaced ? adam7 : whole {
      let w = (h.width - p.x0 + p.dx - 1) / p.dx, rows = (h.height - p.y0 + p.dy - 1) / p.dy
      guard w > 0, rows > 0 else { continue }  // Adam7 passes of tiny images can be empty
      let rowBytes = (w * h.bitsPerPixel + 7) / 8
      layout.append((p, w, rows, rowBytes, rawSize))
      rawSize += rows * (rowBytes + 1)
    }
    var raw: [UInt8]
    do {
      raw = try Inflate.zlibDecompress(idat, maxOutput: rawSize)
    } catch let e as FormatError {
      if e.message.hasPrefix("output exceeds") {
        throw FormatError("png", "IDAT data inflates to more than the \(rawSize) bytes a \(h.width)x\(h.height) image needs")
      }
      throw FormatError("png", "IDAT data: \(e.message)")
    }
    guard raw.count == rawSize else {
      throw FormatError("png", "IDAT data inflates to \(raw.count) bytes, but a \(h.width)x\(h.height) image needs \(rawSize) (truncated?)")
    }

    var pixels = [UInt8](repeating: 0, count: pixelBytes)
    let bpp = max(1, h.bitsPerPixel / 8)
    try raw.withUnsafeMutableBufferPointer { raw in
      try pixels.withUnsafeMutableBufferPointer { out in
        for (index, l) in layout.enumerated() {
          try unfilter(raw, start: l.start, rows: l.rows, rowBytes: l.rowBytes, bpp: bpp,
                       where: h.interlaced ? " of Adam7 pass \(index + 1)" : "")
          for y in 0..<l.rows {
            let line = UnsafeBufferPointer(rebasing: raw[(l.start + y * (l.rowBytes + 1) + 1)...].prefix(l.rowBytes))
            let outY = y * l.pass.dy + l.pass.y0
            for x in 0..<l.width {
              let dst = ((outY * h.width) + x * l.pass.dx + l.pass.x0) * channels
              guard unpack(line, x: x, header: h, palette: palette, alpha: alpha, into: out, at: dst) else {
                throw FormatError("png",
                  "palette index at pixel (\(x * l.pass.dx + l.pass.x0), \(outY)) is out of range (palette has \(palette.count / 3) entries)")
              }
            }
          }
        }
      }
    }
    return Image(width: h.width, height: h.height, channels: channels, pixels: pixels)
  }

  /// Reverses filters 0-4 in place; `bpp` is the byte distance to the "left" pixel.
  static func unfilter(
    _ raw: UnsafeMutableBufferPointer<UInt8>, start: Int, rows: Int, rowBytes: Int, bpp: Int, where place: String
  ) throws {
    for r in 0..<rows {
      let filter = raw[start + r * (rowBytes + 1)]
      let line = start + r * (rowBytes + 1) + 1
      let prior = line - (rowBytes + 1)  // the previous, already unfiltered line (when r > 0)
      func up(_ i: Int) -> Int { r > 0 ? Int(raw[prior + i]) : 0 }
      func left(_ i: Int) -> Int { i >= bpp ? Int(raw[line + i - bpp]) : 0 }
      switch filter {
      case 0: continue
      case 1: for i in 0..<rowBytes { raw[line + i] &+= UInt8(left(i)) }
      case 2: for i in 0..<rowBytes { raw[line + i] &+= UInt8(up(i)) }
      case 3: for i in 0..<rowBytes { raw[line + i] &+= UInt8((left(i) + up(i)) >> 1) }
      case 4:
        for i in 0..<rowBytes {
          let a = left(i), b = up(i), c = i >= bpp && r > 0 ? Int(raw[prior + i - bpp]) : 0
          let p = a + b - c
          let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
          raw[line + i] &+= UInt8(pa <= pb && pa <= pc ? a : (pb <= pc ? b : c))
        }
      default:
        throw FormatError("png", "invalid filter type \(filter) on row \(r)\(place)")
      }
    }
  }

  /// Writes pixel `x` of `line` as 8-bit samples at `out[at...]`; false for a palette index
  /// past the palette's end.
  @inline(__always)
  static func unpack(
    _ line: UnsafeBufferPointer<UInt8>, x: Int, header h: Header, palette: [UInt8], alpha: [UInt8]?,
    into out: UnsafeMutableBufferPointer<UInt8>, at: Int
  ) -> Bool {
    let depth = h.bitDepth
    let ch = h.storedChannels
    var value: Int
    switch depth {
    case 8:
      if h.colorType != 3 {
        for c in 0..<ch { out[at + c] = line[x * ch + c] }
        return true
      }
      value = Int(line[x])
    case 16:
      for c in 0..<ch { out[at + c] = line[(x * ch + c) * 2] }  // keep the high byte
      return true
    default:  // 1, 2 or 4 bits: gray or palette index, packed from the high bits down
      let bit = x * depth
      let mask = (1 << depth) - 1
      value = Int(line[bit >> 3]) >> (8 - depth - (bit & 7)) & mask
      if h.colorType == 0 {
        out[at] = UInt8(value * (255 / mask))  // 1 -> 255, 3 -> 255, 15 -> 255
        return true
      }
    }
    guard value * 3 + 2 < palette.count else { return false }
    out[at] = palette[value * 3]
    out[at + 1] = palette[value * 3 + 1]
    out[at + 2] = palette[value * 3 + 2]
    if let alpha { out[at + 3] = value < alpha.count ? alpha[value] : 255 }
    return true
  }
}
