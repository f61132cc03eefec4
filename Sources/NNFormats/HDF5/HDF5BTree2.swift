/// Version 2 B-trees (spec III.A.2): the indexes of dense links (record type 5), dense
/// attributes (type 8) and chunked datasets with unlimited dimensions (types 10 and 11).
extension HDF5Bytes {
  /// Calls `body` with a cursor over every record of the tree whose header is at `address`.
  ///
  /// Records come in no particular order; callers sort or key them themselves.
  func forEachV2Record(at address: UInt64, type: UInt8, _ body: (HDF5Cursor) throws -> Void) throws {
    var c = try cursor(at: address, "v2 B-tree header")
    let start = c.position
    try c.signature("BTHD")
    let version = try c.u8()
    guard version == 0 else { throw c.error("unsupported v2 B-tree version \(version)") }
    let treeType = try c.u8()
    guard treeType == type else { throw c.error("v2 B-tree type \(treeType), expected \(type)") }
    let nodeSize = try c.int(4, "node size")
    let recordSize = Int(try c.u16())
    let depth = Int(try c.u16())
    try c.skip(2)  // split and merge percentages
    let root = try c.address()
    let rootRecords = Int(try c.u16())
    _ = try c.length()  // total records
    try c.checksum(from: start)
    guard let root else { return }  // an empty tree
    guard recordSize > 0, nodeSize > 10 + recordSize, nodeSize <= count, depth < hdf5MaxTreeDepth else {
      throw c.error("inconsistent node size \(nodeSize), record size \(recordSize) or depth \(depth)")
    }
    let tree = V2Tree(file: self, type: type, nodeSize: nodeSize, recordSize: recordSize, depth: depth)
    var walk = HDF5TreeWalk()
    try tree.visit(root, records: rootRecords, depth: depth, walk: &walk, body)
  }
}

/// Node sizes of one v2 B-tree, computed as libhdf5 does (`H5B2__hdr_init`), because the width
/// of the "number of records" fields in internal nodes depends on them.
private struct V2Tree {
  let file: HDF5Bytes
  let type: UInt8
  let nodeSize: Int
  let recordSize: Int
  /// Maximum records per node at each depth (0 = leaves).
  var maxRecords: [Int] = []
  /// Bytes of a child's record count, and of a child's total-records count, at each depth.
  var recordCountBytes = 0
  var totalCountBytes: [Int] = []

  init(file: HDF5Bytes, type: UInt8, nodeSize: Int, recordSize: Int, depth: Int) {
    self.file = file
    self.type = type
    self.nodeSize = nodeSize
    self.recordSize = recordSize
    let prefix = 10  // signature, version, type, checksum
    let leafMax = (nodeSize - prefix) / recordSize
    maxRecords = [leafMax]
    recordCountBytes = Self.encodedSize(UInt64(leafMax))
    var cumulative = [UInt64(leafMax)]
    totalCountBytes = [0]
    if depth > 0 {
      for level in 1...depth {
        let pointer = file.offsetSize + recordCountBytes + (level > 1 ? totalCountBytes[level - 1] : 0)
        let most = max(0, (nodeSize - (prefix + pointer)) / (recordSize + pointer))
        maxRecords.append(most)
        // (most + 1) * child + most, saturating: only its encoded width matters.
        let (product, o1) = UInt64(most + 1).multipliedReportingOverflow(by: cumulative[level - 1])
        let (sum, o2) = product.addingReportingOverflow(UInt64(most))
        cumulative.append(o1 || o2 ? .max : sum)
        totalCountBytes.append(Self.encodedSize(cumulative[level]))
      }
    }
  }

  /// Bytes needed to store values up to `limit` (libhdf5's `H5VM_limit_enc_size`).
  static func encodedSize(_ limit: UInt64) -> Int { HDF5FractalHeap.log2(limit) / 8 + 1 }

  func visit(
    _ address: UInt64, records: Int, depth: Int, walk: inout HDF5TreeWalk, _ body: (HDF5Cursor) throws -> Void
  ) throws {
    var c = try file.cursor(at: address, depth == 0 ? "v2 B-tree leaf" : "v2 B-tree internal node")
    let start = c.position
    try walk.enter(c)
    try walk.account(c, bytes: nodeSize)
    guard records <= maxRecords[depth] else {
      throw c.error("\(records) records, but a node holds at most \(maxRecords[depth])")
    }
    try c.signature(depth == 0 ? "BTLF" : "BTIN")
    try c.skip(1)  // version
    let nodeType = try c.u8()
    guard nodeType == type else { throw c.error("node type \(nodeType), expected \(type)") }
    var recordCursors: [HDF5Cursor] = []
    for _ in 0..<records {
      recordCursors.append(try c.sub(recordSize, "v2 B-tree record at byte \(c.position)"))
      try c.skip(recordSize)
    }
    var children: [(UInt64, Int)] = []
    if depth > 0 {
      for _ in 0...records {
        guard let child = try c.address() else { throw c.error("child node has an undefined address") }
        let childRecords = try c.int(recordCountBytes, "child record count")
        if depth > 1 { try c.skip(totalCountBytes[depth - 1]) }
        children.append((child, childRecords))
      }
    }
    try c.checksum(from: start)
    for record in recordCursors { try body(record) }
    for (child, childRecords) in children {
      try visit(child, records: childRecords, depth: depth - 1, walk: &walk, body)
    }
  }
}
