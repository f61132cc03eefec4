import NNIR
import Testing

@Suite struct ShapeInferenceTests {
  func shape(_ op: Op, _ inputs: [[Int]]) throws -> [Int] {
    try ShapeInference.outputShape(of: op, inputs: inputs)
  }

  @Test func convolution_padStrideDilationGroup() throws {
    let a = ConvolutionAttributes(pad: [1, 2], stride: [2, 1], dilation: [1, 2], group: 2)
    // H: (9 + 2 - 3) / 2 + 1 = 5; W: (10 + 4 - 5) / 1 + 1 = 10
    #expect(try shape(.convolution(a), [[1, 4, 9, 10], [6, 2, 3, 3], [6]]) == [1, 6, 5, 10])
  }

  @Test func convolution_wrongGroupChannels_throws() {
    let a = ConvolutionAttributes(pad: [0, 0], stride: [1, 1], dilation: [1, 1], group: 1)
    #expect(throws: ShapeError.self) { try shape(.convolution(a), [[1, 4, 9, 9], [6, 3, 3, 3]]) }
  }

  @Test func affine_flattensFromBaseAxis() throws {
    #expect(try shape(.affine(AffineAttributes(baseAxis: 1)), [[1, 16, 4, 4], [256, 10], [10]]) == [1, 10])
    #expect(try shape(.affine(AffineAttributes(baseAxis: 2)), [[1, 3, 5], [5, 7]]) == [1, 3, 7])
  }

  @Test func pooling_ignoreBorderFalseKeepsPartialWindow() throws {
    let a = PoolingAttributes(kernel: [2, 2], stride: [2, 2], ignoreBorder: false, pad: [0, 0])
    #expect(try shape(.maxPooling(a), [[1, 3, 5, 5]]) == [1, 3, 3, 3])
    let b = PoolingAttributes(kernel: [2, 2], stride: [2, 2], ignoreBorder: true, pad: [0, 0])
    #expect(try shape(.maxPooling(b), [[1, 3, 5, 5]]) == [1, 3, 2, 2])
  }

  @Test func pooling_ignoreBorderFalseCountsPadOnce() throws {
    // nnabla: (in + pad - 1) / stride + 1, not (in + 2*pad - 1) / stride + 1.
    let a = PoolingAttributes(kernel: [3, 3], stride: [2, 2], ignoreBorder: false, pad: [1, 1])
    #expect(try shape(.maxPooling(a), [[1, 1, 6, 7]]) == [1, 1, 4, 4])
  }

  @Test func slice_negativeStepWalksBackwards() throws {
    // x[9::-3] on 10 elements: 9, 6, 3, 0.
    let a = SliceAttributes(start: [0, 9], stop: [2, -1], step: [1, -3])
    #expect(try shape(.slice(a), [[2, 10]]) == [2, 4])
    #expect(throws: ShapeError.self) { try shape(.slice(SliceAttributes(start: [0], stop: [1], step: [0])), [[3]]) }
  }

  @Test func pad_reflectMayBeWiderThanTheAxis() throws {
    // nnabla bounces: pad([0,1,2,3], (5,6), "reflect") has 15 elements.
    #expect(try shape(.pad(PadAttributes(padWidth: [5, 6], mode: .reflect)), [[4]]) == [15])
  }

  @Test func deconvolution_outputSize() throws {
    let a = DeconvolutionAttributes(pad: [1, 1], stride: [2, 2], dilation: [1, 1], group: 1, outputPadding: [1, 0])
    // (4 - 1) * 2 - 2 + 3 = 7, + output padding
    #expect(try shape(.deconvolution(a), [[1, 3, 4, 4], [3, 5, 3, 3]]) == [1, 5, 8, 7])
  }

  @Test func broadcast_numpyRules() throws {
    #expect(try shape(.add2, [[2, 1, 4], [3, 1]]) == [2, 3, 4])
    #expect(throws: ShapeError.self) { try shape(.mul2, [[2, 3], [4, 3]]) }
  }

  @Test func reshape_mustKeepElementCount() throws {
    #expect(try shape(.reshape(shape: [1, 12]), [[1, 3, 4]]) == [1, 12])
    #expect(throws: ShapeError.self) { try shape(.reshape(shape: [1, 13]), [[1, 3, 4]]) }
  }

  @Test func sliceConcatTransposePad() throws {
    #expect(try shape(.slice(SliceAttributes(start: [0, 1, 0], stop: [1, 7, 5], step: [1, 2, 1])), [[1, 8, 5]]) == [1, 3, 5])
    #expect(try shape(.concatenate(axis: 1), [[1, 2, 3], [1, 4, 3], [1, 1, 3]]) == [1, 7, 3])
    #expect(try shape(.transpose(axes: [0, 2, 1]), [[1, 2, 3]]) == [1, 3, 2])
    #expect(try shape(.pad(PadAttributes(padWidth: [1, 2, 0, 3])), [[1, 2, 3, 4]]) == [1, 2, 6, 7])
  }

  @Test func elementCountLimit_rejectsHugeShapes() {
    #expect(throws: ShapeError.self) { try ShapeLimits.elementCount([1, 1 << 40]) }
    #expect(throws: ShapeError.self) { try ShapeLimits.elementCount([Int.max, 2]) }
  }
}
