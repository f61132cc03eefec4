import NNIR
@testable import NNPasses
import Testing

/// A constant-0 Pad before a convolution or pooling folds into the op's own pad only where the
/// result is the same (checked against the interpreter on the unfolded graph).
@Suite struct PadFoldingTests {
  static func padThen(_ op: Op, padWidth: [Int], value: Float = 0, afterReLU: Bool = false, weight: [Int]? = nil) throws -> ModelGraph {
    var g = RewriteTestGraph()
    var x = g.input([1, 2, 5, 6])
    if afterReLU { x = try g.add(.relu, [x]) }
    let p = try g.add(.pad(PadAttributes(padWidth: padWidth, constantValue: value)), [x])
    let y = try g.add(op, [p] + (weight.map { [g.constant($0)] } ?? []))
    return g.graph(outputs: [y])
  }

  static let conv = Op.convolution(ConvolutionAttributes(pad: [0, 1], stride: [2, 1], dilation: [1, 1]))
  static let depthwise = Op.depthwiseConvolution(DepthwiseConvolutionAttributes(pad: [0, 0], stride: [1, 1], dilation: [1, 1], multiplier: 1))
  static let average = Op.averagePooling(PoolingAttributes(kernel: [3, 3], stride: [2, 2], pad: [0, 0], includingPad: true))
  static let maximum = Op.maxPooling(PoolingAttributes(kernel: [3, 3], stride: [2, 2], pad: [0, 0]))

  @Test func symmetricZeroPadFolds() throws {
    let cases: [(Op, [Int]?, [Int])] = [
      (Self.conv, [3, 2, 3, 3], [1, 2]), (Self.depthwise, [2, 3, 3], [1, 1]), (Self.average, nil, [1, 1]),
    ]
    for (op, weight, pad) in cases {
      let original = try Self.padThen(op, padWidth: [0, 0, 1, 1, 1, 1], weight: weight)
      let (rewritten, names) = PadFolding.fold(original)
      #expect(names == ["n0"])
      #expect(RewriteTestGraph.opNames(rewritten) == [op.typeName])
      switch rewritten.nodes[0].op {
      case .convolution(let a): #expect(a.pad == pad)
      case .depthwiseConvolution(let a): #expect(a.pad == pad)
      case .averagePooling(let a): #expect(a.pad == pad)
      default: Issue.record("unexpected \(rewritten.nodes[0].op)")
      }
      #expect(RewriteTestGraph.maxDifference(original, rewritten) <= 1e-6)
    }
  }

  @Test func maxPoolingFoldsOnlyAfterReLU() throws {
    let afterReLU = try Self.padThen(Self.maximum, padWidth: [1, 1, 1, 1], afterReLU: true)
    let (folded, names) = PadFolding.fold(afterReLU)
    #expect(names == ["n1"])
    #expect(RewriteTestGraph.opNames(folded) == ["ReLU", "MaxPooling"])
    #expect(RewriteTestGraph.maxDifference(afterReLU, folded) == 0)
    // Without the ReLU a padded 0 may be the maximum where the pooling's own pad is ignored.
    let signed = try Self.padThen(Self.maximum, padWidth: [1, 1, 1, 1])
    #expect(PadFolding.fold(signed).folded.isEmpty)
  }

  @Test func padsThatDifferStay() throws {
    let kept = [
      try Self.padThen(Self.conv, padWidth: [0, 1, 0, 1], weight: [3, 2, 3, 3]),  // asymmetric (the converter's SAME, stride 2)
      try Self.padThen(Self.conv, padWidth: [1, 1, 1, 1], value: 0.5, weight: [3, 2, 3, 3]),  // not zero
      try Self.padThen(Self.conv, padWidth: [1, 1, 0, 0, 0, 0], weight: [3, 4, 3, 3]),  // pads channels
      try Self.padThen(.averagePooling(PoolingAttributes(kernel: [3, 3], stride: [2, 2], pad: [0, 0], includingPad: false)), padWidth: [1, 1, 1, 1]),
    ]
    for original in kept {
      let (rewritten, names) = PadFolding.fold(original)
      #expect(names.isEmpty)
      #expect(RewriteTestGraph.opNames(rewritten).first == "Pad")
    }
  }
}
