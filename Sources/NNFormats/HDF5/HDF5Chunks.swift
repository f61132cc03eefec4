/// Assembles a chunked dataset from its chunks, whatever index finds them.
struct HDF5ChunkReader {
  let file: HDF5Bytes
  let chunking: HDF5Chunking
  let dims: [Int]
  let elementSize: Int
  let filters: [HDF5Filter]
  /// Chunks per dimension.
  let grid: [Int]
  let chunkBytes: Int
  /// Which grid cells have been written; a cell written twice is an error.
  private var filled: [Bool]

  /// `out` must already hold `dims` elements (fill value or zeros); `limit` caps one chunk's bytes.
  init(file: HDF5Bytes, chunking: HDF5Chunking, dims: [Int], elementSize: Int, filters: [HDF5Filter], limit: Int) throws {
    self.file = file
    self.chunking = chunking
    self.dims = dims
    self.elementSize = elementSize
    self.filters = filters
    grid = zip(dims, chunking.chunk).map { ($0 + $1 - 1) / $1 }
    var bytes = elementSize
    for c in chunking.chunk {
      let (product, overflow) = bytes.multipliedReportingOverflow(by: c)
      guard !overflow, product <= limit else {
        throw FormatError("hdf5", "chunk shape \(chunking.chunk) of \(elementSize)-byte elements is larger than the file allows")
      }
      bytes = product
    }
    chunkBytes = bytes
    // The grid has no more cells than the dataset has elements, which the caller has bounded.
    filled = [Bool](repeating: false, count: grid.reduce(1, *))
  }

  /// Reads every chunk into `out`.
  mutating func read(into out: inout [UInt8]) throws {
    guard let address = chunking.address, !filled.isEmpty else { return }
    let rank = dims.count
    switch chunking.index {
    case .btree1:
      // Key (spec III.A.1, type 1): chunk size (4), filter mask (4), element offset per dimension
      // plus one for the element size (8 each).
      var walk = HDF5TreeWalk()
      try file.forEachV1BTreeChild(at: address, type: 1, keySize: 8 + 8 * (rank + 1), walk: &walk) { child, key in
        var k = key
        let size = Int(try k.u32())
        let mask = try k.u32()
        var scaled: [Int] = []
        for d in 0..<rank {
          let offset = try k.u64()
          guard offset % UInt64(chunking.chunk[d]) == 0 else {
            throw k.error("chunk offset \(offset) is not a multiple of the chunk size \(chunking.chunk[d])")
          }
          scaled.append(Int(clamping: offset / UInt64(chunking.chunk[d])))
        }
        try store(scaled, child, size: size, mask: mask, into: &out)
      }
    case .single(let filteredSize, let mask):
      try store([Int](repeating: 0, count: rank), address, size: filteredSize ?? chunkBytes, mask: mask, into: &out)
    case .implicit:
      for linear in 0..<filled.count {
        let (offset, overflow) = linear.multipliedReportingOverflow(by: chunkBytes)
        guard !overflow else { throw FormatError("hdf5", "implicit chunk index runs past the end of the file") }
        try store(unlinear(linear), address &+ UInt64(offset), size: chunkBytes, mask: 0, into: &out)
      }
    case .fixedArray:
      try readFixedArray(at: address, into: &out)
    case .btree2:
      let type: UInt8 = filters.isEmpty ? 10 : 11
      try file.forEachV2Record(at: address, type: type) { record in
        // Record type 10: address, scaled offsets (8 each); type 11 adds size and filter mask.
        var r = record
        let sizeBytes = r.remaining - file.offsetSize - 4 - 8 * rank
        guard let chunkAddress = try r.address() else { return }
        var size = chunkBytes, mask: UInt32 = 0
        if type == 11 {
          size = try r.int(sizeBytes, "chunk size")
          mask = try r.u32()
        }
        var scaled: [Int] = []
        for _ in 0..<rank { scaled.append(Int(clamping: try r.u64())) }
        try store(scaled, chunkAddress, size: size, mask: mask, into: &out)
      }
    }
  }

