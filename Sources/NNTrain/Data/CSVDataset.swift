import Foundation
import NNFormats

/// Neural Network Console's dataset CSV.
///
/// - The header names one variable per column group: `x:image` is variable `x` (the part after
///   `:` is only a label), `x__0,x__1,…` are the elements of vector variable `x` (`x__i__j` a
///   matrix), `y` or `y:label` a scalar.
/// - A cell holds a number, or a path relative to the CSV (or absolute) to a PNG/PGM/PPM image
///   (→ `[channels, height, width]`, gray 1 channel, colour 3, alpha dropped), a `.npy` array or
///   a `.csv` matrix of numbers (→ `[rows, columns]`). A variable's first data row decides which;
///   every row must give it the same shape.
/// - Image pixels are scaled to 0...1 unless `normalizeImages` is false (NNC's "Image
///   Normalization" setting, `no_image_normalization` in the executor), as nnabla's
///   `CsvDataSource` does it: `pixel_as_float32 * Float(1.0 / 255.0)`, a float32 multiply.
/// - `maxRows` reads only the first rows (and only the files they name).
/// - `imageChannels` (1 or 3) converts every image to that many planes, as Pillow converts
///   between gray and RGB; nil keeps each image's own (gray 1, colour 3).
/// - `imageSize` (e.g. a model input's) is required of every image, checked from its header
///   before it is decoded; without it, the first image of a variable sets the size for the rest.
extension Dataset {
  public static func loadCSV(
    path: String, normalizeImages: Bool = true, imageChannels: Int? = nil, imageSize: ImageDimensions? = nil,
    maxRows: Int? = nil
  ) throws -> Dataset {
    precondition(imageChannels == nil || imageChannels == 1 || imageChannels == 3, "imageChannels: 1 or 3")
    let images = CellImages(normalize: normalizeImages, channels: imageChannels, size: imageSize)
    let text = try readText(path)
    var rows = CSV.parse(text).filter { !$0.isBlank }
    guard !rows.isEmpty else { throw DatasetError(file: path, "the file is empty; a dataset CSV needs a header line") }
    let header = rows.removeFirst()
    guard !rows.isEmpty else { throw DatasetError(file: path, "no data rows after the header") }
    if let maxRows { rows = Array(rows.prefix(maxRows)) }  // the files of later rows are never read
    let columns = try CSVColumns(header: header, file: path)
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
    var shapes: [[Int]?] = Array(repeating: nil, count: columns.variables.count)
    var data: [[Float]] = Array(repeating: [], count: columns.variables.count)
    for row in rows {
      guard row.fields.count == header.fields.count else {
        throw DatasetError(file: path, line: row.line, "\(row.fields.count) fields, but the header has \(header.fields.count)")
      }
      for (v, variable) in columns.variables.enumerated() {
        let (values, shape): ([Float], [Int])
        if let elementShape = variable.elementShape {
          shape = elementShape
          values = try variable.columns.map { c in
            let cell = row.fields[c].trimmingCharacters(in: .whitespaces)
            guard let x = Float(cell) else {
              throw DatasetError(file: path, line: row.line, "column '\(header.fields[c])': '\(cell)' is not a number")
            }
            return x
          }
        } else {
          let cell = row.fields[variable.columns[0]].trimmingCharacters(in: .whitespaces)
          if let x = Float(cell), shapes[v] == nil || shapes[v] == [1] {
            (values, shape) = ([x], [1])
          } else if shapes[v] == [1] {
            throw DatasetError(file: path, line: row.line, "column '\(header.fields[variable.columns[0]])': '\(cell)' is not a number")
          } else {
            (values, shape) = try loadCell(
              cell, relativeTo: directory, images: images, shapeBefore: shapes[v], file: path, line: row.line)
          }
        }
        if let expected = shapes[v], expected != shape {
          throw DatasetError(file: path, line: row.line,
            "variable '\(variable.name)' has shape \(shape) here but \(expected) in the rows before")
        }
        shapes[v] = shape
        data[v] += values
      }
    }
    let variables = zip(columns.variables, shapes).map { Variable(name: $0.name, shape: $1 ?? [1]) }
    var dataset = try Dataset(variables: variables, data: data)
    dataset.origin = Origin(
      files: Dictionary(uniqueKeysWithValues: columns.variables.map { ($0.name, path) }),
      columns: Dictionary(uniqueKeysWithValues: columns.variables.map { v in (v.name, v.columns.map { header.fields[$0] }) }),
      lines: rows.map(\.line))
    return dataset
  }

  /// How the images a CSV names become values.
  private struct CellImages {
    var normalize: Bool
    var channels: Int?
    /// The size every image must have, if the caller knows it.
    var size: ImageDimensions?
  }

