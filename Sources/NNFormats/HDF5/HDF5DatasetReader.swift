extension HDF5Walk {
  /// Reads one dataset: dataspace, datatype, layout and filters from its header, then its elements
  /// and attributes. Errors are prefixed with the path by the caller.
  mutating func readDataset(_ header: HDF5ObjectHeader, path: String) throws -> HDF5Dataset {
    guard let spaceMessage = header.first(HDF5MessageType.dataspace),
      let typeMessage = header.first(HDF5MessageType.datatype),
      let layoutMessage = header.first(HDF5MessageType.layout)
    else {
      throw FormatError("hdf5", "object header at byte \(header.offset) lacks a dataspace, datatype or layout message")
    }
    guard !typeMessage.isShared else { throw FormatError("hdf5", "committed (shared) datatypes are not supported") }
    guard !spaceMessage.isShared else { throw FormatError("hdf5", "shared dataspaces are not supported") }
    guard header.first(HDF5MessageType.externalFiles) == nil else {
      throw FormatError("hdf5", "data in external files is not supported")
    }
    var c = spaceMessage.cursor(file, "dataspace")
    let space = try HDF5Dataspace.parse(&c)
    c = typeMessage.cursor(file, "datatype")
    let type = try HDF5Datatype.parse(&c)
    switch type {
    case .float, .integer, .enumeration: break
    default: throw FormatError("hdf5", "\(type.name) data cannot be read as numbers")
    }
    c = layoutMessage.cursor(file, "data layout")
    let layout = try HDF5Layout.parse(&c, rank: space.dims.count)
    var filters: [HDF5Filter] = []
    if case .chunked = layout, let message = header.first(HDF5MessageType.filterPipeline) {
      c = message.cursor(file, "filter pipeline")
      filters = try HDF5Filter.pipeline(&c)
    }

    // Sizes first, so nothing is allocated for a dataspace the file cannot back.
    let total = space.elementCount.map { $0.multipliedReportingOverflow(by: UInt64(type.size)) }
    let limit = filters.isEmpty ? file.count : file.count.multipliedReportingOverflow(by: 1032).partialValue
    guard let count = space.elementCount, let total, !total.overflow, total.partialValue <= UInt64(limit) else {
      let elements = space.elementCount.map(String.init) ?? "more than 2^64"
      throw FormatError(
        "hdf5", "dataspace \(space.description) of \(elements) elements × \(type.size) bytes is larger than the file (\(file.count) bytes)")
    }
    let bytes = Int(total.partialValue)
    if filters.isEmpty { plainBudget -= bytes } else { filteredBudget -= bytes }
    guard plainBudget >= 0, filteredBudget >= 0 else {
      throw FormatError("hdf5", "the datasets together need more bytes than the file can hold (\(file.count) bytes)")
    }
    guard bytes <= dataLimit else {
      throw FormatError("hdf5",
        "dataspace \(space.description) of \(type.name) needs \(ByteCount.describe(bytes)), more than the \(ByteCount.describe(dataLimit)) left of the limit for the data")
    }
    dataLimit -= bytes
    // Each dimension is at most `count`, except beside a zero dimension, where it could be anything.
    guard space.dims.allSatisfy({ $0 <= UInt64(Int32.max) || $0 <= count }) else {
      throw FormatError("hdf5", "dataspace \(space.description) has an implausible dimension")
    }
    let shape = space.dims.map { Int($0) }

    var raw: ArraySlice<UInt8>
    switch layout {
    case .compact(let data):
      guard data.count >= bytes else {
        throw FormatError("hdf5", "compact data is \(data.count) bytes, but dataspace \(space.description) of \(type.name) needs \(bytes)")
      }
      raw = data.prefix(bytes)
    case .contiguous(let address?, let size):
      guard size >= UInt64(bytes) else {
        throw FormatError("hdf5", "contiguous data is \(size) bytes, but dataspace \(space.description) of \(type.name) needs \(bytes)")
      }
      let start = try file.absolute(address, size: bytes, "contiguous data of \(bytes) bytes")
      raw = file.bytes[start..<start + bytes]
    case .contiguous(nil, _):
      raw = try filledBuffer(header, type: type, count: Int(count))[...]
    case .chunked(let chunking):
      guard chunking.elementSize == type.size else {
        throw FormatError("hdf5", "chunks hold \(chunking.elementSize)-byte elements, but the datatype is \(type.size) bytes")
      }
      var out = try filledBuffer(header, type: type, count: Int(count))
      var reader = try HDF5ChunkReader(
        file: file, chunking: chunking, dims: shape, elementSize: type.size, filters: filters,
        limit: min(limit, dataLimit + bytes))  // one chunk never needs more than the data budget left
      try reader.read(into: &out)
      raw = out[...]
    }
    return HDF5Dataset(
      path: path, shape: shape, values: try type.floats(raw, count: Int(count)),
      attributes: try file.attributes(of: header))
  }

  /// Storage for `count` elements, holding the fill value (or zeros) where nothing was written.
  private func filledBuffer(_ header: HDF5ObjectHeader, type: HDF5Datatype, count: Int) throws -> [UInt8] {
    guard let fill = try file.fillValue(header, elementSize: type.size), fill.contains(where: { $0 != 0 }) else {
      return [UInt8](repeating: 0, count: count * type.size)
    }
    var out: [UInt8] = []
    out.reserveCapacity(count * type.size)
    for _ in 0..<count { out.append(contentsOf: fill) }
    return out
  }
}
