/// One named link out of a group.
struct HDF5Link {
  enum Target {
    /// Stored address of the object header.
    case hard(UInt64)
    /// Soft and external links name objects by path; datasets() does not follow them.
    case symbolic
  }

  let name: String
  let target: Target
  /// Creation order, when the group tracks it (new-style groups only).
  let creationOrder: UInt64?
}

/// Deepest B-tree (v1 or v2) we follow; real trees are a handful of levels deep.
let hdf5MaxTreeDepth = 64

/// Bookkeeping that keeps a tree walk finite on a malformed file.
///
/// Every node is read once (a second visit means a cycle or shared subtree), and the nodes read
/// may not add up to more bytes than the file has, as disjoint nodes of a real tree cannot:
/// this stops overlapping fake nodes from making the work quadratic.
struct HDF5TreeWalk {
  private var visited: Set<Int> = []
  private var bytes = 0

  mutating func enter(_ node: HDF5Cursor) throws {
    guard visited.insert(node.position).inserted else { throw node.error("B-tree node is reached twice (a cycle)") }
  }

  mutating func account(_ node: HDF5Cursor, bytes size: Int) throws {
    bytes += size
    guard bytes <= node.file.count else {
      throw node.error("B-tree nodes add up to more than the file (\(node.file.count) bytes)")
    }
  }
}

extension HDF5Bytes {
  /// The links of a group, in the order h5py iterates them: by creation order when the group
  /// tracks it, else by name (which is also the order of an old-style symbol table's B-tree).
  func links(of header: HDF5ObjectHeader) throws -> [HDF5Link] {
    if let message = header.first(HDF5MessageType.symbolTable) {
      // Symbol table message (spec IV.A.2.r): an old-style group's B-tree and local heap.
      var c = message.cursor(self, "symbol table")
      guard let tree = try c.address(), let heap = try c.address() else {
        throw c.error("undefined B-tree or local heap address")
      }
      return try symbolTableLinks(tree: tree, heap: heap)
    }
    var links: [HDF5Link] = []
    var tracksOrder = false
    if let message = header.first(HDF5MessageType.linkInfo) {
      // Link info message (spec IV.A.2.c): version 0, flags, [max creation index], fractal heap, name index.
      var c = message.cursor(self, "link info")
      let version = try c.u8()
      guard version == 0 else { throw c.error("unsupported link info version \(version)") }
      let flags = try c.u8()
      tracksOrder = flags & 0x01 != 0
      if tracksOrder { try c.skip(8) }
      let heap = try c.address()
      let nameIndex = try c.address()
      if let heap {
        guard let nameIndex else { throw c.error("dense link storage without a name index B-tree") }
        links = try denseLinks(heap: heap, nameIndex: nameIndex)
      }
    }
    for message in header.all(HDF5MessageType.link) {
      var c = message.cursor(self, "link")
      links.append(try Self.link(&c))
    }
    if tracksOrder, links.allSatisfy({ $0.creationOrder != nil }) {
      return links.sorted { $0.creationOrder! < $1.creationOrder! }
    }
    return links.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
  }

  /// Parses a link message (spec IV.A.2.g), from a header or from dense storage.
  static func link(_ c: inout HDF5Cursor) throws -> HDF5Link {
    let version = try c.u8()
    guard version == 1 else { throw c.error("unsupported link message version \(version)") }
    let flags = try c.u8()
    let type = try (flags & 0x08 != 0 ? c.u8() : 0)
    let order = try (flags & 0x04 != 0 ? c.u64() : nil)
    if flags & 0x10 != 0 { try c.skip(1) }  // name character set; names are UTF-8 or ASCII either way
    let nameLength = try c.int(1 << Int(flags & 0x03), "link name length")
    let name = String(decoding: try c.bytes(nameLength), as: UTF8.self)
    guard type == 0 else { return HDF5Link(name: name, target: .symbolic, creationOrder: order) }
    guard let address = try c.address() else { throw c.error("hard link '\(name)' has an undefined address") }
    return HDF5Link(name: name, target: .hard(address), creationOrder: order)
  }

