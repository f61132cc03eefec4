/// Header message types this reader looks at (spec IV.A.2); all others are skipped.
enum HDF5MessageType {
  static let dataspace: UInt16 = 0x01
  static let linkInfo: UInt16 = 0x02
  static let datatype: UInt16 = 0x03
  static let fillValueOld: UInt16 = 0x04
  static let fillValue: UInt16 = 0x05
  static let link: UInt16 = 0x06
  static let externalFiles: UInt16 = 0x07
  static let layout: UInt16 = 0x08
  static let filterPipeline: UInt16 = 0x0B
  static let attribute: UInt16 = 0x0C
  static let continuation: UInt16 = 0x10
  static let symbolTable: UInt16 = 0x11
  static let attributeInfo: UInt16 = 0x15
}

/// One header message: its type and where its body lies in the file.
struct HDF5Message {
  let type: UInt16
  let flags: UInt8
  /// Absolute byte offset of the message body.
  let start: Int
  let size: Int

  /// A cursor over the message body.
  func cursor(_ file: HDF5Bytes, _ what: String) -> HDF5Cursor {
    HDF5Cursor(file: file, what: "\(what) message at byte \(start)", position: start, end: start + size)
  }

  /// Shared messages (flag bit 1) hold a reference to another object instead of the content.
  var isShared: Bool { flags & 0x02 != 0 }
}

/// An object header's messages, gathered from all its chunks (spec IV.A.1).
struct HDF5ObjectHeader {
  /// Absolute byte offset of the header; identifies the object.
  let offset: Int
  let messages: [HDF5Message]

  func first(_ type: UInt16) -> HDF5Message? { messages.first { $0.type == type } }
  func all(_ type: UInt16) -> [HDF5Message] { messages.filter { $0.type == type } }
}

extension HDF5Bytes {
  /// Reads the object header at a stored address, following continuation messages (spec IV.A.2.q).
  ///
  /// Version 1 headers (spec IV.A.1.a) start with the version byte 1; version 2 headers
  /// (spec IV.A.1.b) with the signature "OHDR". Continuation chunks are bounded two ways: each
  /// chunk is read once (a loop is an error), and all chunks together may not exceed the file.
  func objectHeader(at address: UInt64) throws -> HDF5ObjectHeader {
    var cursor = try cursor(at: address, "object header")
    let start = cursor.position
    var messages: [HDF5Message] = []
    var pending: [(offset: Int, size: Int)] = []
    var visited: Set<Int> = [start]
    var total = 0

    func queueContinuations(from index: Int) throws {
      for message in messages[index...] where message.type == HDF5MessageType.continuation {
        var body = message.cursor(self, "continuation")
        let chunkAddress = try body.address()
        let chunkSize = try body.int(lengthSize, "continuation chunk size")
        guard let chunkAddress else { throw body.error("continuation chunk has an undefined address") }
        let offset = try absolute(chunkAddress, size: chunkSize, "continuation chunk")
        guard visited.insert(offset).inserted else {
          throw body.error("continuation chunk at byte \(offset) is visited twice (a loop)")
        }
        total += chunkSize
        guard total <= count else {
          throw body.error("continuation chunks add up to more than the file (\(count) bytes)")
        }
        pending.append((offset, chunkSize))
      }
    }

    if cursor.remaining >= 4, bytes[start..<start + 4].elementsEqual("OHDR".utf8) {
      try cursor.skip(4)
      let version = try cursor.u8()
      guard version == 2 else { throw cursor.error("unsupported object header version \(version)") }
      let flags = try cursor.u8()
      if flags & 0x20 != 0 { try cursor.skip(16) }  // access/modification/change/birth times
      if flags & 0x10 != 0 { try cursor.skip(4) }  // attribute storage phase change values
      let chunkSize = try cursor.int(1 << Int(flags & 0x03), "chunk #0 size")
      var chunk = try cursor.sub(chunkSize, cursor.what)
      total = chunkSize
      try readV2Messages(&chunk, flags: flags, into: &messages)
      var tail = HDF5Cursor(file: self, what: cursor.what, position: chunk.end, end: count)
      try tail.checksum(from: start)
      var done = 0
      try queueContinuations(from: 0)
      while let (offset, size) = pending.popLast() {
        done = messages.count
        var chunk = HDF5Cursor(file: self, what: "object header continuation at byte \(offset)", position: offset, end: offset + size)
        guard size >= 8 else { throw chunk.error("chunk of \(size) bytes is too small for its signature and checksum") }
        try chunk.signature("OCHK")
        var body = try chunk.sub(size - 8, chunk.what)  // signature and checksum are inside `size`
        try readV2Messages(&body, flags: flags, into: &messages)
        chunk.position = body.end
        try chunk.checksum(from: offset)
        try queueContinuations(from: done)
      }
    } else {
      let version = try cursor.u8()
      guard version == 1 else {
        throw cursor.error("unsupported object header version \(version) (expected 1, or the signature \"OHDR\")")
      }
      try cursor.skip(3)  // reserved byte and message count; the chunks themselves say how many
      _ = try cursor.u32()  // object reference count
      let chunkSize = try cursor.int(4, "header size")
      try cursor.skip(4)  // padding that aligns the messages to 8 bytes
      var chunk = try cursor.sub(chunkSize, cursor.what)
      total = chunkSize
      try readV1Messages(&chunk, into: &messages)
      try queueContinuations(from: 0)
      while let (offset, size) = pending.popLast() {
        let done = messages.count
        var chunk = HDF5Cursor(file: self, what: "object header continuation at byte \(offset)", position: offset, end: offset + size)
        try readV1Messages(&chunk, into: &messages)
        try queueContinuations(from: done)
      }
    }
    return HDF5ObjectHeader(offset: start, messages: messages)
  }

  /// Version 1 messages: type (2), size (2), flags (1), reserved (3), body padded to 8 bytes.
  private func readV1Messages(_ chunk: inout HDF5Cursor, into messages: inout [HDF5Message]) throws {
    while chunk.remaining >= 8 {
      let type = try chunk.u16()
      let size = Int(try chunk.u16())
      let flags = try chunk.u8()
      try chunk.skip(3)
      try chunk.need(size)
      messages.append(HDF5Message(type: type, flags: flags, start: chunk.position, size: size))
      try chunk.skip(size)
    }
  }

  /// Version 2 messages: type (1), size (2), flags (1), optional creation order (2), body.
  ///
  /// A tail shorter than a message header is a gap and is ignored, as the spec says.
  private func readV2Messages(_ chunk: inout HDF5Cursor, flags: UInt8, into messages: inout [HDF5Message]) throws {
    let headerSize = flags & 0x04 != 0 ? 6 : 4
    while chunk.remaining >= headerSize {
      let type = UInt16(try chunk.u8())
      let size = Int(try chunk.u16())
      let messageFlags = try chunk.u8()
      if headerSize == 6 { try chunk.skip(2) }
      try chunk.need(size)
      messages.append(HDF5Message(type: type, flags: messageFlags, start: chunk.position, size: size))
      try chunk.skip(size)
    }
  }
}
