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
  /// Decodes a whole `.npy` file; the data must be exactly as long as the shape requires.
  public static func decode(_ bytes: [UInt8]) throws -> NPYArray {
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
    let dataStart = headerStart + headerLength

    var count = 1
    for d in header.shape {
      let (n, overflow) = count.multipliedReportingOverflow(by: d)
      guard !overflow else { throw FormatError("npy", "shape \(header.shape) is too large") }
      count = n
    }
    let available = bytes.count - dataStart
    // Check the size before allocating: a header can claim any shape.
    guard count <= available / dtype.size, count * dtype.size == available else {
      throw FormatError("npy",
        "data at byte \(dataStart) is \(available) bytes, but shape \(header.shape) of '\(header.descr)' needs \(count.multipliedReportingOverflow(by: dtype.size).partialValue)")
    }
    var values = dtype.convert(bytes, from: dataStart, count: count)
    if header.fortranOrder && header.shape.count > 1 { values = transposeToRowMajor(values, shape: header.shape) }
    return NPYArray(shape: header.shape, values: values)
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
