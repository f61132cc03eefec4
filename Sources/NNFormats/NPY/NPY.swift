/// A numpy array converted to `Float`, in row-major (C) order. Shape `[]` is a scalar (one value).
public struct NPYArray: Sendable, Equatable {
  public var shape: [Int]
  public var values: [Float]

  public init(shape: [Int], values: [Float]) {
    self.shape = shape
    self.values = values
  }
}

/// Reads `.npy` files (format versions 1.0, 2.0, 3.0) of numeric dtypes.
///
/// Supported: float16/32/64, int8/16/32/64, uint8/16/32/64 and bool, either byte order.
/// Fortran-ordered arrays are transposed to C order. Structured and object dtypes are errors.
public enum NPY {
  /// Where a `.npy` file's data starts and what it holds, from its header alone.
  public struct Layout: Sendable {
    public let shape: [Int]
    public let fortranOrder: Bool
    /// The byte offset of the first value.
    public let dataStart: Int
    /// Values in the array (the product of `shape`).
    public let count: Int
    let dtype: DType
    let descr: String

    public var itemSize: Int { dtype.size }
  }

  /// Decodes a whole `.npy` file; the data must be exactly as long as the shape requires.
  public static func decode(_ bytes: [UInt8]) throws -> NPYArray {
    let layout = try self.layout(bytes)
    try check(layout, fileSize: bytes.count)
    var values = layout.dtype.convert(bytes, from: layout.dataStart, count: layout.count)
    if layout.fortranOrder && layout.shape.count > 1 { values = transposeToRowMajor(values, shape: layout.shape) }
    return NPYArray(shape: layout.shape, values: values)
  }

  /// The first `count` values of a C-ordered array, from the first bytes of its file (`prefix`
  /// must reach `layout.dataStart + count * layout.itemSize`), so a caller reads only those.
  public static func leadingValues(_ prefix: [UInt8], _ layout: Layout, count: Int) -> [Float] {
    precondition(!layout.fortranOrder && count <= layout.count && layout.dataStart + count * layout.itemSize <= prefix.count)
    return layout.dtype.convert(prefix, from: layout.dataStart, count: count)
  }

  /// Parses the magic number and header; `bytes` needs to hold only the header.
  public static func layout(_ bytes: [UInt8]) throws -> Layout {
    let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    guard bytes.count >= 10, bytes[0..<6].elementsEqual(magic) else {
      throw FormatError("npy", "missing \\x93NUMPY magic at byte 0: not a .npy file")
    }
    let major = bytes[6], minor = bytes[7]
    let headerStart: Int, headerLength: Int
    switch major {
    case 1:
      headerStart = 10
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
    case 2, 3:
      guard bytes.count >= 12 else { throw FormatError("npy", "file ends inside the header length at byte 8") }
      headerStart = 12
      headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
    default:
      throw FormatError("npy", "unsupported format version \(major).\(minor) at byte 6")
    }
    guard headerLength <= bytes.count - headerStart else {
      throw FormatError("npy", "header of \(headerLength) bytes at byte \(headerStart) runs past the end of the file (\(bytes.count) bytes)")
    }
    let header = try NPYHeader(Array(bytes[headerStart..<(headerStart + headerLength)]), offset: headerStart)
    let dtype = try DType(header.descr)
    var count = 1
    for d in header.shape {
      let (n, overflow) = count.multipliedReportingOverflow(by: d)
      guard !overflow else { throw FormatError("npy", "shape \(header.shape) is too large") }
      count = n
    }
    return Layout(
      shape: header.shape, fortranOrder: header.fortranOrder, dataStart: headerStart + headerLength, count: count,
      dtype: dtype, descr: header.descr)
  }

  /// Throws unless a file of `fileSize` bytes holds exactly the data `layout` declares.
  public static func check(_ layout: Layout, fileSize: Int) throws {
    let available = fileSize - layout.dataStart
    // Check the size before allocating: a header can claim any shape.
    guard layout.count <= available / layout.dtype.size, layout.count * layout.dtype.size == available else {
      throw FormatError("npy",
        "data at byte \(layout.dataStart) is \(available) bytes, but shape \(layout.shape) of '\(layout.descr)' needs \(layout.count.multipliedReportingOverflow(by: layout.dtype.size).partialValue)")
    }
  }

  /// Reorders column-major (Fortran) data to row-major by walking row-major indices
  /// while tracking the matching column-major offset.
  static func transposeToRowMajor(_ values: [Float], shape: [Int]) -> [Float] {
    guard !values.isEmpty else { return values }
    var strides = [Int](repeating: 1, count: shape.count)  // column-major strides
    for k in 1..<shape.count { strides[k] = strides[k - 1] * shape[k - 1] }
    var index = [Int](repeating: 0, count: shape.count)
    var offset = 0
    var out = [Float]()
    out.reserveCapacity(values.count)
    for _ in 0..<values.count {
      out.append(values[offset])
      var k = shape.count - 1
      while k >= 0 {
        index[k] += 1
        offset += strides[k]
        if index[k] < shape[k] { break }
        offset -= strides[k] * shape[k]
        index[k] = 0
        k -= 1
      }
    }
    return out
  }
}