  /// Fixed array index (HDF5 1.10 "FAHD"/"FADB"): one entry per chunk in row-major order.
  private mutating func readFixedArray(at address: UInt64, into out: inout [UInt8]) throws {
    var h = try file.cursor(at: address, "fixed array header")
    let start = h.position
    try h.signature("FAHD")
    try h.skip(1)  // version
    let client = try h.u8()
    let entrySize = Int(try h.u8())
    let pageBits = Int(try h.u8())
    let entries = try h.int(file.lengthSize, "entry count")
    let blockAddress = try h.address()
    try h.checksum(from: start)
    let filtered = client == 1
    guard entrySize >= file.offsetSize + (filtered ? 5 : 0), entries <= filled.count else {
      throw h.error("entry size \(entrySize) or count \(entries) does not fit the dataset's \(filled.count) chunks")
    }
    guard pageBits >= 63 || entries <= 1 << pageBits else {
      throw h.error("paged fixed arrays (more than 2^\(pageBits) chunks) are not supported")
    }
    guard let blockAddress else { return }
    var b = try file.cursor(at: blockAddress, "fixed array data block")
    let blockStart = b.position
    try b.signature("FADB")
    try b.skip(2 + file.offsetSize)  // version, client ID, header address
    try b.need(entries * entrySize)
    var stored: [(UInt64?, Int, UInt32)] = []
    for _ in 0..<entries {
      var e = try b.sub(entrySize, b.what)
      try b.skip(entrySize)
      let chunkAddress = try e.address()
      if filtered {
        let size = try e.int(entrySize - file.offsetSize - 4, "chunk size")
        stored.append((chunkAddress, size, try e.u32()))
      } else {
        stored.append((chunkAddress, chunkBytes, 0))
      }
    }
    try b.checksum(from: blockStart)
    for (linear, (chunkAddress, size, mask)) in stored.enumerated() {
      if let chunkAddress { try store(unlinear(linear), chunkAddress, size: size, mask: mask, into: &out) }
    }
  }

  /// Grid coordinates of a row-major chunk number.
  private func unlinear(_ linear: Int) -> [Int] {
    var rest = linear
    var scaled = [Int](repeating: 0, count: grid.count)
    for d in (0..<grid.count).reversed() {
      scaled[d] = rest % grid[d]
      rest /= grid[d]
    }
    return scaled
  }

  /// Reads one chunk (undoing filters) and copies the part inside the dataset into `out`.
  private mutating func store(_ scaled: [Int], _ address: UInt64, size: Int, mask: UInt32, into out: inout [UInt8]) throws {
    // Chunks wholly outside the current extent are legal leftovers of a shrunk dataset.
    guard zip(scaled, grid).allSatisfy({ $0 >= 0 && $0 < $1 }) else { return }
    let linear = scaled.indices.reduce(0) { $0 * grid[$1] + scaled[$1] }
    let start = try file.absolute(address, size: size, "chunk \(scaled)")
    guard !filled[linear] else { throw FormatError("hdf5", "chunk \(scaled) at byte \(start) is stored twice") }
    filled[linear] = true
    var data = file.bytes[start..<start + size]
    if !filters.isEmpty {
      data = try HDF5Filter.undo(filters, mask: mask, Array(data), expected: chunkBytes, "chunk \(scaled) at byte \(start)")[...]
    }
    guard data.count >= chunkBytes else {
      throw FormatError("hdf5", "chunk \(scaled) at byte \(start) holds \(data.count) bytes, expected \(chunkBytes)")
    }
    copy(data, origin: zip(scaled, chunking.chunk).map { $0 * $1 }, into: &out)
  }

  /// Copies the rows of a chunk that lie inside the dataset, one run along the last dimension at a time.
  private func copy(_ data: ArraySlice<UInt8>, origin: [Int], into out: inout [UInt8]) {
    let rank = dims.count, chunk = chunking.chunk
    let extent = (0..<rank).map { min(chunk[$0], dims[$0] - origin[$0]) }
    let run = extent[rank - 1] * elementSize
    var index = [Int](repeating: 0, count: rank)
    while true {
      var source = 0, target = 0
      for d in 0..<rank {
        source = source * chunk[d] + index[d]
        target = target * dims[d] + origin[d] + index[d]
      }
      let from = data.startIndex + source * elementSize, to = target * elementSize
      out.replaceSubrange(to..<to + run, with: data[from..<from + run])
      var d = rank - 2
      while d >= 0 {
        index[d] += 1
        if index[d] < extent[d] { break }
        index[d] = 0
        d -= 1
      }
      if d < 0 { return }
    }
  }
}
