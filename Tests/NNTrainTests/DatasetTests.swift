import Foundation
import NNFormats
import NNIR
import Testing
import _NNTestSupport

@testable import NNTrain

/// Datasets as Neural Network Console writes them: CSV variants, MNIST IDX, shuffling, batches.
@Suite struct DatasetTests {
  /// A temporary folder with `files` (relative path → contents) written into it.
  static func folder(_ files: [String: [UInt8]]) throws -> URL {
    let dir = try Fixtures.temporaryDirectory("dataset")
    for (name, bytes) in files {
      let url = dir.appendingPathComponent(name)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(bytes).write(to: url)
    }
    return dir
  }

  static func text(_ s: String) -> [UInt8] { Array(s.utf8) }

  static func loadError(_ csv: String, extra: [String: [UInt8]] = [:]) throws -> String {
    let dir = try folder(extra.merging(["d.csv": text(csv)]) { a, _ in a })
    defer { try? FileManager.default.removeItem(at: dir) }
    do {
      _ = try Dataset.loadCSV(path: dir.appendingPathComponent("d.csv").path)
    } catch let e as DatasetError {
      return e.description.replacingOccurrences(of: dir.path + "/", with: "")
    }
    Issue.record("loading succeeded")
    return ""
  }

  // MARK: - CSV

  @Test func imageCSV_pngAndPgmRelativeToTheCSV_dividedBy255() throws {
    let a = Image(width: 3, height: 2, channels: 1, pixels: [0, 51, 102, 153, 204, 255])
    let pgm = Self.text("P2 3 2 255\n255 204 153 102 51 0\n")
    let dir = try Self.folder([
      "train.csv": Self.text("x:image,y:label\nimages/a.png,3\n./images/b.pgm,7\n"),
      "images/a.png": try PNG.encode(a), "images/b.pgm": pgm,
    ])
    defer { try? FileManager.default.removeItem(at: dir) }
    let data = try Dataset.loadCSV(path: dir.appendingPathComponent("train.csv").path)
    #expect(data.variables == [.init(name: "x", shape: [1, 2, 3]), .init(name: "y", shape: [1])])
    #expect(data.count == 2)
    // nnabla's CsvDataSource: `d.astype(numpy.float32) * (1.0 / 255.0)`, a float32 multiply.
    let expected: [Float] = [0, 51, 102, 153, 204, 255, 255, 204, 153, 102, 51, 0].map { $0 * Float(1.0 / 255.0) }
    #expect(data.data[0] == expected)
    #expect(data.data[1] == [3, 7])
    let raw = try Dataset.loadCSV(path: dir.appendingPathComponent("train.csv").path, normalizeImages: false)
    #expect(raw.data[0] == [0, 51, 102, 153, 204, 255, 255, 204, 153, 102, 51, 0])
  }

  @Test func rgbImages_becomeThreePlanes() throws {
    let rgb = Image(width: 1, height: 2, channels: 3, pixels: [10, 20, 30, 40, 50, 60])
    let dir = try Self.folder(["d.csv": Self.text("x:image\nc.png\n"), "c.png": try PNG.encode(rgb)])
    defer { try? FileManager.default.removeItem(at: dir) }
    let data = try Dataset.loadCSV(path: dir.appendingPathComponent("d.csv").path, normalizeImages: false)
    #expect(data.variables[0].shape == [3, 2, 1])
    #expect(data.data[0] == [10, 40, 20, 50, 30, 60])
  }

  @Test func vectorColumns_severalVariables_andAMatrixVariable() throws {
    let csv = """
      x__0:sepal length,x__1,x__2,x__3,m__0__0,m__0__1,m__1__0,m__1__1,y:label
      5.1,3.5,1.4,0.2,1,2,3,4,0
      "6.2", 2.9 ,4.3,1.3,5,6,7,8,1

      """
    let dir = try Self.folder(["iris.csv": Self.text(csv)])
    defer { try? FileManager.default.removeItem(at: dir) }
    let data = try Dataset.loadCSV(path: dir.appendingPathComponent("iris.csv").path)
    #expect(data.variables.map(\.name) == ["x", "m", "y"])
    #expect(data.variables.map(\.shape) == [[4], [2, 2], [1]])
    #expect(data.data[0] == [5.1, 3.5, 1.4, 0.2, 6.2, 2.9, 4.3, 1.3])
    #expect(data.data[1] == [1, 2, 3, 4, 5, 6, 7, 8])
    #expect(data.data[2] == [0, 1])
  }