  /// Links of an old-style group: a version 1 B-tree (spec III.A.1) whose leaves point to symbol
  /// table nodes (spec III.B), with names in a local heap (spec III.D).
  func symbolTableLinks(tree: UInt64, heap: UInt64) throws -> [HDF5Link] {
    var h = try cursor(at: heap, "local heap")
    try h.signature("HEAP")
    let version = try h.u8()
    guard version == 0 else { throw h.error("unsupported local heap version \(version)") }
    try h.skip(3)
    let segmentSize = try h.int(lengthSize, "data segment size")
    _ = try h.length()  // free list offset
    guard let segmentAddress = try h.address() else { throw h.error("undefined data segment address") }
    let segment = try absolute(segmentAddress, size: segmentSize, "local heap data segment")
    let names = HDF5Cursor(
      file: self, what: "local heap data segment at byte \(segment)", position: segment, end: segment + segmentSize)

    var links: [HDF5Link] = []
    var walk = HDF5TreeWalk()
    var nodes: Set<UInt64> = []
    try forEachV1BTreeChild(at: tree, type: 0, walk: &walk) { child, _ in
      var node = try cursor(at: child, "symbol table node")
      guard nodes.insert(child).inserted else { throw node.error("symbol table node is listed twice") }
      try node.signature("SNOD")
      let nodeVersion = try node.u8()
      guard nodeVersion == 1 else { throw node.error("unsupported symbol table node version \(nodeVersion)") }
      try node.skip(1)
      let symbols = Int(try node.u16())
      for _ in 0..<symbols {
        // Symbol table entry (spec III.C): name offset, header address, cache type, reserved, scratch.
        let nameOffset = try node.length()
        let address = try node.address()
        let cacheType = try node.u32()
        try node.skip(4 + 16)
        guard nameOffset < UInt64(segmentSize) else {
          throw node.error("link name offset \(nameOffset) is outside the local heap (\(segmentSize) bytes)")
        }
        var n = names
        n.position += Int(nameOffset)
        let name = try n.cString()
        if cacheType == 2 {
          links.append(HDF5Link(name: name, target: .symbolic, creationOrder: nil))
        } else {
          guard let address else { throw node.error("entry '\(name)' has an undefined object header address") }
          links.append(HDF5Link(name: name, target: .hard(address), creationOrder: nil))
        }
      }
    }
    return links
  }

  /// Calls `body` with each child address of a version 1 B-tree's leaves, left to right, and the
  /// key before it (raw bytes; chunk readers need it). `type` 0 is a group tree, 1 a chunk tree.
  ///
  /// Each node is read once: a node reached twice (a cycle or a shared subtree) is an error.
  func forEachV1BTreeChild(
    at address: UInt64, type: UInt8, keySize: Int? = nil, walk: inout HDF5TreeWalk, depth: Int = 0,
    _ body: (UInt64, HDF5Cursor) throws -> Void
  ) throws {
    var node = try cursor(at: address, "B-tree node")
    guard depth < hdf5MaxTreeDepth else { throw node.error("B-tree is more than \(hdf5MaxTreeDepth) levels deep") }
    try walk.enter(node)
    try node.signature("TREE")
    let nodeType = try node.u8()
    guard nodeType == type else { throw node.error("B-tree node type \(nodeType), expected \(type)") }
    let level = try node.u8()
    let entries = Int(try node.u16())
    _ = try node.address()  // left sibling
    _ = try node.address()  // right sibling
    let key = keySize ?? lengthSize
    // Keys and children alternate: key 0, child 0, key 1, …, child n-1, key n.
    let size = entries * (key + offsetSize) + key
    try node.need(size)
    try walk.account(node, bytes: size)
    for _ in 0..<entries {
      let keyCursor = try node.sub(key, node.what)
      try node.skip(key)
      guard let child = try node.address() else { throw node.error("B-tree child has an undefined address") }
      if level == 0 {
        try body(child, keyCursor)
      } else {
        try forEachV1BTreeChild(at: child, type: type, keySize: keySize, walk: &walk, depth: depth + 1, body)
      }
    }
  }
}

extension HDF5Bytes {
  /// Links kept in a fractal heap ("dense storage"), found through the group's name-index
  /// v2 B-tree, whose records (type 5) are a name hash (4 bytes) and a heap ID.
  func denseLinks(heap: UInt64, nameIndex: UInt64) throws -> [HDF5Link] {
    let fractalHeap = try HDF5FractalHeap(self, at: heap)
    var links: [HDF5Link] = []
    try forEachV2Record(at: nameIndex, type: 5) { record in
      var r = record
      try r.skip(4)
      var object = try fractalHeap.object(try r.bytes(r.remaining))
      links.append(try Self.link(&object))
    }
    return links
  }
}
