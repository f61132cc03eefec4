import NNFunctions
import NNIR
@testable import NNPasses
import Testing

/// The converter's dense layer (`Reshape → BatchMatmul(·, Reshape(W)) → Reshape → Add2(·,
/// Reshape(b))`) becomes one Affine that computes what the chain computes; chains it may not
/// touch stay.
@Suite struct BatchMatmulToAffineTests {
  /// What nnabla's converter writes for ONNX `Gemm` on an x of `[1, in]`.
  static func converterDense(transposeB: Bool = false, extraReader: Bool = false) throws -> (ModelGraph, outputs: [Int]) {
    var g = RewriteTestGraph()
    let x = g.input([1, 6])
    let w = g.constant(transposeB ? [4, 6] : [6, 4])
    let b = g.constant([4])
    let x3 = try g.add(.reshape(shape: [1, 1, 6]), [x])
    let w3 = try g.add(.reshape(shape: transposeB ? [1, 4, 6] : [1, 6, 4]), [w])
    let mm = try g.add(.function(FunctionCall(BatchMatmul(transposeB: transposeB))), [x3, w3])
    let y2 = try g.add(.reshape(shape: [1, 4]), [mm])
    let b2 = try g.add(.reshape(shape: [1, 4]), [b])
    let y = try g.add(.add2, [y2, b2])
    let outputs = extraReader ? [y, try g.add(.relu, [mm])] : [y]
    return (g.graph(outputs: outputs), outputs)
  }

  @Test(arguments: [false, true])
  func denseLayerBecomesOneAffine(transposeB: Bool) throws {
    let (original, _) = try Self.converterDense(transposeB: transposeB)
    let (rewritten, names) = BatchMatmulToAffine.rewrite(original)
    #expect(names == ["n2"])
    #expect(RewriteTestGraph.opNames(rewritten) == ["Affine"])
    #expect(rewritten.nodes[0].inputs.count == 3)
    #expect(rewritten.tensors[rewritten.nodes[0].inputs[1]].shape == [6, 4])
    #expect(RewriteTestGraph.maxDifference(original, rewritten) <= 1e-6)
  }

  @Test func aProductReadElsewhereKeepsItsBiasAdd() throws {
    let (original, _) = try Self.converterDense(extraReader: true)
    let (rewritten, _) = BatchMatmulToAffine.rewrite(original)
    // The Affine (on x itself, then viewed as the product's [1, 1, 4]) replaces the BatchMatmul only;
    // the Add2 and the other reader stay.
    #expect(RewriteTestGraph.opNames(rewritten) == ["Affine", "Reshape", "Reshape", "Reshape", "Add2", "ReLU"])
    #expect(RewriteTestGraph.maxDifference(original, rewritten) <= 1e-6)
  }

  @Test func batchedConstantAndVariableOperandsStay() throws {
    var g = RewriteTestGraph()
    let a = g.input([2, 3, 4])
    let b = g.input([2, 4, 5])
    let c = g.constant([2, 4, 5])
    let y1 = try g.add(.function(FunctionCall(BatchMatmul())), [a, b])
    let y2 = try g.add(.function(FunctionCall(BatchMatmul())), [a, c])
    let original = g.graph(outputs: [y1, y2])
    let (rewritten, names) = BatchMatmulToAffine.rewrite(original)
    #expect(names.isEmpty)
    #expect(RewriteTestGraph.opNames(rewritten) == ["BatchMatmul", "BatchMatmul"])
  }

  @Test func batchedInputWithSharedMatrixUsesTheBaseAxis() throws {
    var g = RewriteTestGraph()
    let a = g.input([2, 3, 4])
    let w = g.constant([4, 5])
    let y = try g.add(.function(FunctionCall(BatchMatmul())), [a, w])
    let original = g.graph(outputs: [y])
    let (rewritten, _) = BatchMatmulToAffine.rewrite(original)
    #expect(rewritten.nodes.map(\.op) == [.affine(AffineAttributes(baseAxis: 2))])
    #expect(RewriteTestGraph.maxDifference(original, rewritten) <= 1e-6)
  }
}