  /// One cell naming a file: an image, a `.npy` array or a `.csv` matrix. `shapeBefore` is the
  /// shape the variable's earlier rows gave, if any.
  private static func loadCell(
    _ cell: String, relativeTo directory: URL, images: CellImages, shapeBefore: [Int]?, file: String, line: Int
  ) throws -> ([Float], [Int]) {
    guard !cell.isEmpty else { throw DatasetError(file: file, line: line, "empty cell where a number or file path was expected") }
    let target = cell.hasPrefix("/") ? cell : directory.appendingPathComponent(cell).path
    let lower = cell.lowercased()
    func fail(_ problem: String) -> DatasetError { DatasetError(file: file, line: line, "'\(cell)': \(problem)") }
    let bytes: [UInt8]
    do { bytes = try RegularFile.read(target, limit: maxFileBytes, kind: "a dataset file") } catch let e as FileReadError {
      throw fail(e.problem == "no such file" ? "not a number, and no such file (\(target))" : "\(e.problem) (\(target))")
    }
    do {
      if [".png", ".pgm", ".ppm"].contains(where: lower.hasSuffix) {
        let png = lower.hasSuffix(".png")
        // Compare the header's size with the one required before decoding a single pixel.
        let before = shapeBefore.flatMap { $0.count == 3 ? ImageDimensions(width: $0[2], height: $0[1]) : nil }
        if let required = images.size ?? before {
          let size = try ImageDimensions.read(bytes, png: png)
          guard size == required else {
            throw fail("image is \(size), expected \(required) (\(images.size == nil ? "as in the rows before" : "the model input's size"))")
          }
        }
        let image = try Image.decode(bytes, png: png)
        let planes = images.channels ?? image.planeCount
        let values = image.planarFloats(channels: planes, scale: images.normalize ? Float(1.0 / 255.0) : 1)
        return (values, [planes, image.height, image.width])
      }
      if lower.hasSuffix(".npy") {
        let array = try NPY.decode(bytes)
        return (array.values, array.shape)
      }
      if lower.hasSuffix(".csv") {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw fail("not UTF-8 text") }
        let matrix = CSV.parse(text).filter { !$0.isBlank }
        let width = matrix.first?.fields.count ?? 0
        var values: [Float] = []
        for r in matrix {
          guard r.fields.count == width else { throw fail("line \(r.line) has \(r.fields.count) values, line 1 has \(width)") }
          for f in r.fields {
            guard let x = Float(f.trimmingCharacters(in: .whitespaces)) else { throw fail("line \(r.line): '\(f)' is not a number") }
            values.append(x)
          }
        }
        guard !values.isEmpty else { throw fail("the matrix file is empty") }
        return (values, [matrix.count, width])
      }
    } catch let e as FormatError {
      throw fail(e.description)
    }
    throw fail("unsupported file type (PNG, PGM, PPM, .npy or .csv)")
  }

  static func readText(_ path: String) throws -> String {
    guard var text = String(validating: try readFile(path), as: UTF8.self) else { throw DatasetError(file: path, "not UTF-8 text") }
    if text.hasPrefix("\u{FEFF}") { text.removeFirst() }  // a byte-order mark, as Excel saves CSV
    return text
  }
}

/// The variables a dataset CSV header declares and the columns each one reads.
struct CSVColumns {
  struct Variable {
    var name: String
    var columns: [Int]
    /// `[n]` or `[rows, columns]` for `x__i` / `x__i__j` columns (read in row-major order); nil
    /// for a single-column variable, whose cells decide the shape.
    var elementShape: [Int]?
  }
  var variables: [Variable] = []

  init(header: CSV.Row, file: String) throws {
    var order: [String] = []
    var cells: [String: [(index: [Int], column: Int)]] = [:]
    for (column, raw) in header.fields.enumerated() {
      let name = String(raw.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        .trimmingCharacters(in: .whitespaces)
      let parts = name.components(separatedBy: "__")
      guard let base = parts.first, !base.isEmpty else {
        throw DatasetError(file: file, line: header.line, "column \(column + 1) has no variable name ('\(raw)')")
      }
      let index = parts.dropFirst().compactMap { Int($0) }
      guard index.count == parts.count - 1, index.count <= 2 else {
        throw DatasetError(file: file, line: header.line, "column '\(raw)': expected name, name__i or name__i__j")
      }
      if cells[base] == nil { order.append(base) }
      cells[base, default: []].append((index, column))
    }
    for name in order {
      let entries = cells[name]!
      if entries.count == 1 && entries[0].index.isEmpty {
        variables.append(Variable(name: name, columns: [entries[0].column], elementShape: nil))
        continue
      }
      let rank = entries[0].index.count
      guard rank > 0, entries.allSatisfy({ $0.index.count == rank }) else {
        throw DatasetError(file: file, line: header.line, "variable '\(name)' mixes plain and indexed (\(name)__i) columns")
      }
      let shape = (0..<rank).map { axis in (entries.map { $0.index[axis] }.max() ?? 0) + 1 }
      var byFlatIndex = [Int?](repeating: nil, count: shape.reduce(1, *))
      for e in entries {
        let flat = rank == 1 ? e.index[0] : e.index[0] * shape[1] + e.index[1]
        guard byFlatIndex[flat] == nil else {
          throw DatasetError(file: file, line: header.line, "column '\(header.fields[e.column])' appears twice")
        }
        byFlatIndex[flat] = e.column
      }
      guard byFlatIndex.allSatisfy({ $0 != nil }) else {
        throw DatasetError(file: file, line: header.line, "variable '\(name)' lacks some of the columns for shape \(shape)")
      }
      variables.append(Variable(name: name, columns: byFlatIndex.map { $0! }, elementShape: shape))
    }
  }
}
