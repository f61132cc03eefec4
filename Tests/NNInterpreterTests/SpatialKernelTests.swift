import Foundation
import NNIR
import Testing
import NNInterpreter
import _NNTestSupport

/// The spatial float kernels (Affine, Convolution, DepthwiseConvolution, Deconvolution, pooling,
/// BatchNormalization) against outputs computed by the real nnabla.
///
/// Cases come from `Tests/Fixtures/ops/make_spatial_op_fixtures.py` (nnabla 1.39): one `.bin` per
/// case holding the inputs then nnabla's output as little-endian float32, described by
/// `Tests/Fixtures/ops/spatial/manifest.json`.
@Suite struct SpatialKernelTests {
  struct Manifest: Decodable, Sendable {
    var nnabla: String
    var cases: [Case]
  }

  struct Case: Decodable, CustomTestStringConvertible, Sendable {
    struct Tensor: Decodable, Sendable {
      var name: String?
      var shape: [Int]
    }
    struct Attrs: Decodable, Sendable {
      var base_axis: Int?
      var pad: [Int]?
      var stride: [Int]?
      var dilation: [Int]?
      var group: Int?
      var multiplier: Int?
      var output_padding: [Int]?
      var kernel: [Int]?
      var ignore_border: Bool?
      var including_pad: Bool?
      var axes: [Int]?
      var eps: Double?
    }
    var name: String
    var op: String
    var attrs: Attrs
    var inputs: [Tensor]
    var output: Tensor
    var file: String
    var testDescription: String { name }
  }

  static let directory = "ops/spatial"

  static let manifest: Manifest? = {
    guard let data = try? Data(contentsOf: URL(fileURLWithPath: Fixtures.path("\(directory)/manifest.json"))) else {
      return nil
    }
    return try? JSONDecoder().decode(Manifest.self, from: data)
  }()

  static var cases: [Case] { manifest?.cases ?? [] }

  /// Inputs and nnabla's output of one case.
  static func load(_ c: Case) throws -> (inputs: [FloatTensor], expected: FloatTensor) {
    let floats = try Fixtures.floats("\(directory)/\(c.file)")
    var offset = 0
    func take(_ shape: [Int]) -> FloatTensor {
      let n = shape.reduce(1, *)
      defer { offset += n }
      return FloatTensor(shape: shape, values: Array(floats[offset..<(offset + n)]))
    }
    let inputs = c.inputs.map { take($0.shape) }
    let expected = take(c.output.shape)
    #expect(offset == floats.count, "\(c.name): file holds \(floats.count) floats, manifest \(offset)")
    return (inputs, expected)
  }

  /// Runs the case's op through FloatKernels.
  static func run(_ c: Case, _ x: [FloatTensor]) -> FloatTensor {
    let a = c.attrs
    let bias = x.count > 2 ? x[2] : nil
    switch c.op {
    case "affine":
      return FloatKernels.affine(x[0], weight: x[1], bias: bias, AffineAttributes(baseAxis: a.base_axis ?? 1))
    case "convolution":
      let attrs = ConvolutionAttributes(
        baseAxis: a.base_axis ?? 1, pad: a.pad!, stride: a.stride!, dilation: a.dilation!, group: a.group ?? 1)
      return FloatKernels.convolution(x[0], weight: x[1], bias: bias, attrs)
    case "depthwise_convolution":
      let attrs = DepthwiseConvolutionAttributes(
        baseAxis: a.base_axis ?? 1, pad: a.pad!, stride: a.stride!, dilation: a.dilation!,
        multiplier: a.multiplier ?? 1)
      return FloatKernels.depthwiseConvolution(x[0], weight: x[1], bias: bias, attrs)
    case "deconvolution":
      let attrs = DeconvolutionAttributes(
        baseAxis: a.base_axis ?? 1, pad: a.pad!, stride: a.stride!, dilation: a.dilation!, group: a.group ?? 1,
        outputPadding: a.output_padding!)
      return FloatKernels.deconvolution(x[0], weight: x[1], bias: bias, attrs)
    case "max_pooling", "average_pooling", "sum_pooling":
      let attrs = PoolingAttributes(
        kernel: a.kernel!, stride: a.stride!, ignoreBorder: a.ignore_border!, pad: a.pad!,
        includingPad: a.including_pad ?? true)
      switch c.op {
      case "max_pooling": return FloatKernels.maxPooling(x[0], attrs)
      case "average_pooling": return FloatKernels.averagePooling(x[0], attrs)
      default: return FloatKernels.sumPooling(x[0], attrs)
      }
    case "global_average_pooling":
      return FloatKernels.globalAveragePooling(x[0])
    case "batch_normalization":
      let attrs = BatchNormalizationAttributes(axes: a.axes ?? [1], eps: Float(a.eps ?? 1e-5))
      return FloatKernels.batchNormalization(x[0], beta: x[1], gamma: x[2], mean: x[3], variance: x[4], attrs)
    default:
      Issue.record("unknown op \(c.op) in \(c.name)")
      return FloatTensor(zeros: [0])
    }
  }

