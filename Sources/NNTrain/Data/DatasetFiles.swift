import NNFormats

extension Dataset {
  /// The largest dataset file read (a CSV, an IDX file inflated or not, a file a CSV names):
  /// MNIST's 60,000 training images are 47 MB, and 256 MiB of bytes is already 1 GiB of float
  /// samples in memory, more than a model for a microcontroller trains on.
  public static let maxFileBytes = 256 << 20

  /// The bytes of the regular file at `path`, or a `DatasetError` naming it.
  static func readFile(_ path: String) throws -> [UInt8] {
    do { return try RegularFile.read(path, limit: maxFileBytes, kind: "a dataset file") } catch let e as FileReadError {
      throw DatasetError(file: e.path, e.problem)
    }
  }
}
