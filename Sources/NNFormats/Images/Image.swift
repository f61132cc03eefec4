/// A decoded raster image: 8-bit samples, row-major, channels interleaved.
///
/// `channels` is 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA). Readers of deeper formats
/// (16-bit PNG, PGM with maxval > 255) reduce each sample to 8 bits.
public struct Image: Sendable, Equatable {
  public var width: Int
  public var height: Int
  public var channels: Int
  /// `height * width * channels` bytes; pixel (x, y) channel c is at `(y * width + x) * channels + c`.
  public var pixels: [UInt8]

  public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
    self.width = width
    self.height = height
    self.channels = channels
    self.pixels = pixels
  }

  /// The largest pixel buffer a reader will allocate (1 GiB): a header can claim any size,
  /// so readers check the product against this and the input's length before allocating.
  static let maxPixelBytes = 1 << 30

  /// `width * height * channels`, or nil when it overflows or exceeds `maxPixelBytes`.
  static func byteCount(width: Int, height: Int, channels: Int) -> Int? {
    let (wh, o1) = width.multipliedReportingOverflow(by: height)
    let (n, o2) = wh.multipliedReportingOverflow(by: channels)
    return o1 || o2 || n > maxPixelBytes ? nil : n
  }
}
