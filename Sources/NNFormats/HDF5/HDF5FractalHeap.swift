/// A fractal heap (spec III.G), read just far enough to fetch managed and tiny objects by heap ID.
///
/// New-style groups with many links, and objects with many attributes, keep those messages
/// here ("dense storage"), indexed by a version 2 B-tree of heap IDs.
struct HDF5FractalHeap {
  let file: HDF5Bytes
  let what: String
  let idLength: Int
  let checksummedDirectBlocks: Bool
  let tableWidth: Int
  let startBlockSize: UInt64
  let maxDirectBlockSize: UInt64
  let rootAddress: UInt64?
  let rootRows: Int
  /// Bytes of the heap offset in a managed heap ID and in block headers.
  let offsetBytes: Int
  /// Bytes of the object length in a managed heap ID.
  let lengthBytes: Int

  init(_ file: HDF5Bytes, at address: UInt64) throws {
    var c = try file.cursor(at: address, "fractal heap header")
    let start = c.position
    self.file = file
    what = c.what
    try c.signature("FRHP")
    let version = try c.u8()
    guard version == 0 else { throw c.error("unsupported fractal heap version \(version)") }
    idLength = Int(try c.u16())
    let filterLength = Int(try c.u16())
    checksummedDirectBlocks = try c.u8() & 0x02 != 0
    let maxManagedSize = try c.u32()
    _ = try c.length()  // next huge object ID
    _ = try c.address()  // huge object B-tree
    _ = try c.length()  // free space in managed blocks
    _ = try c.address()  // free-space manager
    for _ in 0..<8 { _ = try c.length() }  // managed/allocated space, iterator, object counts and sizes
    tableWidth = Int(try c.u16())
    startBlockSize = try c.length()
    maxDirectBlockSize = try c.length()
    let maxHeapBits = Int(try c.u16())
    _ = try c.u16()  // starting rows in the root indirect block
    rootAddress = try c.address()
    rootRows = Int(try c.u16())
    guard filterLength == 0 else { throw c.error("filtered (compressed) fractal heaps are not supported") }
    try c.checksum(from: start)
    guard tableWidth > 0, tableWidth.nonzeroBitCount == 1, startBlockSize > 0, startBlockSize.nonzeroBitCount == 1,
      maxDirectBlockSize >= startBlockSize, maxDirectBlockSize.nonzeroBitCount == 1,
      maxDirectBlockSize <= 1 << 48, (1...64).contains(maxHeapBits), rootRows <= 64
    else {
      throw c.error("inconsistent doubling table (width \(tableWidth), block sizes \(startBlockSize)...\(maxDirectBlockSize))")
    }
    offsetBytes = (maxHeapBits + 7) / 8
    let directOffsetBytes = (maxDirectBlockSize.trailingZeroBitCount + 7) / 8
    lengthBytes = min(directOffsetBytes, Self.log2(UInt64(maxManagedSize)) / 8 + 1)
  }

  /// Floor of log2, 0 for 0 (libhdf5's `H5VM_log2_gen`).
  static func log2(_ v: UInt64) -> Int { v == 0 ? 0 : 63 - v.leadingZeroBitCount }

  private var log2Start: Int { startBlockSize.trailingZeroBitCount }
  private var firstRowBits: Int { log2Start + tableWidth.trailingZeroBitCount }
  /// Rows below this hold direct blocks; rows from here on hold indirect blocks.
  private var maxDirectRows: Int { maxDirectBlockSize.trailingZeroBitCount - log2Start + 2 }

  private func rowBlockSize(_ row: Int) -> UInt64 { row == 0 ? startBlockSize : startBlockSize << UInt64(row - 1) }

  /// A cursor over the bytes of the object a heap ID names.
  func object(_ id: ArraySlice<UInt8>) throws -> HDF5Cursor {
    var c = HDF5Cursor(file: file, what: "\(what): heap ID", position: id.startIndex, end: id.endIndex)
    let flags = try c.u8()
    guard flags >> 6 == 0 else { throw c.error("unsupported heap ID version \(flags >> 6)") }
    switch flags >> 4 & 0x03 {
    case 0:
      let offset = try c.uint(offsetBytes)
      let length = try c.int(lengthBytes, "object length")
      return try managed(offset: offset, length: length)
    case 2:
      // Tiny objects live inside the ID itself, after the flags byte.
      let length = Int(flags & 0x0F) + 1
      try c.need(length)
      return HDF5Cursor(file: file, what: "\(what): tiny object", position: c.position, end: c.position + length)
    default:
      throw c.error("huge fractal heap objects are not supported")
    }
  }

