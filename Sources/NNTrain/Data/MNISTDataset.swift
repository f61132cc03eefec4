import Foundation
import NNFormats

/// MNIST as Yann LeCun distributes it: an IDX image file (`…-images-idx3-ubyte`, magic
/// 0x00000803, `[n, 28, 28]` bytes) and an IDX label file (`…-labels-idx1-ubyte`, magic
/// 0x00000801, `[n]` bytes), plain or gzip'd (`.gz`).
///
/// The dataset has variables `x` (`[1, rows, columns]`, pixels × Float(1/255) unless
/// `normalizeImages` is false) and `y` (`[1]`, the digit), the names NNC's MNIST samples use.
extension Dataset {
  public static func loadMNIST(images: String, labels: String, normalizeImages: Bool = true) throws -> Dataset {
    let x = try readIDX(images)
    let y = try readIDX(labels)
    guard x.shape.count == 3 else {
      throw DatasetError(file: images, "holds an array of shape \(x.shape); MNIST images are [count, rows, columns]")
    }
    guard y.shape.count == 1 else {
      throw DatasetError(file: labels, "holds an array of shape \(y.shape); MNIST labels are [count]")
    }
    guard x.shape[0] == y.shape[0] else {
      throw DatasetError(file: labels, "holds \(y.shape[0]) labels for the \(x.shape[0]) images of \(images)")
    }
    let scale = Float(1.0 / 255.0)  // as nnabla's data sources: float32 multiply
    var dataset = try Dataset(
      variables: [Variable(name: "x", shape: [1, x.shape[1], x.shape[2]]), Variable(name: "y", shape: [1])],
      data: [normalizeImages ? x.values.map { $0 * scale } : x.values, y.values])
    dataset.origin = Origin(files: ["x": images, "y": labels])
    return dataset
  }

  /// The label file beside an image file, by MNIST's naming (`images-idx3` → `labels-idx1`).
  public static func mnistLabelsPath(forImages path: String) -> String? {
    guard path.contains("images-idx3") else { return nil }
    return path.replacingOccurrences(of: "images-idx3", with: "labels-idx1")
  }

  /// A dataset from a path as a user gives it: an NNC dataset `.csv`, or an MNIST image file
  /// (`…images-idx3-ubyte[.gz]`, its labels found beside it).
  public static func load(path: String, normalizeImages: Bool = true) throws -> Dataset {
    if let labels = mnistLabelsPath(forImages: path) {
      return try loadMNIST(images: path, labels: labels, normalizeImages: normalizeImages)
    }
    return try loadCSV(path: path, normalizeImages: normalizeImages)
  }

  private static func readIDX(_ path: String) throws -> IDXArray {
    let bytes = try readFile(path)
    do { return try IDXArray(bytes: bytes, maxBytes: maxFileBytes) } catch let e as FormatError {
      throw DatasetError(file: path, e.description)
    }
  }
}
