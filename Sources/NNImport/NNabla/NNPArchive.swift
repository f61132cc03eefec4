import NNFormats

/// The entries of an `.nnp` file that compiling reads: the network text and the parameters.
///
/// An `.nnp` is a zip holding `nnp_version.txt`, the network as protobuf text (`*.nntxt` or
/// `*.prototxt`) and parameters (`*.protobuf` or `*.h5`). Other entries — such as the nested
/// `output_result.zip` of Neural Network Console exports — are ignored.
struct NNPArchive {
  var networkText: String
  var networkEntryName: String
  var parameters: [ParameterDef]

  init(bytes: [UInt8]) throws {
    let zip = try ZipArchive(bytes: bytes, limits: ModelLimits.archive)
    let textEntries = zip.entries.filter { $0.name.hasSuffix(".nntxt") || $0.name.hasSuffix(".prototxt") }
    guard let networkEntry = textEntries.first else {
      throw DiagnosticLikeError("no network description (*.nntxt or *.prototxt) in the archive")
    }
    let textBytes = try zip.extract(networkEntry)
    guard let text = String(validating: textBytes, as: UTF8.self) else {
      throw DiagnosticLikeError("\(networkEntry.name) is not valid UTF-8 text")
    }
    networkText = text
    networkEntryName = networkEntry.name
    parameters = []
    for entry in zip.entries where !entry.name.hasSuffix("/") {
      if entry.name.hasSuffix(".protobuf") {
        parameters += try Self.reading(entry.name) { try ParameterReaders.protobuf(try zip.extract(entry)) }
      } else if entry.name.hasSuffix(".h5") {
        parameters += try Self.reading(entry.name) { try ParameterReaders.hdf5(try zip.extract(entry)) }
      }
    }
  }

  /// Prefixes errors from a parameter file with its entry name.
  private static func reading<T>(_ entry: String, _ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as FormatError {
      throw FormatError(error.format, "\(entry): \(error.message)")
    }
  }
}
