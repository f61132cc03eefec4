/// The value of an attribute: a scalar dataspace gives a single value, any other an array.
public enum HDF5AttributeValue: Sendable, Equatable {
  /// Integers and enums (h5py's bool is an enum of int8, so `need_grad` reads as 0 or 1).
  case int(Int64)
  case double(Double)
  case string(String)
  case ints([Int64])
  case doubles([Double])
  /// An array of fixed- or variable-length strings.
  case strings([String])
}

extension HDF5Bytes {
  /// All attributes of an object: attribute messages in its header, plus dense attribute storage
  /// (a fractal heap indexed by a v2 B-tree of record type 8) when an attribute info message
  /// (spec IV.A.2.v) points to one.
  func attributes(of header: HDF5ObjectHeader) throws -> [String: HDF5AttributeValue] {
    var result: [String: HDF5AttributeValue] = [:]
    for message in header.all(HDF5MessageType.attribute) {
      var c = message.cursor(self, "attribute")
      guard !message.isShared else { throw c.error("shared attribute messages are not supported") }
      let (name, value) = try attribute(&c)
      result[name] = value
    }
    if let message = header.first(HDF5MessageType.attributeInfo) {
      var c = message.cursor(self, "attribute info")
      let version = try c.u8()
      guard version == 0 else { throw c.error("unsupported attribute info version \(version)") }
      let flags = try c.u8()
      if flags & 0x01 != 0 { try c.skip(2) }  // maximum creation index
      if let heapAddress = try c.address() {
        guard let nameIndex = try c.address() else { throw c.error("dense attributes without a name index B-tree") }
        let heap = try HDF5FractalHeap(self, at: heapAddress)
        // Record: heap ID (8), message flags (1), creation order (4), name hash (4).
        try forEachV2Record(at: nameIndex, type: 8) { record in
          var r = record
          let id = try r.bytes(8)
          guard try r.u8() & 0x02 == 0 else { throw r.error("shared attribute messages are not supported") }
          var object = try heap.object(id)
          let (name, value) = try attribute(&object)
          result[name] = value
        }
      }
    }
    return result
  }

  /// Parses an attribute message (spec IV.A.2.m), versions 1 to 3, and converts its data.
  func attribute(_ c: inout HDF5Cursor) throws -> (String, HDF5AttributeValue) {
    let version = try c.u8()
    guard (1...3).contains(version) else { throw c.error("unsupported attribute message version \(version)") }
    let flags = try c.u8()
    let nameSize = Int(try c.u16()), typeSize = Int(try c.u16()), spaceSize = Int(try c.u16())
    if version == 3 { try c.skip(1) }  // name character set
    guard version == 1 || flags & 0x03 == 0 else {
      throw c.error("attributes with shared datatypes or dataspaces are not supported")
    }
    // Version 1 pads the name, datatype and dataspace each to a multiple of 8 bytes.
    func padded(_ n: Int) -> Int { version == 1 ? (n + 7) & ~7 : n }
    let nameBytes = try c.bytes(nameSize)
    let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
    try c.skip(padded(nameSize) - nameSize)
    var typeCursor = try c.sub(typeSize, "datatype of attribute '\(name)' at byte \(c.position)")
    let type = try HDF5Datatype.parse(&typeCursor)
    try c.skip(padded(typeSize))
    var spaceCursor = try c.sub(spaceSize, "dataspace of attribute '\(name)' at byte \(c.position)")
    let space = try HDF5Dataspace.parse(&spaceCursor)
    try c.skip(padded(spaceSize))
    let total = space.elementCount.map { $0.multipliedReportingOverflow(by: UInt64(type.size)) }
    guard let count = space.elementCount, let total, !total.overflow, total.partialValue <= UInt64(c.remaining) else {
      throw c.error("attribute '\(name)': \(space.description) values of \(type.size) bytes do not fit in the message")
    }
    let raw = try c.bytes(Int(total.partialValue))
    do {
      return (name, try attributeValue(type, raw, count: Int(count), scalar: space.dims.isEmpty && !space.isNull))
    } catch let error as FormatError {
      throw c.error("attribute '\(name)': \(error.message)")
    }
  }

  private func attributeValue(
    _ type: HDF5Datatype, _ raw: ArraySlice<UInt8>, count: Int, scalar: Bool
  ) throws -> HDF5AttributeValue {
    switch type {
    case .integer, .enumeration:
      let values = try type.integers(raw, count: count)
      return scalar ? .int(values[0]) : .ints(values)
    case .float:
      let values = try type.doubles(raw, count: count)
      return scalar ? .double(values[0]) : .doubles(values)
    case .string:
      let values = type.fixedStrings(raw, count: count)
      return scalar ? .string(values[0]) : .strings(values)
    case .variableString(let size):
      let values = try (0..<count).map { try variableString(raw.dropFirst($0 * size).prefix(size)) }
      return scalar ? .string(values[0]) : .strings(values)
    case .unsupported:
      throw FormatError("hdf5", "\(type.name) is not supported")
    }
  }

  /// A variable-length string: length (4), global heap collection address, object index (4),
  /// looked up in the global heap collection (spec III.E).
  private func variableString(_ element: ArraySlice<UInt8>) throws -> String {
    var e = HDF5Cursor(file: self, what: "variable-length string", position: element.startIndex, end: element.endIndex)
    let length = Int(try e.u32())
    let collection = try e.address()
    let index = try e.u32()
    if length == 0 { return "" }
    guard let collection else { throw e.error("undefined global heap address") }
    var c = try cursor(at: collection, "global heap collection")
    try c.signature("GCOL")
    try c.skip(4)  // version, reserved
    let size = try c.int(lengthSize, "collection size")
    guard size >= 8 + lengthSize else { throw c.error("collection size \(size) is too small") }
    let objects = try c.sub(size - (8 + lengthSize), c.what)
    var o = objects
    // Objects: index (2), reference count (2), reserved (4), size, data padded to 8 bytes.
    while o.remaining >= 8 + lengthSize {
      let objectIndex = try o.u16()
      try o.skip(6)
      let objectSize = try o.int(lengthSize, "object size")
      if objectIndex == 0 { break }  // the free space at the end
      if UInt32(objectIndex) == index {
        guard length <= objectSize else { throw o.error("string of \(length) bytes in an object of \(objectSize)") }
        return String(decoding: try o.bytes(length), as: UTF8.self)
      }
      try o.skip((objectSize + 7) & ~7)
    }
    throw c.error("no object \(index) in the collection")
  }
}
