import NNIR

/// Training or validation data held in memory, as Neural Network Console's data iterator feeds
/// it: named variables, each with one fixed per-sample shape, and `count` samples.
///
/// Load one with `Dataset.load(path:)` (an NNC dataset CSV or MNIST IDX files), then per epoch:
/// ```swift
/// for batch in data.batches(size: 64, seed: 1, epoch: e) {   // shuffled, drop-last
///   let feed = data.gather(batch)                            // ["x": [64,1,28,28], "y": [64,1]]
/// }
/// ```
/// Variable names are the CSV header names without their `:label` part (`x`, `y`), which are
/// the names the network's data variables (or the executor's `data_name`s) use.
public struct Dataset: Sendable {
  public struct Variable: Sendable, Equatable {
    public var name: String
    /// The shape of one sample, batch axis excluded (`[1, 28, 28]` for a gray image, `[1]` for a
    /// scalar label, `[4]` for columns `x__0 … x__3`).
    public var shape: [Int]
    public var elementCount: Int { shape.reduce(1, *) }
    public init(name: String, shape: [Int]) {
      self.name = name
      self.shape = shape
    }
  }

  public let variables: [Variable]
  /// One array per variable: `count * elementCount` floats, sample after sample.
  public let data: [[Float]]
  public let count: Int
  /// Where the samples came from (set by the loaders), so a message about one value can point at it.
  public var origin: Origin?

  /// The files a dataset was read from and where in them each sample sits.
  public struct Origin: Sendable {
    /// The file each variable was read from, by variable name (the CSV for every column; MNIST's
    /// image and label files).
    public var files: [String: String]
    /// The header cells each variable was read from, by variable name: one per element for
    /// `x__0,x__1,…`, else one (`y:label`); absent: the variable's name.
    public var columns: [String: [String]]
    /// Each sample's line in the CSV; nil when samples are numbered from 0 (IDX).
    public var lines: [Int]?

    public init(files: [String: String], columns: [String: [String]] = [:], lines: [Int]? = nil) {
      self.files = files
      self.columns = columns
      self.lines = lines
    }
  }

  /// Where element `element` of `sample`'s value of `variable` sits: its file, its CSV line, and
  /// the rest of the place (`column 'y:label'`, or `index 7, column 'y'` for IDX), for a
  /// `file:line: error: place: …` message.
  public func location(of variable: String, sample: Int, element: Int = 0) -> (file: String, line: Int?, place: String) {
    let headers = origin?.columns[variable] ?? []
    let column = "column '\(headers.count > element ? headers[element] : headers.first ?? variable)'"
    let file = origin?.files[variable] ?? ""
    if let lines = origin?.lines, sample < lines.count { return (file, lines[sample], column) }
    return (file, nil, "index \(sample), \(column)")
  }

  /// A dataset from flat per-variable arrays; each must hold a whole number of samples, all the
  /// same number.
  public init(variables: [Variable], data: [[Float]]) throws {
    guard variables.count == data.count, !variables.isEmpty else {
      throw DatasetError(file: "", "a dataset needs one data array per variable (\(variables.count) variables, \(data.count) arrays)")
    }
    guard Set(variables.map(\.name)).count == variables.count else {
      throw DatasetError(file: "", "variable names repeat: \(variables.map(\.name))")
    }
    let counts = zip(variables, data).map { v, d in v.elementCount > 0 ? d.count / v.elementCount : -1 }
    guard let n = counts.first, zip(variables, data).allSatisfy({ v, d in v.elementCount > 0 && d.count == n * v.elementCount })
    else {
      throw DatasetError(file: "", "variables \(variables.map(\.name)) hold different numbers of samples \(counts)")
    }
    self.variables = variables
    self.data = data
    self.count = n
  }

  /// The variable called `name`, if any.
  public func variable(_ name: String) -> Variable? { variables.first { $0.name == name } }

  /// Samples `indices` of every variable stacked on a new leading batch axis:
  /// `name → [indices.count] + shape`.
  public func gather(_ indices: [Int]) -> [String: FloatTensor] {
    var batch: [String: FloatTensor] = [:]
    for (v, values) in zip(variables, data) {
      let n = v.elementCount
      var out = [Float]()
      out.reserveCapacity(indices.count * n)
      for i in indices {
        precondition(i >= 0 && i < count, "Dataset.gather: sample \(i) of \(count)")
        out += values[(i * n)..<((i + 1) * n)]
      }
      batch[v.name] = FloatTensor(shape: [indices.count] + v.shape, values: out)
    }
    return batch
  }

  /// The samples `indices` as a dataset of their own (a split, or a class subset).
  public func subset(_ indices: [Int]) -> Dataset {
    let gathered = gather(indices)
    // Safe: every variable got indices.count samples.
    var part = try! Dataset(variables: variables, data: variables.map { gathered[$0.name]!.values })
    part.origin = origin.map { o in Origin(files: o.files, columns: o.columns, lines: o.lines.map { l in indices.map { l[$0] } }) }
    return part
  }

  /// The order samples are visited in `epoch`: `0..<count`, or a permutation when `seed` is given.
  ///
  /// Each epoch's permutation depends only on `(seed, epoch)` — see `SeededShuffle` — so a run
  /// resumed at epoch k sees the same batches as an uninterrupted one.
  public func order(seed: UInt64?, epoch: Int) -> [Int] {
    guard let seed else { return Array(0..<count) }
    return SeededShuffle.permutation(count: count, seed: seed, epoch: epoch)
  }

  /// The mini-batches of one epoch, as sample indices for `gather`.
  ///
  /// `dropLast` (the default, for training) leaves out the final partial batch, as NNC does:
  /// `nnabla_cli train` runs `iter_per_epoch = size / batch_size` (integer division) updates per
  /// epoch, and its evaluation loops `data_size // batch_size` batches. Unlike nnabla's
  /// `DataIterator`, which carries the unused tail into the next epoch, every epoch here starts
  /// from a fresh permutation, so which samples are left out changes from epoch to epoch.
  /// Pass `dropLast: false` to visit every sample once (validation, accuracy).
  public func batches(size: Int, seed: UInt64?, epoch: Int, dropLast: Bool = true) -> [[Int]] {
    precondition(size > 0, "Dataset.batches: batch size \(size)")
    let order = order(seed: seed, epoch: epoch)
    let whole = count / size
    var result = (0..<whole).map { Array(order[($0 * size)..<(($0 + 1) * size)]) }
    if !dropLast && count % size != 0 { result.append(Array(order[(whole * size)...])) }
    return result
  }
}

/// A dataset file the loaders cannot use, with the file and (for CSV) the line at fault.
public struct DatasetError: Error, CustomStringConvertible, Equatable {
  public var file: String
  public var line: Int?
  public var message: String

  public init(file: String, line: Int? = nil, _ message: String) {
    self.file = file
    self.line = line
    self.message = message
  }

  /// `train.csv:12`, or `train.csv` without a line (`fallback` when the error names no file):
  /// the place every command prints before `: error:`.
  public func location(fallback: String = "") -> String {
    let name = file.isEmpty ? fallback : file
    return line.map { "\(name):\($0)" } ?? name
  }

  /// `train.csv:12: error: …`, or `train.csv: error: …` without a line.
  public var description: String {
    file.isEmpty ? "error: \(message)" : "\(location()): error: \(message)"
  }
}
