import Foundation
import NNExport
import NNIR
import NNImport
import Testing
import _NNTestSupport

/// The reduction group's functions (Sum, Mean, Max, Min, Prod, BatchMatmul, Exp) write their
/// attributes back: nnabla's converter output of MLPerf Tiny kws, and nnabla's one-function
/// models, imported, written from the IR and imported again are the same graph.
@Suite struct ConverterModelRoundTripTests {
  static let models: [String] = {
    let dir = Fixtures.path("functions/reduce")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
    return names.filter { $0.hasSuffix(".nnp") }.sorted().map { "\(dir)/\($0)" }
      + [Fixtures.repositoryRoot.appendingPathComponent("bench/mlperf-tiny/kws/model.nnp").path]
  }()

  @Test func thereAreModels() { #expect(Self.models.count == 30) }

  @Test(arguments: models)
  func writtenAndReadBack_isTheSameGraph(_ path: String) throws {
    let first = try NNablaImporter.importNNP(bytes: Array(Data(contentsOf: URL(fileURLWithPath: path)))).graph
    let second = try NNablaImporter.importNNP(bytes: NNPWriter.archive(graph: first)).graph
    // Ops equal: same function types with the same attributes. (Shapes are not compared: the
    // writer declares every input's first axis as the batch, read back as 1.)
    #expect(second.nodes.map(\.op) == first.nodes.map(\.op))
    #expect(second.nodes.count == first.nodes.count && !first.nodes.isEmpty)
  }
}
