import NNFunctions
import NNIR
@testable import NNPasses
import Testing

/// The converter's softmax (`Max → Sub2 → Exp → Sum → Div2`) becomes `Softmax(axis)`, computing
/// the same; patterns it may not replace stay.
@Suite struct SoftmaxFusionTests {
  static func converterSoftmax(axis: Int, sumAxis: Int? = nil, keepDims: Bool = true, readExp: Bool = false) throws -> ModelGraph {
    var g = RewriteTestGraph()
    let x = g.input([2, 3, 4])
    let m = try g.add(.function(FunctionCall(Max(axes: [axis], keepDims: true))), [x])
    let d = try g.add(.sub2, [x, m])
    let e = try g.add(.function(FunctionCall(Exp())), [d])
    let s = try g.add(.function(FunctionCall(Sum(axes: [sumAxis ?? axis], keepDims: keepDims))), [e])
    let y = try g.add(.div2, [e, s])
    return g.graph(outputs: readExp ? [y, e] : [y])
  }

  @Test(arguments: [0, 1, 2])
  func patternBecomesSoftmax(axis: Int) throws {
    let original = try Self.converterSoftmax(axis: axis)
    let (rewritten, names) = SoftmaxFusion.rewrite(original)
    #expect(names == ["n4"])
    #expect(rewritten.nodes.map(\.op) == [.softmax(axis: axis)])
    #expect(rewritten.tensors.count == 2)
    #expect(RewriteTestGraph.maxDifference(original, rewritten) <= 1e-7)
  }

  @Test func otherReadersOrOtherAxesKeepThePattern() throws {
    for original in [try Self.converterSoftmax(axis: 1, readExp: true), try Self.converterSoftmax(axis: 1, sumAxis: 2)] {
      let (rewritten, names) = SoftmaxFusion.rewrite(original)
      #expect(names.isEmpty)
      #expect(RewriteTestGraph.opNames(rewritten) == ["Max", "Sub2", "Exp", "Sum", "Div2"])
    }
  }
}
