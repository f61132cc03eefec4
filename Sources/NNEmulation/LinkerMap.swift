/// Flash and RAM figures from the GNU ld map file (`-Wl,-Map`), per input object, after section
/// garbage collection, so a kernel the model does not call costs nothing.
enum LinkerMap {
  /// `modelObjects`: paths of the model's own object files as given to the linker.
  static func imageSize(map: String, modelObjects: Set<String>) -> ImageSize {
    var size = ImageSize(flashBytes: 0, ramStaticBytes: 0, modelFlashBytes: 0, modelRAMStaticBytes: 0)
    guard let start = map.range(of: "Linker script and memory map") else { return size }
    var output = ""  // the output section the lines below belong to
    var pendingName: String?
    for line in map[start.upperBound...].split(separator: "\n") {
      let tokens = line.split(separator: " ")
      guard let first = tokens.first else { continue }
      if !line.hasPrefix(" ") {
        if first.hasPrefix(".") {
          output = String(first)
          // `.text   0x00000000   0x1234` (the whole output section)
          if tokens.count >= 3, let bytes = hex(tokens[2]) { add(output: output, bytes: bytes, to: &size.flashBytes, &size.ramStaticBytes) }
        }
        pendingName = nil
        continue
      }
      var entry: (size: Int, file: String)?
      if first.hasPrefix("."), tokens.count == 1 {
        pendingName = String(first)
        continue
      } else if first.hasPrefix("."), tokens.count >= 4, hex(tokens[1]) != nil, let bytes = hex(tokens[2]) {
        entry = (bytes, tokens[3...].joined(separator: " "))
      } else if pendingName != nil, tokens.count >= 3, hex(tokens[0]) != nil, let bytes = hex(tokens[1]) {
        entry = (bytes, tokens[2...].joined(separator: " "))
      }
      pendingName = nil
      if let entry, modelObjects.contains(entry.file) {
        add(output: output, bytes: entry.size, to: &size.modelFlashBytes, &size.modelRAMStaticBytes)
      }
    }
    return size
  }

  /// Code and constants count as flash; .data as both (its load image sits in flash); .bss as RAM.
  private static func add(output: String, bytes: Int, to flash: inout Int, _ ram: inout Int) {
    switch output {
    case ".text", ".rodata", ".ARM.exidx": flash += bytes
    case ".data": flash += bytes; ram += bytes
    case ".bss": ram += bytes
    default: break
    }
  }

  private static func hex(_ token: Substring) -> Int? {
    guard token.hasPrefix("0x") else { return nil }
    return Int(token.dropFirst(2), radix: 16)
  }
}
