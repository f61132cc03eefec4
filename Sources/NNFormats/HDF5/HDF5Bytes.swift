/// The file's bytes plus the superblock's sizes: everything needed to follow an address.
///
/// Addresses in HDF5 are relative to the superblock's position (the "base address"; spec II.A),
/// so a file with a user block of 512 bytes stores every address 512 bytes too low.
struct HDF5Bytes: Sendable {
  let bytes: [UInt8]
  /// Absolute byte offset that stored addresses are relative to.
  let base: Int
  /// "Size of Offsets" from the superblock: bytes in an address.
  let offsetSize: Int
  /// "Size of Lengths" from the superblock: bytes in a length or size field.
  let lengthSize: Int

  var count: Int { bytes.count }

  /// The absolute byte offset of a stored address, checked to leave `size` bytes before the end.
  func absolute(_ address: UInt64, size: Int = 0, _ what: String) throws -> Int {
    let room = UInt64(count - base)
    guard address < room, UInt64(size) <= room - address else {
      throw FormatError("hdf5", "\(what) at address \(address) is past the end of the file (\(count) bytes)")
    }
    return base + Int(address)
  }

  /// A cursor over `what`, starting at the stored address `address` and ending at the file's end.
  func cursor(at address: UInt64, _ what: String) throws -> HDF5Cursor {
    let start = try absolute(address, what)
    return HDF5Cursor(file: self, what: "\(what) at byte \(start)", position: start, end: count)
  }
}

/// Bounds-checked little-endian reads of one structure, each failure naming the structure and byte.
struct HDF5Cursor {
  let file: HDF5Bytes
  /// Names the structure in errors, e.g. "object header at byte 96".
  let what: String
  var position: Int
  /// Exclusive end: the structure's declared end, or the file's end.
  let end: Int

  var remaining: Int { end - position }

  func error(_ message: String) -> FormatError { FormatError("hdf5", "\(what): \(message)") }

  /// A cursor over the next `size` bytes (for a message or block of declared size).
  func sub(_ size: Int, _ what: String) throws -> HDF5Cursor {
    try need(size)
    return HDF5Cursor(file: file, what: what, position: position, end: position + size)
  }

  func need(_ n: Int) throws {
    guard n >= 0, n <= remaining else {
      let ending = end == file.count ? "the file ends at byte \(end)" : "it ends at byte \(end)"
      throw error("truncated: needs \(n) bytes at byte \(position), but \(ending)")
    }
  }

  mutating func skip(_ n: Int) throws {
    try need(n)
    position += n
  }

  mutating func u8() throws -> UInt8 {
    try need(1)
    defer { position += 1 }
    return file.bytes[position]
  }

  mutating func u16() throws -> UInt16 { UInt16(try uint(2)) }
  mutating func u32() throws -> UInt32 { UInt32(try uint(4)) }
  mutating func u64() throws -> UInt64 { try uint(8) }

  /// A little-endian unsigned integer of 1...8 bytes.
  mutating func uint(_ size: Int) throws -> UInt64 {
    guard (1...8).contains(size) else { throw error("unsupported field size \(size) at byte \(position)") }
    try need(size)
    var value: UInt64 = 0
    for i in (0..<size).reversed() { value = value << 8 | UInt64(file.bytes[position + i]) }
    position += size
    return value
  }

  /// A little-endian integer of `size` bytes that must fit in an `Int` (counts, sizes).
  mutating func int(_ size: Int, _ field: String) throws -> Int {
    let at = position
    let value = try uint(size)
    // 2^48 bytes is beyond any file we can hold, and keeps later sums and products from overflowing.
    guard value < 1 << 48 else { throw error("\(field) \(value) at byte \(at) is implausibly large") }
    return Int(value)
  }

  /// A file address ("Size of Offsets" bytes); `nil` for the undefined address (all bits set).
  mutating func address() throws -> UInt64? {
    let value = try uint(file.offsetSize)
    let undefined = file.offsetSize == 8 ? UInt64.max : (UInt64(1) << (8 * file.offsetSize)) - 1
    return value == undefined ? nil : value
  }

