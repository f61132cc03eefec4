/// Where a dataset's elements are stored: the data layout message (spec IV.A.2.i).
enum HDF5Layout {
  /// In the message itself.
  case compact(ArraySlice<UInt8>)
  /// One block of the file; an undefined address means never written (all fill value).
  case contiguous(address: UInt64?, size: UInt64)
  case chunked(HDF5Chunking)

  /// Parses layout message versions 3 to 5 (HDF5 1.6 and later write nothing older).
  static func parse(_ c: inout HDF5Cursor, rank: Int) throws -> HDF5Layout {
    let version = try c.u8()
    // Version 5 (HDF5 2.0) is laid out like version 4; it changes only how wide the filtered
    // chunk sizes inside the chunk index are, which we take from the index's own entry sizes.
    guard (3...5).contains(version) else { throw c.error("unsupported data layout version \(version)") }
    let layoutClass = try c.u8()
    switch layoutClass {
    case 0:
      let size = Int(try c.u16())
      return .compact(try c.bytes(size))
    case 1:
      let address = try c.address()
      return .contiguous(address: address, size: try c.length())
    case 2:
      var index = HDF5Chunking.Index.btree1
      var dims: [UInt64] = []
      if version == 3 {
        let count = Int(try c.u8())
        let address = try c.address()
        for _ in 0..<count { dims.append(UInt64(try c.u32())) }
        return .chunked(try HDF5Chunking(dims: dims, rank: rank, index: index, address: address, c))
      }
      let flags = try c.u8()
      let count = Int(try c.u8())
      let width = Int(try c.u8())
      guard (1...8).contains(width) else { throw c.error("chunk dimension size of \(width) bytes") }
      for _ in 0..<count { dims.append(try c.uint(width)) }
      let indexType = try c.u8()
      switch indexType {
      case 1:
        if flags & 0x02 != 0 {
          let size = try c.int(c.file.lengthSize, "filtered chunk size")
          index = .single(filteredSize: size, mask: try c.u32())
        } else {
          index = .single(filteredSize: nil, mask: 0)
        }
      case 2: index = .implicit
      case 3:
        try c.skip(1)  // page bits; the array header repeats it
        index = .fixedArray
      case 5:
        try c.skip(6)  // node size, split and merge percentages; the B-tree header repeats them
        index = .btree2
      case 4: throw c.error("chunks indexed by an extensible array (one unlimited dimension) are not supported")
      default: throw c.error("unknown chunk index type \(indexType)")
      }
      let address = try c.address()
      return .chunked(try HDF5Chunking(dims: dims, rank: rank, index: index, address: address, c))
    case 3:
      throw c.error("virtual datasets are not supported")
    default:
      throw c.error("unknown data layout class \(layoutClass)")
    }
  }
}

/// A chunked layout: chunk shape and how the chunks are found.
struct HDF5Chunking {
  enum Index {
    /// Layout version 3: a version 1 B-tree of type 1 (spec III.A.1).
    case btree1
    /// A single chunk covering the dataset, maybe filtered to `filteredSize` bytes.
    case single(filteredSize: Int?, mask: UInt32)
    /// Chunks stored back to back in row-major order, none missing.
    case implicit
    /// A fixed array of chunk addresses in row-major order.
    case fixedArray
    /// A version 2 B-tree of record type 10 or 11 keyed by scaled chunk coordinates.
    case btree2
  }

  /// Chunk extent in each dimension of the dataspace.
  let chunk: [Int]
  let index: Index
  let address: UInt64?

  /// The stored dimensions end with the element size, which we check against the datatype later.
  let elementSize: Int

  init(dims: [UInt64], rank: Int, index: Index, address: UInt64?, _ c: HDF5Cursor) throws {
    guard dims.count == rank + 1, rank > 0 else {
      throw c.error("chunk has \(dims.count) dimensions for a dataspace of rank \(rank) (expected rank + 1)")
    }
    guard dims.allSatisfy({ $0 > 0 && $0 <= UInt64(UInt32.max) }) else {
      throw c.error("chunk dimensions \(dims) must be between 1 and 2^32 - 1")
    }
    chunk = dims.dropLast().map { Int($0) }
    elementSize = Int(dims[rank])
    self.index = index
    self.address = address
  }
}

/// One filter of a filter pipeline message (spec IV.A.2.l).
struct HDF5Filter {
  let id: Int
  let clientData: [UInt32]

