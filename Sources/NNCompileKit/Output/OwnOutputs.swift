import Foundation

/// How nncompile marks what it writes, and recognizes it later: only such outputs are replaced
/// without `--force`.
///
/// - An output folder holds `.nncompile`: a generator line, then every file nncompile wrote there.
///   A file list rather than a bare flag, so a file the user added to the folder (a `main.c`
///   beside the model) makes it foreign again. A marker file rather than the report's generator
///   line because every kind of folder has one (`verify -o` writes no report, an Arduino library
///   keeps it under `extras/`) and it is one small read.
/// - A trained `.nnp` carries the generator as its zip archive comment, which nnabla and every zip
///   reader ignore.
/// - A `verify --json` report has a top-level `"generator"` key.
public enum OwnOutputs {
  /// `nncompile <version>`.
  public static let generator = "nncompile \(nncompileVersion)"
  static let folderMarkerName = ".nncompile"
  /// A marker, an archive's tail or a report bigger than this is not ours.
  static let readLimit = 16 << 20

  /// The marker of a folder holding `files` (paths relative to the folder).
  static func folderMarker(listing files: [String]) -> String {
    "\(generator) wrote this folder; -o replaces it whole while it holds nothing but these files:\n"
      + files.map { $0 + "\n" }.joined()
  }

  /// The files the marker in `folder` lists, or nil when it has no marker nncompile wrote.
  static func filesListed(inFolder folder: String) -> Set<String>? {
    guard let bytes = regularFileBytes(folder + "/" + folderMarkerName, limit: readLimit) else { return nil }
    let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    guard let first = lines.first, first.hasPrefix("nncompile ") else { return nil }
    return Set(lines.dropFirst())
  }

  /// True for a `.nnp` whose archive comment is the generator line of some nncompile version.
  public static func isOwnNNP(_ path: String) -> Bool {
    // The end-of-central-directory record: signature, 16 bytes, comment length, comment; last in the file.
    guard let tail = regularFileBytes(path, limit: 22 + 256, fromEnd: true) else { return false }
    let signature: [UInt8] = [0x50, 0x4B, 0x05, 0x06]
    for start in stride(from: tail.count - 22, through: 0, by: -1) where Array(tail[start..<(start + 4)]) == signature {
      let length = Int(tail[start + 20]) | Int(tail[start + 21]) << 8
      guard start + 22 + length == tail.count else { continue }
      return tail[(start + 22)...].starts(with: Array("nncompile ".utf8))
    }
    return false
  }

  /// True for a JSON object whose `"generator"` starts with `nncompile `.
  public static func isOwnJSONReport(_ path: String) -> Bool {
    guard let bytes = regularFileBytes(path, limit: readLimit),
      let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
      let generator = object["generator"] as? String
    else { return false }
    return generator.hasPrefix("nncompile ")
  }

  /// The bytes of `path` (its last `limit` with `fromEnd`), or nil unless it is a regular file,
  /// not a link, no bigger than `limit` (`RegularFile` never blocks on a FIFO put there meanwhile).
  static func regularFileBytes(_ path: String, limit: Int, fromEnd: Bool = false) -> [UInt8]? {
    guard let file = try? RegularFile(path: path, followingLinks: false) else { return nil }
    return try? fromEnd ? file.readTail(limit) : file.readAll(limit: limit, kind: "an nncompile output")
  }
}