  /// A length field ("Size of Lengths" bytes).
  mutating func length() throws -> UInt64 { try uint(file.lengthSize) }

  mutating func bytes(_ n: Int) throws -> ArraySlice<UInt8> {
    try need(n)
    defer { position += n }
    return file.bytes[position..<position + n]
  }

  /// Checks a 4-byte ASCII signature such as "TREE" or "OHDR".
  mutating func signature(_ expected: String) throws {
    let at = position
    let got = try bytes(4)
    guard got.elementsEqual(expected.utf8) else {
      throw error("expected signature \"\(expected)\" at byte \(at), found \(HDF5Cursor.show(got))")
    }
  }

  /// Reads the stored checksum at the cursor and compares it with lookup3 of `start..<position`.
  mutating func checksum(from start: Int) throws {
    let at = position
    let computed = HDF5Checksum.lookup3(file.bytes, start..<position)
    let stored = try u32()
    guard stored == computed else {
      throw error("checksum mismatch at byte \(at): stored \(HDF5Cursor.hex(stored)), computed \(HDF5Cursor.hex(computed))")
    }
  }

  /// A NUL-terminated string starting at the cursor, which must end before `end`.
  mutating func cString() throws -> String {
    let start = position
    guard let nul = file.bytes[start..<end].firstIndex(of: 0) else {
      throw error("string at byte \(start) has no terminating NUL before byte \(end)")
    }
    position = nul + 1
    return String(decoding: file.bytes[start..<nul], as: UTF8.self)
  }

  static func hex(_ v: UInt32) -> String {
    let digits = String(v, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
  }

  /// Bytes as printable text when they are, else as hex, for error messages.
  static func show(_ bytes: ArraySlice<UInt8>) -> String {
    if bytes.allSatisfy({ (0x20..<0x7F).contains($0) }) { return "\"" + String(decoding: bytes, as: UTF8.self) + "\"" }
    return bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined(separator: " ")
  }
}

/// Bob Jenkins' lookup3 `hashlittle`, which HDF5 uses for every metadata checksum (spec I.C).
enum HDF5Checksum {
  static func lookup3(_ bytes: [UInt8], _ range: Range<Int>, initial: UInt32 = 0) -> UInt32 {
    var length = range.count
    var a = 0xdead_beef &+ UInt32(truncatingIfNeeded: length) &+ initial
    var b = a, c = a
    var k = range.lowerBound
    func word(_ i: Int, _ n: Int) -> UInt32 {
      var v: UInt32 = 0
      for j in (0..<n).reversed() { v = v << 8 | UInt32(bytes[i + j]) }
      return v
    }
    while length > 12 {
      a &+= word(k, 4); b &+= word(k + 4, 4); c &+= word(k + 8, 4)
      a &-= c; a ^= c.rotl(4); c &+= b
      b &-= a; b ^= a.rotl(6); a &+= c
      c &-= b; c ^= b.rotl(8); b &+= a
      a &-= c; a ^= c.rotl(16); c &+= b
      b &-= a; b ^= a.rotl(19); a &+= c
      c &-= b; c ^= b.rotl(4); b &+= a
      length -= 12
      k += 12
    }
    // The tail of 1...12 bytes, zero-padded; an empty tail returns c without the final mix.
    if length == 0 { return c }
    a &+= word(k, min(length, 4))
    if length > 4 { b &+= word(k + 4, min(length - 4, 4)) }
    if length > 8 { c &+= word(k + 8, length - 8) }
    c ^= b; c &-= b.rotl(14)
    a ^= c; a &-= c.rotl(11)
    b ^= a; b &-= a.rotl(25)
    c ^= b; c &-= b.rotl(16)
    a ^= c; a &-= c.rotl(4)
    b ^= a; b &-= a.rotl(14)
    c ^= b; c &-= b.rotl(24)
    return c
  }
}

extension UInt32 {
  fileprivate func rotl(_ n: UInt32) -> UInt32 { self << n | self >> (32 - n) }
}
