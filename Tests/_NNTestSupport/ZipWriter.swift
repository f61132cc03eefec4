import NNFormats

/// Test conveniences over `NNFormats.ZipWriter`, so tests can take fixture archives apart and
/// build `.nnp` files (valid and broken) in code.
extension ZipWriter {
  /// The entries of a fixture archive, read with nncompile's own reader.
  public static func entries(of bytes: [UInt8]) throws -> [(name: String, bytes: [UInt8])] {
    let zip = try ZipArchive(bytes: bytes)
    return try zip.entries.map { ($0.name, try zip.extract($0)) }
  }
}
