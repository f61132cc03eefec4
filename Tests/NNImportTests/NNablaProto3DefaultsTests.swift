import NNFormats
import NNIR
import NNInterpreter
import Testing
import _NNTestSupport

@testable import NNImport

/// `nnabla.proto` is proto3: an absent field is proto3's zero value (what nnabla's loader passes
/// to the C++ function), never the Python API's default. One test per default the importer reads.
@Suite struct NNablaProto3DefaultsTests {
  /// A one-function network `x` [-1, xShape...] -> `y`, with `param` as the function's param block.
  static func network(_ type: String, x: [Int], param: String, y: [Int]? = nil) -> String {
    func shape(_ d: [Int]) -> String { "shape { dim: -1 " + d.map { "dim: \($0) " }.joined() + "}" }
    return """
      network {
        name: "net"
        batch_size: 1
        variable { name: "x" type: "Buffer" \(shape(x)) }
        \(y.map { "variable { name: \"y\" type: \"Buffer\" \(shape($0)) }" } ?? "variable { name: \"y\" type: \"Buffer\" }")
        function { name: "f" type: "\(type)" input: "x" output: "y" \(param) }
      }
      executor { name: "runtime" network_name: "net" data_variable { variable_name: "x" data_name: "x" } output_variable { variable_name: "y" data_name: "y" } }
      """
  }

  static func op(_ type: String, x: [Int], param: String) throws -> Op {
    let g = try NNablaImporter.importText(network(type, x: x, param: param)).graph
    return try #require(g.nodes.first).op
  }

  @Test func maxPoolingWithoutIgnoreBorder_poolsThePartialBorderWindows() throws {
    // A real export omits `ignore_border` when it is false: 5x5 with a 2x2 kernel, stride 2 gives
    // 3x3 (nnabla: (5 + 0 - 1) / 2 + 1), the last row and column from one-element-wide windows.
    let text = Self.network("MaxPooling", x: [1, 5, 5], param: """
      max_pooling_param { kernel { dim: 2 dim: 2 } stride { dim: 2 dim: 2 } pad { dim: 0 dim: 0 } }
      """, y: [1, 3, 3])
    let g = try NNablaImporter.importText(text).graph
    #expect(g.nodes.first?.op == .maxPooling(PoolingAttributes(
      kernel: [2, 2], stride: [2, 2], ignoreBorder: false, pad: [0, 0], includingPad: false)))
    #expect(g.outputs.map { g.tensors[$0].shape } == [[1, 1, 3, 3]])
    let x = FloatTensor(shape: [1, 1, 5, 5], values: (0..<25).map { Float($0) })
    let y = FloatInterpreter.run(g, inputs: [x])[0]
    // Window maxima: rows {0,1},{2,3},{4} x cols {0,1},{2,3},{4} of x[r][c] = 5r + c.
    #expect(y.values == [6, 8, 9, 16, 18, 19, 21, 23, 24])
  }

  @Test func poolingWithoutStride_usesTheKernel() throws {
    // base_pooling.cpp get_stride: an empty stride is the kernel.
    let op = try Self.op("AveragePooling", x: [1, 4, 4], param: """
      average_pooling_param { kernel { dim: 2 dim: 2 } ignore_border: true pad { dim: 0 dim: 0 } }
      """)
    #expect(op == .averagePooling(PoolingAttributes(
      kernel: [2, 2], stride: [2, 2], ignoreBorder: true, pad: [0, 0], includingPad: false)))
  }

  @Test func averagePoolingWithoutIncludingPad_excludesThePad() throws {
    let op = try Self.op("AveragePooling", x: [1, 4, 4], param: """
      average_pooling_param { kernel { dim: 2 dim: 2 } stride { dim: 2 dim: 2 } ignore_border: true pad { dim: 1 dim: 1 } }
      """)
    guard case .averagePooling(let a) = op else { Issue.record("not AveragePooling: \(op)"); return }
    #expect(a.includingPad == false)
  }

  @Test func softmaxAndConcatenateWithoutAxis_useAxisZero() throws {
    #expect(try Self.op("Softmax", x: [3], param: "") == .softmax(axis: 0))
    #expect(try Self.op("Softmax", x: [3], param: "softmax_param { }") == .softmax(axis: 0))
    #expect(try Self.op("Concatenate", x: [3], param: "concatenate_param { }") == .concatenate(axis: 0))
    #expect(try Self.op("Softmax", x: [3], param: "softmax_param { axis: 1 }") == .softmax(axis: 1))
  }

  @Test func scalarsWithoutValue_areZero() throws {
    #expect(try Self.op("AddScalar", x: [3], param: "add_scalar_param { }") == .addScalar(value: 0))
    #expect(try Self.op("MulScalar", x: [3], param: "") == .mulScalar(value: 0))
    #expect(try Self.op("LeakyReLU", x: [3], param: "leaky_relu_param { }") == .leakyReLU(alpha: 0))
    #expect(try Self.op("ELU", x: [3], param: "") == .elu(alpha: 0))
  }

  @Test func affineWithoutBaseAxis_usesBaseAxisZero() throws {
    // base_axis absent = 0: the whole input (batch included) is one row.
    let text = """
      network {
        name: "net"
        batch_size: 1
        variable { name: "x" type: "Buffer" shape { dim: -1 dim: 2 } }
        variable { name: "W" type: "Parameter" shape { dim: 2 dim: 3 } }
        variable { name: "y" type: "Buffer" }
        function { name: "f" type: "Affine" input: "x" input: "W" output: "y" affine_param { } }
      }
      executor { name: "runtime" network_name: "net" data_variable { variable_name: "x" data_name: "x" } output_variable { variable_name: "y" data_name: "y" } }
      """
    let w = ParameterDef(name: "W", shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
    let g = try NNablaImporter.importText(text, extraParameters: [w]).graph
    #expect(g.nodes.first?.op == .affine(AffineAttributes(baseAxis: 0)))
    #expect(g.outputs.map { g.tensors[$0].shape } == [[3]])
  }

  @Test func convolutionWithoutGroup_isOneClearError() throws {
    // group absent = 0, which nnabla cannot run; no silent Python default of 1.
    let text = """
      network {
        name: "net"
        batch_size: 1
        variable { name: "x" type: "Buffer" shape { dim: -1 dim: 1 dim: 3 dim: 3 } }
        variable { name: "W" type: "Parameter" shape { dim: 1 dim: 1 dim: 1 dim: 1 } }
        variable { name: "y" type: "Buffer" }
        function { name: "f" type: "Convolution" input: "x" input: "W" output: "y"
          convolution_param { base_axis: 1 pad { dim: 0 dim: 0 } stride { dim: 1 dim: 1 } dilation { dim: 1 dim: 1 } } }
      }
      executor { name: "runtime" network_name: "net" data_variable { variable_name: "x" data_name: "x" } output_variable { variable_name: "y" data_name: "y" } }
      """
    let w = ParameterDef(name: "W", shape: [1, 1, 1, 1], values: [1])
    do {
      _ = try NNablaImporter.importText(text, extraParameters: [w])
      Issue.record("import succeeded")
    } catch let e as DiagnosticError {
      #expect(e.description.contains("group is absent, so 0 (nnabla.proto is proto3), and nnabla needs group >= 1; write group: 1"))
    }
  }
}
