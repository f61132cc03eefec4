import NNFormats

/// Small DEFLATE streams that inflate to a lot of zeros, for tests that must prove a reader stops
/// early: each 258-byte run costs 13 bits, so 1 MiB of output is about 6.6 KB of input.
public enum DeflateBomb {
  /// A raw DEFLATE stream (one fixed-Huffman block) inflating to `count` zero bytes.
  public static func zeros(_ count: Int) -> [UInt8] {
    precondition(count >= 1)
    var w = BitWriter()
    w.put(1, 1)  // BFINAL
    w.put(1, 2)  // BTYPE 01: fixed Huffman codes
    w.code(0x30, 8)  // literal 0
    let runs = (count - 1) / 258
    for _ in 0..<runs {
      w.code(0xC5, 8)  // length symbol 285: 258 bytes
      w.code(0, 5)  // distance code 0: distance 1
    }
    for _ in 0..<(count - 1 - runs * 258) { w.code(0x30, 8) }
    w.code(0, 7)  // end of block (symbol 256)
    return w.bytes
  }

  /// A zip archive of `entries` in which `bomb` is a DEFLATE entry of `count` zeros whose
  /// directory declares `declared` bytes (the truth when nil); CRCs are those of the zeros.
  public static func archive(
    _ entries: [(name: String, bytes: [UInt8])], bomb: String, count: Int, declared: UInt32? = nil
  ) throws -> [UInt8] {
    let stream = zeros(count)
    var bytes = try ZipWriter.stored(entries + [(bomb, stream)])
    let crc = CRC32.checksum([UInt8](repeating: 0, count: count))
    let size = declared ?? UInt32(count)
    // The last central record is the bomb's (nothing follows it but the end record); it says
    // where the local header is.
    let central = lastIndex(of: [0x50, 0x4B, 0x01, 0x02], in: bytes)
    let local = (0..<4).reduce(0) { $0 | Int(bytes[central + 42 + $1]) << (8 * $1) }
    for (at, fields) in [(local, 8), (central, 10)] {
      put16(&bytes, at + fields, 8)  // method DEFLATE
      put32(&bytes, at + fields + 6, crc)
      put32(&bytes, at + fields + 14, size)  // uncompressed size
    }
    return bytes
  }

  private static func lastIndex(of signature: [UInt8], in bytes: [UInt8]) -> Int {
    stride(from: bytes.count - 4, through: 0, by: -1).first { bytes[$0..<$0 + 4].elementsEqual(signature) }!
  }
  private static func put16(_ b: inout [UInt8], _ at: Int, _ v: UInt16) {
    b[at] = UInt8(v & 0xFF); b[at + 1] = UInt8(v >> 8)
  }
  private static func put32(_ b: inout [UInt8], _ at: Int, _ v: UInt32) {
    for i in 0..<4 { b[at + i] = UInt8(v >> (8 * UInt32(i)) & 0xFF) }
  }

  /// LSB-first bits, as DEFLATE packs them; Huffman codes go most significant bit first.
  struct BitWriter {
    var bytes: [UInt8] = []
    var used = 0  // bits used in the last byte

    mutating func put(_ value: Int, _ count: Int) {
      for i in 0..<count {
        if used == 0 { bytes.append(0) }
        bytes[bytes.count - 1] |= UInt8((value >> i) & 1) << UInt8(used)
        used = (used + 1) % 8
      }
    }

    mutating func code(_ code: Int, _ length: Int) {
      for i in stride(from: length - 1, through: 0, by: -1) { put((code >> i) & 1, 1) }
    }
  }
}
