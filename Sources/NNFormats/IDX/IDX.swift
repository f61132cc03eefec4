/// The IDX array files MNIST ships in (`train-images-idx3-ubyte`, `…-labels-idx1-ubyte`, or
/// the same gzip'd as `.gz`).
///
/// Layout: two zero bytes, a type byte (0x08 unsigned byte, 0x09 signed byte, 0x0B int16,
/// 0x0C int32, 0x0D float32, 0x0E float64), the number of dimensions, then each dimension as a
/// big-endian uint32, then the values big-endian in row-major order. MNIST labels have the
/// magic number 0x00000801 (ubyte, 1 dimension) and images 0x00000803 (ubyte, 3 dimensions).
public struct IDXArray: Sendable, Equatable {
  public var shape: [Int]
  /// Every value converted to `Float` (MNIST's bytes exactly: 0...255).
  public var values: [Float]

  /// Decodes an IDX file, inflating it first when it is gzip'd (to at most `maxBytes`).
  public init(bytes input: [UInt8], maxBytes: Int = 1 << 30) throws {
    let bytes = Gzip.isGzip(input) ? try Gzip.decompress(input, maxOutput: maxBytes) : input
    guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0, let size = Self.sizes[bytes[2]], bytes[3] > 0 else {
      let magic = bytes.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
      throw FormatError("idx",
        "magic number \(Inflate.hex(magic)) at byte 0 is not an IDX file (MNIST labels are 0x00000801, images 0x00000803)")
    }
    let rank = Int(bytes[3])
    guard bytes.count >= 4 + 4 * rank else {
      throw FormatError("idx", "file is \(bytes.count) bytes, too short for \(rank) dimension sizes")
    }
    var shape: [Int] = []
    var count = 1
    for d in 0..<rank {
      let dim = Int(bytes[4 + 4 * d..<8 + 4 * d].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
      shape.append(dim)
      let (product, overflow) = count.multipliedReportingOverflow(by: dim)
      guard !overflow, product <= (1 << 31) else { throw FormatError("idx", "dimensions \(shape) are too large") }
      count = product
    }
    let start = 4 + 4 * rank
    guard bytes.count - start == count * size else {
      throw FormatError("idx",
        "dimensions \(shape) need \(count * size) bytes of data after byte \(start), the file has \(bytes.count - start)")
    }
    self.shape = shape
    let type = bytes[2]
    values = (0..<count).map { i in
      let p = start + i * size
      let bits = (0..<size).reduce(UInt64(0)) { $0 << 8 | UInt64(bytes[p + $1]) }
      switch type {
      case 0x08: return Float(bytes[p])
      case 0x09: return Float(Int8(bitPattern: bytes[p]))
      case 0x0B: return Float(Int16(bitPattern: UInt16(bits)))
      case 0x0C: return Float(Int32(bitPattern: UInt32(bits)))
      case 0x0D: return Float(bitPattern: UInt32(bits))
      default: return Float(Double(bitPattern: bits))
      }
    }
  }

  /// Bytes per value for each type code.
  static let sizes: [UInt8: Int] = [0x08: 1, 0x09: 1, 0x0B: 2, 0x0C: 4, 0x0D: 4, 0x0E: 8]
}
