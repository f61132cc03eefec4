import Foundation
import NNFormats
import Testing

/// Fixtures: `Tests/Fixtures/nnabla/*/model.nnp` (real nnabla exports) and the files
/// `Tests/Fixtures/formats/hdf5/make_h5_fixtures.py` writes with h5py.
private enum H5Fixtures {
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

  static func bytes(_ relative: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: root.appendingPathComponent(relative)))
  }

  static func entry(_ nnp: String, _ name: String) throws -> [UInt8] {
    let archive = try ZipArchive(bytes: try bytes(nnp))
    let entry = try #require(archive.entry(named: name))
    return try archive.extract(entry)
  }

  static func datasets(_ name: String) throws -> [String: HDF5Dataset] {
    let list = try HDF5File(bytes: try bytes("formats/hdf5/\(name)")).datasets()
    return Dictionary(list.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
  }
}

/// The `FormatError` text `body` throws, recording an issue if it throws nothing or something else.
private func hdf5Error(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> String? {
  do {
    _ = try HDF5File(bytes: bytes).datasets()
    Issue.record("expected a FormatError, got success", sourceLocation: sourceLocation)
  } catch let error as FormatError {
    return error.description
  } catch {
    Issue.record("expected a FormatError, got \(error)", sourceLocation: sourceLocation)
  }
  return nil
}

@Suite struct HDF5Tests {
  /// Per parameter, in `index` order: name, shape, need_grad, bits of the first and last value,
  /// and the sum of the values in order — from `make_h5_fixtures.py --print-expectations`, which
  /// decodes `parameter.protobuf` of the matching model_pb.nnp with its own wire reader.
  static let expected: [String: [(String, [Int], Bool, UInt32, UInt32, Double)]] = [
    "iris_mlp": [
      ("fc1/affine/W", [4, 16], true, 0xbe16_9793, 0xbebc_0958, 0.20642193034291267),
      ("fc1/affine/b", [16], true, 0xbf19_10e5, 0x3e23_004a, 2.934935923665762),
      ("fc2/affine/W", [16, 3], true, 0xbf27_13c9, 0xbe89_e3bf, -1.4951776899397373),
      ("fc2/affine/b", [3], true, 0xbf22_5ddb, 0xbf01_968e, -0.21113038063049316),
    ],
    "lenet28": [
      ("c1/conv/W", [6, 1, 5, 5], true, 0x3e28_01ec, 0x3d8c_2135, 8.263576227938756),
      ("c1/conv/b", [6], true, 0x3ac0_2183, 0x3dcb_cc62, 0.16795044238097034),
      ("c2/conv/W", [16, 6, 5, 5], true, 0xbd15_ca13, 0x3cea_92e8, 13.464089863133267),
      ("c2/conv/b", [16], true, 0x3c3c_790a, 0x3c3f_1d94, 0.20131480903364718),
      ("f3/affine/W", [256, 120], true, 0xbe00_902e, 0x3b80_eb73, 51.04151202004084),
      ("f3/affine/b", [120], true, 0xbc1b_c274, 0x3c16_0f74, 0.3721969446633011),
      ("f4/affine/W", [120, 84], true, 0xbe33_1451, 0xbd27_c9e0, 17.45222100335741),
      ("f4/affine/b", [84], true, 0xbc2d_45f1, 0xba09_990f, 0.3899078813265078),
      ("f5/affine/W", [84, 10], true, 0x3dfb_e7f6, 0xbe60_bf5b, -10.701525222160853),
      ("f5/affine/b", [10], true, 0xbd02_7750, 0x3c19_74d5, 0.007159818895161152),
    ],
    "cnn_bn": [
      ("c1/conv/W", [8, 1, 3, 3], true, 0x3e95_ea4f, 0xbe83_f173, -0.7800052100792527),
      ("c1/conv/b", [8], true, 0xbb94_3fcb, 0xbc67_93dd, -0.014641683315858245),
      ("bn1/bn/beta", [1, 8, 1, 1], true, 0x3c2c_8d50, 0x3d4e_2040, 0.08148820092901587),
      ("bn1/bn/gamma", [1, 8, 1, 1], true, 0x3f83_e819, 0x3f7f_b155, 8.049235463142395),
      ("bn1/bn/mean", [1, 8, 1, 1], false, 0x3e2c_1f63, 0xbd9c_4811, -0.19211354851722717),
      ("bn1/bn/var", [1, 8, 1, 1], false, 0x3d6a_ea9a, 0x3cd9_63f6, 0.35248085483908653),
      ("c2/conv/W", [16, 8, 3, 3], true, 0x3e02_8046, 0xbc74_6d3a, 0.2132289013452464),
      ("c2/conv/b", [16], true, 0x3a09_eee8, 0xba84_a208, 0.02134718297747895),
      ("bn2/bn/beta", [1, 16, 1, 1], true, 0x3de0_cf30, 0x3dcc_1a7b, 2.1090056225657463),
      ("bn2/bn/gamma", [1, 16, 1, 1], true, 0x3f8e_05f3, 0x3f92_c948, 18.71041715145111),
      ("bn2/bn/mean", [1, 16, 1, 1], false, 0x3e9e_7098, 0x3e38_49fa, 0.07301067933440208),
      ("bn2/bn/var", [1, 16, 1, 1], false, 0x3df2_6689, 0x3e05_67c7, 2.8821674436330795),
      ("fc/affine/W", [784, 10], true, 0x3d7f_8238, 0xbc83_1828, -86.75256833294043),
      ("fc/affine/b", [10], true, 0xbbef_569d, 0xbb5d_b817, 0.0023970136826392263),
    ],
  ]

  /// nnabla's own parameter.h5 files give what their parameter.protobuf twins give, bit for bit.
  @Test(arguments: ["iris_mlp", "lenet28", "cnn_bn"])
  func realParameterFiles(_ model: String) throws {
    let file = try HDF5File(bytes: try H5Fixtures.entry("nnabla/\(model)/model.nnp", "parameter.h5"))
    #expect(file.superblockVersion == 0)
    let datasets = try file.datasets()
    // Symbol-table groups list their links by name, so the file order is alphabetical.
    #expect(datasets.map(\.path) == datasets.map(\.path).sorted())
    let byIndex = datasets.sorted {
      if case .int(let a) = $0.attributes["index"], case .int(let b) = $1.attributes["index"] { return a < b }
      return false
    }
    let want = try #require(Self.expected[model])
    try #require(byIndex.count == want.count)
    for (i, (dataset, (name, shape, needGrad, first, last, sum))) in zip(byIndex, want).enumerated() {
      #expect(dataset.path == name)
      #expect(dataset.shape == shape)
      #expect(dataset.attributes == ["index": .int(Int64(i)), "need_grad": .int(needGrad ? 1 : 0)])
      #expect(dataset.values.count == shape.reduce(1, *))
      #expect(dataset.values.first?.bitPattern == first)
      #expect(dataset.values.last?.bitPattern == last)
      #expect(dataset.values.reduce(0.0) { $0 + Double($1) } == sum)
    }

    // And every value, compared bit for bit with NNFormats' protobuf reader.
    let proto = try ProtoWireMessage(bytes: try H5Fixtures.entry("nnabla/\(model)/model_pb.nnp", "parameter.protobuf"))
    let parameters = try proto.messages(200)
    #expect(parameters.count == byIndex.count)
    for (dataset, parameter) in zip(byIndex, parameters) {
      #expect(try parameter.string(1) == dataset.path)
      #expect(try parameter.message(20)?.repeatedInt64(1).map { Int($0) } == dataset.shape)
      #expect(try parameter.repeatedFloat(100).map(\.bitPattern) == dataset.values.map(\.bitPattern))
    }
  }

  /// nnabla-shaped files from h5py's oldest and newest formats, and behind a 512-byte user block.
  @Test(arguments: [("nnabla_earliest.h5", 0), ("nnabla_latest.h5", 3), ("userblock.h5", 0)])
  func nnablaLikeFiles(_ name: String, _ superblock: Int) throws {
    let file = try HDF5File(bytes: try H5Fixtures.bytes("formats/hdf5/\(name)"))
    #expect(file.superblockVersion == superblock)
    let datasets = try file.datasets()
    let params = [("conv1/conv/W", [2, 1, 3, 3]), ("conv1/conv/b", [2]), ("fc/affine/W", [18, 3]), ("fc/affine/b", [3])]
    #expect(datasets.map(\.path) == params.map(\.0))
    for (index, (dataset, (_, shape))) in zip(datasets, params).enumerated() {
      let n = shape.reduce(1, *)
      #expect(dataset.shape == shape)
      #expect(dataset.values == (0..<n).map { Float($0 - n / 2) * 0.125 + Float(index) })
      #expect(dataset.attributes == ["index": .int(Int64(index)), "need_grad": .int(index == 1 ? 0 : 1)])
    }
  }

  @Test(arguments: ["types_earliest.h5", "types_latest.h5"])
  func elementTypesLayoutsAndAttributes(_ name: String) throws {
    let d = try H5Fixtures.datasets(name)
    #expect(d.keys.sorted() == [
      "be_float32", "be_float64", "be_int64", "bool", "compact", "empty", "float16", "float64", "int32", "scalar",
      "uint8", "unwritten",
    ])
    #expect(d["float64"]?.shape == [2, 3])
    #expect(d["float64"]?.values == (0..<6).map { Float(Double($0) * 0.1) })
    #expect(d["be_float32"]?.values == [1.5, -2.25, 3e-8, .infinity])
    #expect(d["be_float64"]?.values == [Float(0.1), -.infinity, 2.5])
    #expect(d["float16"]?.values == [0.5, -2, 65504, 0x1p-24])
    #expect(d["int32"]?.values == [-5, 0, 7, 0x1p31])  // 2^31 - 1 rounds to 2^31 as Float
    #expect(d["uint8"]?.values == [0, 1, 255])
    #expect(d["be_int64"]?.values == [-3, 0x1p40])
    #expect(d["bool"]?.values == [1, 0, 1])
    #expect(d["compact"]?.shape == [2, 2])
    #expect(d["compact"]?.values == [1, 2, 3, 4.5])
    #expect(d["empty"]?.shape == [0, 3])
    #expect(d["empty"]?.values == [])
    #expect(d["unwritten"]?.values == [7.5, 7.5, 7.5, 7.5])
    let scalar = try #require(d["scalar"])
    #expect(scalar.shape == [])
    #expect(scalar.values == [42.5])
    #expect(scalar.attributes == [
      "int8": .int(-3), "uint16": .int(65535), "int64": .int(-(1 << 40)), "be_int32": .int(123_456),
      "double": .double(2.5), "float32": .double(Double(Float(0.1))), "true": .int(1), "false": .int(0),
      "fixed": .string("fixed"), "vlen": .string("hello w\u{f6}rld"), "ints": .ints([1, -2, 3]),
      "doubles": .doubles([0.5, -1.25]), "strings": .strings(["a", "bc"]), "fixed_strings": .strings(["xy", "z"]),
    ])
  }

  /// 300 links in one group: v1 B-tree splits (earliest) or fractal heap + v2 B-tree (latest);
  /// 20 attributes (dense attribute storage in latest); a group listed by creation order.
  @Test(arguments: ["many_earliest.h5", "many_latest.h5"])
  func manyLinksAndAttributes(_ name: String) throws {
    let datasets = try HDF5File(bytes: try H5Fixtures.bytes("formats/hdf5/\(name)")).datasets()
    let many = (0..<300).map { "many/p" + String(1000 + $0).dropFirst() }
    #expect(datasets.map(\.path) == ["attrs"] + many + ["ordered/z", "ordered/m", "ordered/a"])
    for (i, dataset) in datasets[1...300].enumerated() { #expect(dataset.values == [Float(i)]) }
    #expect(datasets[301...].map(\.values) == [[122], [109], [97]])
    var want: [String: HDF5AttributeValue] = [:]
    for i in 0..<20 { want["a" + String(100 + i).dropFirst()] = .int(Int64(i)) }
    #expect(datasets[0].attributes == want)
  }

  /// Chunked datasets: v1 B-tree (earliest); fixed array, single chunk, implicit and v2 B-tree
  /// indexes (latest); deflate + shuffle + Fletcher-32; chunks never written read as the fill value.
  @Test(arguments: ["chunked_earliest.h5", "chunked_latest.h5"])
  func chunkedDatasets(_ name: String) throws {
    let d = try H5Fixtures.datasets(name)
    #expect(d["plain"]?.shape == [5, 7])
    #expect(d["plain"]?.values == (0..<35).map { Float($0) })
    #expect(d["deflate"]?.values == (0..<100).map { Float($0) * 0.5 })
    #expect(d["single"]?.values == [0, 1, 2, 3, 4, 5])
    #expect(d["single_deflate"]?.values == [0, 1, 2, 3, 4, 5])
    #expect(d["sparse"]?.values == [-1, -1, 10, 11, -1, -1])
    #expect(d["unlimited2"]?.values == (0..<12).map { Float($0) })
    #expect(d["unlimited2_deflate"]?.values == (0..<12).map { Float($0 - 6) })
    #expect(d["implicit"]?.shape == [3, 5])
    #expect(d["implicit"]?.values == (0..<15).map { Float($0 + 100) })
  }

  /// A group hard-linked into itself is walked once; a dataset with two names is listed twice;
  /// soft links are not followed.
  @Test func linkCyclesAndAliases() throws {
    let datasets = try HDF5File(bytes: try H5Fixtures.bytes("formats/hdf5/links.h5")).datasets()
    #expect(datasets.map(\.path) == ["a/x", "b"])
    #expect(datasets.map(\.values) == [[1.5], [1.5]])
  }

  @Test func unsupportedFeaturesAreClearErrors() throws {
    #expect(hdf5Error(try H5Fixtures.bytes("formats/hdf5/unsupported_latest.h5"))?.hasSuffix(
      "chunks indexed by an extensible array (one unlimited dimension) are not supported") == true)
    #expect(hdf5Error(try H5Fixtures.bytes("formats/hdf5/lzf.h5"))?.hasSuffix(
      "filter 32000 (lzf) is not supported (only deflate, shuffle and fletcher32)") == true)
  }

  @Test func malformedFiles() throws {
    let good = try H5Fixtures.bytes("formats/hdf5/nnabla_earliest.h5")
    let n = good.count
    #expect(hdf5Error(Array("not an hdf5 file at all".utf8)) == "hdf5: not an HDF5 file (bad signature)")
    #expect(hdf5Error([0x00] + good.dropFirst()) == "hdf5: not an HDF5 file (bad signature)")
    #expect(hdf5Error(Array(good.prefix(20))) == "hdf5: superblock at byte 0: truncated: needs 9 bytes at byte 15, but the file ends at byte 20")
    #expect(hdf5Error(Array(good.prefix(n / 2)))
      == "hdf5: truncated file: the superblock says it ends at byte \(n), but it has \(n / 2) bytes")

    // The root group's object header address (superblock v0, root symbol table entry) moved past the end.
    var pastEnd = good
    pastEnd.replaceSubrange(64..<72, with: [0x00, 0xFF, 0xFF, 0, 0, 0, 0, 0])
    #expect(hdf5Error(pastEnd) == "hdf5: '/': object header at address 16776960 is past the end of the file (\(n) bytes)")

    // fc/affine/W's dataspace [18, 3] rewritten as [2^20, 2^20]: 2^40 float32 elements.
    var huge = good
    let dims: [UInt8] = [18, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0]
    let at = try #require((0...(n - 16)).first { huge[$0..<$0 + 16].elementsEqual(dims) })
    huge.replaceSubrange(at..<at + 16, with: [0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0])
    #expect(hdf5Error(huge) == "hdf5: 'fc/affine/W': dataspace [1048576, 1048576] of 1099511627776 elements × 4 bytes is larger than the file (\(n) bytes)")

    // The root group's B-tree node (at byte 136) made an internal node whose first child is itself.
    var cycle = good
    #expect(cycle[136..<140].elementsEqual("TREE".utf8))
    cycle[141] = 1
    cycle.replaceSubrange(168..<176, with: [136, 0, 0, 0, 0, 0, 0, 0])
    #expect(hdf5Error(cycle) == "hdf5: '/': B-tree node at byte 136: B-tree node is reached twice (a cycle)")

    // Version 2 metadata carries checksums: one flipped bit in the root object header is caught.
    var flipped = try H5Fixtures.bytes("formats/hdf5/nnabla_latest.h5")
    let root = try #require((0..<flipped.count - 4).first { flipped[$0..<$0 + 4].elementsEqual("OHDR".utf8) })
    flipped[root + 12] ^= 0x01
    #expect(hdf5Error(flipped)?.hasPrefix("hdf5: '/': object header at byte \(root): checksum mismatch at byte") == true)
  }

  /// Random damage to every fixture must give a FormatError or a result: never a trap or a hang.
  @Test func damagedFilesNeverCrash() throws {
    let names = ["nnabla_earliest.h5", "nnabla_latest.h5", "types_earliest.h5", "types_latest.h5", "many_latest.h5",
                 "chunked_earliest.h5", "chunked_latest.h5"]
    var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> Int {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int(truncatingIfNeeded: seed >> 33)
    }
    var failures = 0
    for name in names {
      let good = try H5Fixtures.bytes("formats/hdf5/\(name)")
      for _ in 0..<150 {
        var bytes = good
        for _ in 0..<(1 + next() % 4) {
          let i = next() % bytes.count
          bytes[i] = next() % 3 == 0 ? 0xFF : UInt8(truncatingIfNeeded: next())
        }
        do { _ = try HDF5File(bytes: bytes).datasets() } catch is FormatError { failures += 1 }
      }
    }
    #expect(failures > 0)  // the damage did reach parsed structures
  }
}
