import NNIR
@testable import NNPasses
import Testing

/// A Convolution with one group per input channel becomes a DepthwiseConvolution computing the
/// same (multipliers 1 and 2); other groupings stay.
@Suite struct GroupedConvolutionToDepthwiseTests {
  static func grouped(channels: Int, group: Int, outChannels: Int) throws -> ModelGraph {
    var g = RewriteTestGraph()
    let x = g.input([1, channels, 5, 5])
    let w = g.constant([outChannels, channels / group, 3, 3])
    let b = g.constant([outChannels])
    let y = try g.add(.convolution(ConvolutionAttributes(pad: [1, 1], stride: [2, 1], dilation: [1, 2], group: group)), [x, w, b])
    return g.graph(outputs: [y])
  }

  @Test(arguments: [1, 2])
  func oneGroupPerChannelIsDepthwise(multiplier: Int) throws {
    let original = try Self.grouped(channels: 3, group: 3, outChannels: 3 * multiplier)
    let (rewritten, names) = GroupedConvolutionToDepthwise.rewrite(original)
    #expect(names == ["n0"])
    #expect(
      rewritten.nodes.map(\.op) == [
        .depthwiseConvolution(DepthwiseConvolutionAttributes(pad: [1, 1], stride: [2, 1], dilation: [1, 2], multiplier: multiplier))
      ])
    #expect(rewritten.tensors[rewritten.nodes[0].inputs[1]].shape == [3 * multiplier, 3, 3])
    #expect(RewriteTestGraph.maxDifference(original, rewritten) <= 1e-6)
  }

  @Test func otherGroupingsStay() throws {
    let original = try Self.grouped(channels: 4, group: 2, outChannels: 4)
    #expect(GroupedConvolutionToDepthwise.rewrite(original).rewritten.isEmpty)
  }
}
