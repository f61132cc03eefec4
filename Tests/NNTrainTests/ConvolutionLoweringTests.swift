import NNIR
import Testing
import _NNTestSupport
@testable import NNTrain

/// The per-sample convolution's two shortcuts give the very bits of the plain path: columns kept
/// from forward (or rebuilt in backward), and a reused column buffer full of stale values.
@Suite struct ConvolutionLoweringTests {
  /// (name, x shape, w shape, pad, stride, dilation, group, output shape)
  static let cases: [(String, [Int], [Int], [Int], [Int], [Int], Int, [Int])] = [
    ("padded_grouped_dilated", [3, 4, 6, 5], [4, 2, 2, 3], [1, 1], [2, 1], [2, 1], 2, [3, 4, 3, 5]),
    ("unpadded", [2, 1, 7, 6], [3, 1, 3, 3], [0, 0], [1, 1], [1, 1], 1, [2, 3, 5, 4]),
  ]

  @Test(arguments: cases)
  func keptRebuiltAndReusedColumnsAgree(_ c: (String, [Int], [Int], [Int], [Int], [Int], Int, [Int])) {
    let (_, xShape, wShape, pad, stride, dilation, group, outShape) = c
    var random = SeededRandom(seed: UInt64(xShape.reduce(1, *)))
    func tensor(_ shape: [Int]) -> FloatTensor {
      FloatTensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in random.float() })
    }
    let x = tensor(xShape), w = tensor(wShape), b = tensor([wShape[0]]), dy = tensor(outShape)
    let conv = LayerKernels.Conv(baseAxis: 1, pad: pad, stride: stride, dilation: dilation, group: group)

    var fresh: [Float] = []
    let y = LayerKernels.convolutionForward(x, w, b, conv, outShape: outShape, columns: &fresh)
    var stale = [Float](repeating: 7, count: fresh.count)
    let yReused = LayerKernels.convolutionForward(x, w, b, conv, outShape: outShape, columns: &stale)
    #expect(yReused.values == y.values)
    #expect(stale == fresh)

    let kept = LayerKernels.convolutionBackward(x, w, hasBias: true, dy, conv, columns: fresh)
    let rebuilt = LayerKernels.convolutionBackward(x, w, hasBias: true, dy, conv, columns: nil)
    #expect(kept.0.values == rebuilt.0.values)
    #expect(kept.1.values == rebuilt.1.values)
    #expect(kept.2?.values == rebuilt.2?.values)
    #expect(kept.0.values.contains { $0 != 0 })
  }
}
