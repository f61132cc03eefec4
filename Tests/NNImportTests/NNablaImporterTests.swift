import NNFormats
import NNIR
import Testing
import _NNTestSupport

@testable import NNImport

@Suite struct NNablaImporterTests {
  @Test func lenetSample_importsRuntimeNetworkWithBatchOne() throws {
    let model = try NNablaImporter.importNNP(bytes: Fixtures.bytes("real/nnabla_lenet_010000.nnp"))
    let g = model.graph
    #expect(g.name == "runtime")
    #expect(g.inputs.map { g.tensors[$0].name } == ["x"])
    #expect(g.inputs.map { g.tensors[$0].shape } == [[1, 1, 28, 28]])
    #expect(g.outputs.map { g.tensors[$0].shape } == [[1, 10]])
    #expect(g.nodes.first?.op == .mulScalar(value: 0.00392156862745098))
    #expect(g.nodes.map(\.op.typeName).filter { $0 == "Convolution" }.count == 2)
  }

  @Test func nncExport_compilesExecutorNetworkAndDropsTheLoss() throws {
    let model = try NNablaImporter.importNNP(bytes: Fixtures.bytes("real/nnc_result2.nnp"))
    #expect(model.networkNames == ["Main", "MainValidation", "MainRuntime"])
    #expect(model.graph.name == "MainRuntime")
    #expect(model.executorName == "Executor")
    #expect(!model.graph.nodes.contains { $0.op.typeName.contains("CrossEntropy") })
    #expect(model.graph.nodes.last?.op == .softmax(axis: 1))
  }

  @Test(arguments: ["iris_mlp", "lenet28", "cnn_bn"])
  func h5AndProtobufParameters_giveTheSameGraph(model name: String) throws {
    let h5 = try NNablaImporter.importNNP(bytes: Fixtures.bytes("nnabla/\(name)/model.nnp")).graph
    let pb = try NNablaImporter.importNNP(bytes: Fixtures.bytes("nnabla/\(name)/model_pb.nnp")).graph
    #expect(h5.nodes.map(\.op) == pb.nodes.map(\.op))
    let h5Params = h5.parameterIndices.map { h5.tensors[$0] }
    let pbParams = pb.parameterIndices.map { pb.tensors[$0] }
    #expect(h5Params.map(\.name) == pbParams.map(\.name))
    #expect(h5Params.map(\.data) == pbParams.map(\.data))
  }

  // MARK: - Malformed models: every problem named, all at once

  static let irisText: String = {
    let entries = try! ZipWriter.entries(of: Fixtures.bytes("nnabla/iris_mlp/model_pb.nnp"))
    return String(decoding: entries.first { $0.name.hasSuffix(".nntxt") }!.bytes, as: UTF8.self)
  }()

  static func irisParameters() throws -> [ParameterDef] {
    let entries = try ZipWriter.entries(of: Fixtures.bytes("nnabla/iris_mlp/model_pb.nnp"))
    return try ParameterReaders.protobuf(entries.first { $0.name.hasSuffix(".protobuf") }!.bytes)
  }

  func importError(_ text: String, parameters: [ParameterDef]? = nil) throws -> String {
    do {
      _ = try NNablaImporter.importText(text, extraParameters: parameters ?? Self.irisParameters())
    } catch let e as DiagnosticError {
      return e.description
    }
    Issue.record("import succeeded")
    return ""
  }

  @Test func unsupportedFunctions_areAllReportedWithNameAndType() throws {
    let text = Self.irisText
      .replacingOccurrences(of: "type: \"ReLU\"", with: "type: \"HardTanhish\"")
      .replacingOccurrences(of: "type: \"Softmax\"", with: "type: \"Sincish\"")
    let message = try importError(text)
    #expect(message.contains("function '@net/ReLU' (HardTanhish): error: unsupported function type 'HardTanhish'"))
    #expect(message.contains("function '@net/Softmax' (Sincish): error: unsupported function type 'Sincish'"))
  }

  @Test func declaredShapeMismatch_isAnError() throws {
    // @net/Affine_out is declared [-1, 16]; make it [-1, 17].
    let text = Self.irisText.replacingOccurrences(
      of: "name: \"@net/Affine_out\"\n    type: \"Buffer\"\n    shape {\n      dim: -1\n      dim: 16",
      with: "name: \"@net/Affine_out\"\n    type: \"Buffer\"\n    shape {\n      dim: -1\n      dim: 17")
    #expect(try importError(text).contains("output '@net/Affine_out' is declared [1, 17] but computes to [1, 16]"))
  }

  @Test func missingParameter_isNamed() throws {
    let params = try Self.irisParameters().filter { $0.name != "fc2/affine/W" }
    #expect(try importError(Self.irisText, parameters: params).contains("parameter 'fc2/affine/W' is missing"))
  }

  @Test func hugeDimension_isRejectedBeforeAnyAllocation() throws {
    let text = Self.irisText.replacingOccurrences(
      of: "name: \"x\"\n    type: \"Buffer\"\n    shape {\n      dim: -1\n      dim: 4",
      with: "name: \"x\"\n    type: \"Buffer\"\n    shape {\n      dim: -1\n      dim: 1099511627776")
    #expect(try importError(text).contains("more than 2147483647 elements"))
  }

  @Test func executorNamingAMissingNetwork_isAnError() throws {
    let text = Self.irisText.replacingOccurrences(of: "network_name: \"net\"", with: "network_name: \"nope\"")
    #expect(try importError(text).contains("executor 'runtime' names network 'nope', which is not in the file"))
  }
}
