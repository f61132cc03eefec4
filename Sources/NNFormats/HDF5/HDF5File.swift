/// One dataset of an HDF5 file, its elements converted to `Float`.
public struct HDF5Dataset: Sendable, Equatable {
  /// Full path from the root group without a leading slash, such as "conv1/conv/W".
  public let path: String
  /// Dimension sizes; empty for a scalar dataset.
  public let shape: [Int]
  /// Elements in row-major order: float32 bit-exact; float64, float16 and integers converted.
  public let values: [Float]
  /// The dataset's attributes by name (nnabla writes `index` and `need_grad`).
  public let attributes: [String: HDF5AttributeValue]

  public init(path: String, shape: [Int], values: [Float], attributes: [String: HDF5AttributeValue]) {
    self.path = path
    self.shape = shape
    self.values = values
    self.attributes = attributes
  }
}

/// A reader for the HDF5 files h5py writes, such as nnabla's `parameter.h5`.
///
/// Every failure is a `FormatError("hdf5", …)` naming the byte offset and, once inside the
/// group tree, the object path. Nothing read from the file is trusted: offsets are bounds-checked,
/// loops and trees are bounded, and no allocation exceeds what the file's size can justify.
public struct HDF5File: Sendable {
  /// Version of the superblock: 0 or 1 from h5py's default `libver='earliest'`, 2 or 3 from `'latest'`.
  public let superblockVersion: Int
  let file: HDF5Bytes
  let rootAddress: UInt64

  static let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

  /// Finds and parses the superblock (spec II.A).
  ///
  /// The signature may sit at byte 0, 512, 1024, 2048, … (after a user block); stored addresses
  /// are then relative to it, as libhdf5 treats them.
  public init(bytes: [UInt8]) throws {
    var base = 0
    while !bytes[base...].starts(with: Self.signature) {
      base = base == 0 ? 512 : base * 2
      guard base + 8 <= bytes.count else { throw FormatError("hdf5", "not an HDF5 file (bad signature)") }
    }
    var c = HDF5Cursor(
      file: HDF5Bytes(bytes: bytes, base: base, offsetSize: 8, lengthSize: 8),
      what: "superblock at byte \(base)", position: base + 8, end: bytes.count)
    let version = Int(try c.u8())
    let offsetSize: Int, lengthSize: Int
    switch version {
    case 0, 1:
      try c.skip(4)  // free-space, root group entry and shared header versions, reserved
      offsetSize = Int(try c.u8())
      lengthSize = Int(try c.u8())
      try c.skip(1 + 4 + 4 + (version == 1 ? 4 : 0))  // reserved, B-tree K values, flags, [indexed storage K]
    case 2, 3:
      offsetSize = Int(try c.u8())
      lengthSize = Int(try c.u8())
      try c.skip(1)  // file consistency flags
    default:
      throw c.error("unsupported superblock version \(version)")
    }
    guard [2, 4, 8].contains(offsetSize), [2, 4, 8].contains(lengthSize) else {
      throw c.error("unsupported sizes of offsets (\(offsetSize)) and lengths (\(lengthSize))")
    }
    let file = HDF5Bytes(bytes: bytes, base: base, offsetSize: offsetSize, lengthSize: lengthSize)
    c = HDF5Cursor(file: file, what: c.what, position: c.position, end: c.end)
    _ = try c.address()  // base address: libhdf5 uses the signature's position instead
    var root: UInt64?
    let endOfFile: UInt64?
    if version <= 1 {
      _ = try c.address()  // free-space info
      endOfFile = try c.address()
      _ = try c.address()  // driver info
      _ = try c.address()  // root group symbol table entry: link name offset
      root = try c.address()
    } else {
      _ = try c.address()  // superblock extension
      endOfFile = try c.address()
      root = try c.address()
      try c.checksum(from: base)
    }
    // A file shorter than the superblock says was cut off; libhdf5 refuses it the same way.
    // (h5py stores the end address counting the user block, unlike every other address.)
    if let endOfFile, endOfFile > UInt64(bytes.count) {
      throw FormatError("hdf5", "truncated file: the superblock says it ends at byte \(endOfFile), but it has \(bytes.count) bytes")
    }
    guard let root else { throw c.error("root group has an undefined object header address") }
    superblockVersion = version
    self.file = file
    rootAddress = root
  }

  /// Every dataset under the root group, depth-first, groups' links in h5py's iteration order
  /// (by name, or by creation order in groups that track it).
  ///
  /// Soft and external links are not followed; a group reached twice is walked once, and a
  /// dataset reached through two links is listed under both paths. Together the datasets may
  /// hold at most `maxDataBytes` bytes: compressed chunks can claim a thousand times the file.
  public func datasets(maxDataBytes: Int = 1 << 30) throws -> [HDF5Dataset] {
    var walk = HDF5Walk(file: file, dataLimit: maxDataBytes)
    let root = try HDF5Walk.at("/") { try file.objectHeader(at: rootAddress) }
    try walk.visitGroup(root, path: "", depth: 0)
    return walk.datasets
  }
}

/// The state of one `datasets()` call.
struct HDF5Walk {
  let file: HDF5Bytes
  var datasets: [HDF5Dataset] = []
  var visitedGroups: Set<Int> = []
  /// Datasets already read, by header offset, so a second link costs no second copy.
  var cache: [Int: HDF5Dataset] = [:]
  /// Bytes of unfiltered data still allowed: distinct datasets in a real file occupy distinct
  /// bytes, so together they cannot need more than the file's size.
  var plainBudget: Int
  /// Bytes of decompressed data still allowed: deflate expands at most about 1032 times.
  var filteredBudget: Int
  /// Bytes of data still allowed whatever the file's size: the caller's bound.
  var dataLimit: Int

  static let maxGroupDepth = 128

  init(file: HDF5Bytes, dataLimit: Int) {
    self.file = file
    self.dataLimit = dataLimit
    plainBudget = file.count
    filteredBudget = file.count.multipliedReportingOverflow(by: 1032).overflow ? Int.max : file.count * 1032
  }

  /// Runs `body`, prefixing its errors with the object path they concern.
  static func at<T>(_ path: String, _ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as FormatError {
      throw FormatError("hdf5", "'\(path)': \(error.message)")
    }
  }

  mutating func visitGroup(_ header: HDF5ObjectHeader, path: String, depth: Int) throws {
    guard depth < Self.maxGroupDepth else {
      throw FormatError("hdf5", "'\(path)': groups nest more than \(Self.maxGroupDepth) deep")
    }
    visitedGroups.insert(header.offset)
    let links = try Self.at(path.isEmpty ? "/" : path) { try file.links(of: header) }
    for link in links {
      guard case .hard(let address) = link.target else { continue }
      let childPath = path.isEmpty ? link.name : path + "/" + link.name
      let child = try Self.at(childPath) { try file.objectHeader(at: address) }
      if child.first(HDF5MessageType.layout) != nil {
        if let known = cache[child.offset] {
          datasets.append(HDF5Dataset(path: childPath, shape: known.shape, values: known.values, attributes: known.attributes))
          continue
        }
        let dataset = try Self.at(childPath) { try readDataset(child, path: childPath) }
        cache[child.offset] = dataset
        datasets.append(dataset)
      } else if child.first(HDF5MessageType.symbolTable) != nil || child.first(HDF5MessageType.linkInfo) != nil
        || child.first(HDF5MessageType.link) != nil
      {
        if !visitedGroups.contains(child.offset) { try visitGroup(child, path: childPath, depth: depth + 1) }
      }
      // Anything else (a committed datatype) holds no data.
    }
  }
}