  static let names = [1: "deflate", 2: "shuffle", 3: "fletcher32", 4: "szip", 5: "nbit", 6: "scaleoffset",
                      32000: "lzf", 32001: "blosc", 32004: "lz4", 32008: "bitshuffle", 32013: "zfp", 32015: "zstd"]

  /// Parses the pipeline; filters other than deflate, shuffle and fletcher32 are rejected here.
  static func pipeline(_ c: inout HDF5Cursor) throws -> [HDF5Filter] {
    let version = try c.u8()
    guard version == 1 || version == 2 else { throw c.error("unsupported filter pipeline version \(version)") }
    let count = Int(try c.u8())
    if version == 1 { try c.skip(6) }
    var filters: [HDF5Filter] = []
    for _ in 0..<count {
      let id = Int(try c.u16())
      let nameLength = version == 1 || id >= 256 ? Int(try c.u16()) : 0
      _ = try c.u16()  // flags (optional or mandatory); a skipped optional filter is in the chunk's mask
      let values = Int(try c.u16())
      // Version 1 pads the name to 8 bytes and the client data to an even count.
      try c.skip(version == 1 ? (nameLength + 7) & ~7 : nameLength)
      var data: [UInt32] = []
      for _ in 0..<values { data.append(try c.u32()) }
      if version == 1, values % 2 == 1 { try c.skip(4) }
      guard (1...3).contains(id) else {
        throw c.error("filter \(id) (\(names[id] ?? "unknown")) is not supported (only deflate, shuffle and fletcher32)")
      }
      filters.append(HDF5Filter(id: id, clientData: data))
    }
    return filters
  }

  /// Undoes a pipeline on one chunk: filters run in reverse, skipping those whose `mask` bit is set.
  static func undo(_ filters: [HDF5Filter], mask: UInt32, _ chunk: [UInt8], expected: Int, _ what: String) throws -> [UInt8] {
    var data = chunk
    for (i, filter) in filters.enumerated().reversed() where i >= 32 || mask & (1 << UInt32(i)) == 0 {
      switch filter.id {
      case 1:
        do {
          data = try Inflate.zlibDecompress(data, maxOutput: expected + 4 * filters.count)
        } catch let error as FormatError {
          throw FormatError("hdf5", "\(what): \(error.description)")
        }
      case 2:
        data = unshuffle(data, elementSize: Int(filter.clientData.first ?? 1))
      default:
        // Fletcher-32 appends 4 bytes; old libraries stored it byte-swapped, so we only strip it.
        guard data.count >= 4 else { throw FormatError("hdf5", "\(what): too short for its Fletcher-32 checksum") }
        data.removeLast(4)
      }
    }
    return data
  }

  /// The shuffle filter stores byte 0 of every element, then byte 1 of every element, and so on.
  static func unshuffle(_ data: [UInt8], elementSize: Int) -> [UInt8] {
    guard elementSize > 1, data.count >= elementSize else { return data }
    let n = data.count / elementSize
    var out = data  // a trailing partial element stays as it was
    for byte in 0..<elementSize {
      for i in 0..<n { out[i * elementSize + byte] = data[byte * n + i] }
    }
    return out
  }
}

extension HDF5Bytes {
  /// The fill value's bytes when a fill value message (spec IV.A.2.f, or the old IV.A.2.e)
  /// defines one, for storage that was never written.
  func fillValue(_ header: HDF5ObjectHeader, elementSize: Int) throws -> [UInt8]? {
    var value: ArraySlice<UInt8>?
    if let message = header.first(HDF5MessageType.fillValue) {
      var c = message.cursor(self, "fill value")
      let version = try c.u8()
      switch version {
      case 1, 2:
        try c.skip(2)  // allocation and write times
        let defined = try c.u8() != 0
        if version == 1 || defined {
          let size = Int(try c.u32())
          value = try c.bytes(size)
        }
      case 3:
        if try c.u8() & 0x20 != 0 {
          let size = Int(try c.u32())
          value = try c.bytes(size)
        }
      default: throw c.error("unsupported fill value version \(version)")
      }
    } else if let message = header.first(HDF5MessageType.fillValueOld) {
      var c = message.cursor(self, "fill value")
      let size = Int(try c.u32())
      value = try c.bytes(size)
    }
    guard let value, !value.isEmpty else { return nil }
    guard value.count == elementSize else {
      throw FormatError("hdf5", "fill value of \(value.count) bytes for elements of \(elementSize) bytes")
    }
    return Array(value)
  }
}