  @Test func fileCells_npyAndCSVMatrices() throws {
    var npy: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
    var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"
    header += String(repeating: " ", count: 63 - (10 + header.count) % 64) + "\n"
    npy += [UInt8(header.utf8.count), 0] + Array(header.utf8)
    for v: Float in [1.5, -2] { withUnsafeBytes(of: v.bitPattern.littleEndian) { npy += $0 } }
    let dir = try Self.folder([
      "d.csv": Self.text("a,b\nv.npy,m.csv\n"), "v.npy": npy, "m.csv": Self.text("1,2,3\n4,5,6\n"),
    ])
    defer { try? FileManager.default.removeItem(at: dir) }
    let data = try Dataset.loadCSV(path: dir.appendingPathComponent("d.csv").path)
    #expect(data.variables.map(\.shape) == [[2], [2, 3]])
    #expect(data.data == [[1.5, -2], [1, 2, 3, 4, 5, 6]])
  }

  @Test func csvErrors_nameTheFileAndLine() throws {
    #expect(try Self.loadError("x__0,x__1,y\n1,2,0\n3,4\n") == "d.csv:3: error: 2 fields, but the header has 3")
    #expect(try Self.loadError("x__0,x__1,y\n1,2,0\n3,four,1\n") == "d.csv:3: error: column 'x__1': 'four' is not a number")
    #expect(try Self.loadError("x,y\n1,0\nabc,1\n") == "d.csv:3: error: column 'x': 'abc' is not a number")
    #expect(try Self.loadError("x:image,y\nmissing.png,0\n").hasPrefix("d.csv:2: error: 'missing.png': not a number, and no such file ("))
    #expect(try Self.loadError("x,y\n") == "d.csv: error: no data rows after the header")
    #expect(try Self.loadError("") == "d.csv: error: the file is empty; a dataset CSV needs a header line")
    #expect(try Self.loadError("x__0,x__2\n1,2\n") == "d.csv:1: error: variable 'x' lacks some of the columns for shape [3]")
    let small = try PNG.encode(Image(width: 1, height: 1, channels: 1, pixels: [0]))
    let big = try PNG.encode(Image(width: 2, height: 1, channels: 1, pixels: [0, 0]))
    #expect(try Self.loadError("x:image\na.png\nb.png\n", extra: ["a.png": small, "b.png": big])
      == "d.csv:3: error: 'b.png': image is 2x1, expected 1x1 (as in the rows before)")
    #expect(try Self.loadError("x:image\nbad.png\n", extra: ["bad.png": [1, 2, 3]])
      == "d.csv:2: error: 'bad.png': png: missing PNG signature at byte 0: not a PNG file")
  }

  @Test func missingCSV_isOneLine() {
    #expect(throws: DatasetError(file: "/nonexistent/train.csv", "no such file")) {
      _ = try Dataset.loadCSV(path: "/nonexistent/train.csv")
    }
    #expect(DatasetError(file: "/nonexistent/train.csv", "no such file").description == "/nonexistent/train.csv: error: no such file")
  }

  // MARK: - The bundled digits example

  /// `examples/digits/test.csv` is the digit classifier fixture's held-out split: the same
  /// labels in the same order, the same images to within the 8-bit rounding (1/510).
  @Test func digitsExample_testSplitIsTheFixturesHeldOutSet() throws {
    let root = Fixtures.repositoryRoot.appendingPathComponent("examples/digits")
    let test = try Dataset.loadCSV(path: root.appendingPathComponent("test.csv").path)
    #expect(test.variables == [.init(name: "x", shape: [1, 28, 28]), .init(name: "y", shape: [1])])
    #expect(test.count == 400)
    #expect(test.data[1] == (try Fixtures.bytes("nnabla/digits_lenet/test_labels.bin")).map(Float.init))
    let fixture = try Fixtures.floats("nnabla/digits_lenet/test_inputs.bin")
    let worst = zip(test.data[0], fixture).map { abs($0 - $1) }.max() ?? 1
    #expect(test.data[0].count == fixture.count && worst <= 1.0 / 510 + 1e-6, "largest difference \(worst)")

    let fourNine = try Dataset.loadCSV(path: root.appendingPathComponent("test_4_9.csv").path)
    let digits = Dictionary(zip(0..<400, test.data[1]), uniquingKeysWith: { a, _ in a })
    #expect(fourNine.count == digits.values.filter { $0 == 4 || $0 == 9 }.count)
    #expect(Set(fourNine.data[1]) == [0, 1])
  }

  // MARK: - MNIST IDX

  @Test(arguments: ["", ".gz"])
  func mnist_imagesAndLabels(_ suffix: String) throws {
    let images = Fixtures.path("formats/idx/tiny-images-idx3-ubyte\(suffix)")
    #expect(Dataset.mnistLabelsPath(forImages: images) == Fixtures.path("formats/idx/tiny-labels-idx1-ubyte\(suffix)"))
    let data = try Dataset.load(path: images)
    #expect(data.variables == [.init(name: "x", shape: [1, 2, 4]), .init(name: "y", shape: [1])])
    #expect(data.count == 3)
    let second: [Float] = (41...48).map { Float($0) * Float(1.0 / 255.0) }
    #expect(Array(data.data[0][8..<16]) == second)
    #expect(data.data[1] == [7, 2, 1])
  }

  @Test func mnist_labelsImagesSwappedSaysSo() {
    #expect(throws: DatasetError(file: Fixtures.path("formats/idx/tiny-labels-idx1-ubyte"),
                                 "holds an array of shape [3]; MNIST images are [count, rows, columns]")) {
      _ = try Dataset.loadMNIST(images: Fixtures.path("formats/idx/tiny-labels-idx1-ubyte"),
                                labels: Fixtures.path("formats/idx/tiny-images-idx3-ubyte"))
    }
  }

  // MARK: - Order, batches, gather

  static func counting(_ n: Int) throws -> Dataset {
    try Dataset(variables: [.init(name: "x", shape: [2]), .init(name: "y", shape: [1])],
                data: [(0..<2 * n).map(Float.init), (0..<n).map { Float($0 * 10) }])
  }

  /// The permutations are pinned to the algorithm in `SeededShuffle`'s documentation (these
  /// values were computed from that description by an independent Python implementation).
  @Test func shuffle_isTheDocumentedSplitMix64FisherYates() throws {
    let data = try Self.counting(10)
    #expect(data.order(seed: 42, epoch: 0) == [8, 3, 6, 5, 4, 0, 9, 2, 1, 7])
    #expect(data.order(seed: 42, epoch: 1) == [5, 9, 6, 4, 1, 3, 0, 8, 2, 7])
    #expect(data.order(seed: 7, epoch: 0) == [9, 5, 8, 6, 1, 2, 4, 7, 0, 3])
    #expect(data.order(seed: nil, epoch: 3) == Array(0..<10))
  }

  @Test func shuffle_isAPermutationAndRepeatsForTheSameSeed() throws {
    let data = try Self.counting(1000)
    for epoch in 0..<5 {
      let order = data.order(seed: 123, epoch: epoch)
      #expect(order.sorted() == Array(0..<1000))
      #expect(order == data.order(seed: 123, epoch: epoch))
    }
    #expect(data.order(seed: 123, epoch: 0) != data.order(seed: 124, epoch: 0))
  }

  @Test func batches_dropTheLastPartialBatchUnlessAsked() throws {
    let data = try Self.counting(10)
    let training = data.batches(size: 4, seed: 42, epoch: 0)
    #expect(training == [[8, 3, 6, 5], [4, 0, 9, 2]])
    let all = data.batches(size: 4, seed: nil, epoch: 0, dropLast: false)
    #expect(all == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
  }

  @Test func gather_stacksSamplesOnABatchAxis() throws {
    let batch = try Self.counting(5).gather([3, 0])
    #expect(batch["x"] == FloatTensor(shape: [2, 2], values: [6, 7, 0, 1]))
    #expect(batch["y"] == FloatTensor(shape: [2, 1], values: [30, 0]))
    let sub = try Self.counting(5).subset([4, 1])
    #expect(sub.count == 2 && sub.data[1] == [40, 10])
  }

  @Test func dataset_rejectsArraysOfDifferentSampleCounts() {
    #expect(throws: DatasetError(file: "", "variables [\"x\", \"y\"] hold different numbers of samples [2, 3]")) {
      _ = try Dataset(variables: [.init(name: "x", shape: [2]), .init(name: "y", shape: [1])], data: [[1, 2, 3, 4], [1, 2, 3]])
    }
  }
}