  @Test func manifestCoversEveryOp() throws {
    let m = try #require(Self.manifest, "missing or unreadable \(Self.directory)/manifest.json")
    let ops = Set(m.cases.map(\.op))
    #expect(
      ops == [
        "affine", "convolution", "depthwise_convolution", "deconvolution", "max_pooling", "average_pooling",
        "sum_pooling", "global_average_pooling", "batch_normalization",
      ])
    #expect(m.cases.count >= 40)
  }

  @Test(arguments: SpatialKernelTests.cases)
  func matchesNNabla(_ c: Case) throws {
    let (inputs, expected) = try Self.load(c)
    let y = Self.run(c, inputs)
    #expect(y.shape == expected.shape, "\(c.name): shape \(y.shape), nnabla \(expected.shape)")
    guard y.count == expected.count else { return }
    let lo = expected.values.min() ?? 0
    let hi = expected.values.max() ?? 0
    let range = max(hi - lo, expected.values.map(abs).max() ?? 0, 1e-6)
    var worst: Float = 0
    var worstIndex = 0
    for i in 0..<y.count {
      let d = abs(y.values[i] - expected.values[i])
      if !(d <= worst) { worst = d; worstIndex = i }  // also catches NaN
    }
    #expect(
      worst <= 1e-5 * range,
      "\(c.name): max |Δ| \(worst) at \(worstIndex) (got \(y.values[worstIndex]), nnabla \(expected.values[worstIndex])), range \(range)"
    )
  }

  /// Max pooling never takes a padded position: an all-negative input keeps negative outputs.
  @Test func maxPoolingPaddingNeverWins() {
    let x = FloatTensor(shape: [1, 1, 3, 3], values: (1...9).map { -Float($0) })
    let y = FloatKernels.maxPooling(x, PoolingAttributes(kernel: [2, 2], stride: [2, 2], ignoreBorder: false, pad: [1, 1]))
    // nnabla: out = (3 + 1 - 1) / 2 + 1 = 2 per axis; windows [-1,1) and [1,3).
    #expect(y.shape == [1, 1, 2, 2])
    #expect(y.values == [-1, -2, -4, -5])
  }

  /// The pooling output-size rule, checked against shapes printed by nnabla 1.39.
  @Test func poolingOutputSizeMatchesNNabla() {
    // (in, kernel, stride, pad, ignoreBorder) -> nnabla's output size
    let table: [(Int, Int, Int, Int, Bool, Int)] = [
      (5, 3, 2, 0, true, 2), (7, 3, 2, 0, true, 3), (5, 3, 2, 1, true, 3), (7, 3, 2, 1, true, 4),
      (5, 3, 2, 2, true, 4), (5, 3, 3, 2, true, 3), (5, 3, 2, 0, false, 3), (5, 3, 3, 0, false, 2),
      (7, 3, 2, 0, false, 4), (5, 3, 2, 1, false, 3), (7, 3, 2, 1, false, 4), (5, 3, 2, 2, false, 4),
      (5, 3, 3, 2, false, 3),
    ]
    for (i, k, s, p, ib, expected) in table {
      #expect(
        FloatKernels.poolingOutputSize(input: i, kernel: k, stride: s, pad: p, ignoreBorder: ib) == expected,
        "in \(i) k \(k) s \(s) p \(p) ignore_border \(ib)")
    }
  }

  /// A LeNet-sized stack runs in milliseconds (guards against an accidentally quadratic kernel).
  @Test func lenetSizedStackIsFast() {
    var rng = SystemRandomNumberGenerator()
    func random(_ shape: [Int]) -> FloatTensor {
      FloatTensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float.random(in: -1...1, using: &rng) })
    }
    let x = random([1, 1, 28, 28])
    let w1 = random([16, 1, 5, 5]), b1 = random([16])
    let w2 = random([32, 16, 5, 5]), b2 = random([32])
    let w3 = random([512, 10]), b3 = random([10])
    let pool = PoolingAttributes(kernel: [2, 2], stride: [2, 2], pad: [0, 0])
    let conv = ConvolutionAttributes(pad: [0, 0], stride: [1, 1], dilation: [1, 1])
    let start = ContinuousClock.now
    var y = FloatKernels.convolution(x, weight: w1, bias: b1, conv)  // [1,16,24,24]
    y = FloatKernels.maxPooling(y, pool)  // [1,16,12,12]
    y = FloatKernels.convolution(y, weight: w2, bias: b2, conv)  // [1,32,8,8]
    y = FloatKernels.maxPooling(y, pool)  // [1,32,4,4]
    y = FloatKernels.affine(y, weight: w3, bias: b3, AffineAttributes())
    let elapsed = ContinuousClock.now - start
    #expect(y.shape == [1, 10])
    // Generous: a debug build on a shared 2-core machine; release takes about a millisecond.
    #expect(elapsed < .seconds(2), "LeNet-sized stack took \(elapsed)")
  }
}