  /// Finds a managed object by walking the doubling table from the root block down.
  private func managed(offset: UInt64, length: Int) throws -> HDF5Cursor {
    guard let rootAddress else { throw FormatError("hdf5", "\(what): heap has no root block") }
    var blockAddress = rootAddress
    var blockOffset: UInt64 = 0
    var rows = rootRows
    var blockSize = startBlockSize
    for _ in 0..<hdf5MaxTreeDepth {
      if rows == 0 {
        return try directBlockObject(at: blockAddress, blockOffset: blockOffset, size: blockSize, offset: offset, length: length)
      }
      // An indirect block (spec III.G, "Fractal Heap Indirect Block"): which row and column hold the offset.
      var c = try file.cursor(at: blockAddress, "fractal heap indirect block")
      let start = c.position
      try c.signature("FHIB")
      try c.skip(1 + file.offsetSize)  // version, heap header address
      let stored = try c.uint(offsetBytes)
      guard stored == blockOffset else { throw c.error("block offset \(stored), expected \(blockOffset)") }
      let entriesStart = c.position
      try c.skip(rows * tableWidth * file.offsetSize)
      try c.checksum(from: start)
      guard offset >= blockOffset else { throw c.error("object offset \(offset) is before this block") }
      let relative = offset - blockOffset
      let row: Int, column: Int
      if relative < startBlockSize * UInt64(tableWidth) {
        row = 0
        column = Int(relative / startBlockSize)
      } else {
        let high = Self.log2(relative)
        row = high - firstRowBits + 1
        column = Int((relative - (UInt64(1) << UInt64(high))) / rowBlockSize(row))
      }
      guard row < rows else { throw c.error("object offset \(offset) is beyond the block's \(rows) rows") }
      c.position = entriesStart + (row * tableWidth + column) * file.offsetSize
      guard let child = try c.address() else {
        throw c.error("object offset \(offset) falls in an unallocated block")
      }
      // Blocks before (row, column) cover whole rows of the doubling table, then `column` blocks of this row.
      // Wrapping arithmetic: a bogus table only yields a wrong offset, which the child's stored
      // block offset then contradicts.
      var before: UInt64 = 0
      for r in 0..<row { before = before &+ rowBlockSize(r) &* UInt64(tableWidth) }
      blockOffset = blockOffset &+ before &+ rowBlockSize(row) &* UInt64(column)
      blockAddress = child
      blockSize = rowBlockSize(row)
      rows = row < maxDirectRows ? 0 : Self.log2(blockSize) - firstRowBits + 1
    }
    throw FormatError("hdf5", "\(what): indirect blocks nest more than \(hdf5MaxTreeDepth) deep")
  }

  /// The object at heap `offset` inside the direct block that starts at heap offset `blockOffset`.
  ///
  /// Offsets count from the start of the block, header included (spec III.G, direct blocks).
  private func directBlockObject(
    at address: UInt64, blockOffset: UInt64, size: UInt64, offset: UInt64, length: Int
  ) throws -> HDF5Cursor {
    let start = try file.absolute(address, size: Int(size), "fractal heap direct block")
    var c = HDF5Cursor(file: file, what: "fractal heap direct block at byte \(start)", position: start, end: start + Int(size))
    try c.signature("FHDB")
    try c.skip(1 + file.offsetSize)
    let stored = try c.uint(offsetBytes)
    guard stored == blockOffset else { throw c.error("block offset \(stored), expected \(blockOffset)") }
    // The direct block checksum (when present) covers the block with its own field zeroed; we
    // rely on the bounds checks here and on the parse of the object instead.
    let header = c.position - start + (checksummedDirectBlocks ? 4 : 0)
    guard offset >= blockOffset, offset - blockOffset >= UInt64(header), offset - blockOffset + UInt64(length) <= size else {
      throw c.error("object at heap offset \(offset) (\(length) bytes) is outside the block")
    }
    let position = start + Int(offset - blockOffset)
    return HDF5Cursor(file: file, what: "heap object at byte \(position)", position: position, end: position + length)
  }
}
