import Foundation
import NNIR
import Testing
import NNInterpreter
import _NNTestSupport

/// The element-wise and data-movement float kernels (activations, Softmax, Add2/Sub2/Mul2/Div2,
/// AddScalar/MulScalar, Concatenate, Transpose, Slice, Pad) against outputs computed by the real
/// nnabla.
///
/// Cases come from `Tests/Fixtures/ops/make_pointwise_op_fixtures.py` (nnabla 1.39): one `.bin` per
/// case holding the inputs then nnabla's output as little-endian float32, described by
/// `Tests/Fixtures/ops/pointwise/manifest.json`.
///
/// Tolerance: ops built from IEEE basic operations and copies (ReLU, ReLU6, LeakyReLU, the binary
/// and scalar arithmetic, and all data movement) must match nnabla bit for bit (NaN matches NaN);
/// the libm-backed ones (ELU, Sigmoid, Tanh, Swish, Softmax) within 1e-6 relative per element.
@Suite struct PointwiseKernelTests {
  struct Manifest: Decodable, Sendable {
    var nnabla: String
    var cases: [Case]
  }

  struct Case: Decodable, CustomTestStringConvertible, Sendable {
    struct Tensor: Decodable, Sendable {
      var name: String?
      var shape: [Int]
      /// The rank-aligned shape nnabla was given when it differs (numpy-style rank broadcasting).
      var nnabla_shape: [Int]?
    }
    struct ResolvedSlice: Decodable, Sendable {
      var start: [Int]
      var stop: [Int]
      var step: [Int]
    }
    struct Attrs: Decodable, Sendable {
      var alpha: Double?
      var axis: Int?
      var val: Double?
      var axes: [Int]?
      var start: [Int]?
      var stop: [Int]?
      var step: [Int]?
      var resolved: ResolvedSlice?
      var pad_width: [Int]?
      var mode: String?
      var constant_value: Double?
    }
    var name: String
    var op: String
    var attrs: Attrs
    var inputs: [Tensor]
    var output: Tensor
    var file: String
    var testDescription: String { name }

    /// The ops whose result is a chain of correctly rounded IEEE operations or a copy: nnabla's
    /// output is reproduced bit for bit.
    var isExact: Bool { !["elu", "sigmoid", "tanh", "swish", "softmax"].contains(op) }
  }

  static let directory = "ops/pointwise"

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

  static func padMode(_ name: String?) -> PadAttributes.Mode {
    guard let name, let mode = PadAttributes.Mode(rawValue: name) else {
      Issue.record("unknown pad mode \(name ?? "nil")")
      return .constant
    }
    return mode
  }

  /// Runs the case's op through FloatKernels.
  static func run(_ c: Case, _ x: [FloatTensor]) -> FloatTensor {
    let a = c.attrs
    switch c.op {
    case "relu": return FloatKernels.relu(x[0])
    case "relu6": return FloatKernels.relu6(x[0])
    case "leaky_relu": return FloatKernels.leakyReLU(x[0], alpha: Float(a.alpha!))
    case "elu": return FloatKernels.elu(x[0], alpha: Float(a.alpha!))
    case "sigmoid": return FloatKernels.sigmoid(x[0])
    case "tanh": return FloatKernels.tanh(x[0])
    case "swish": return FloatKernels.swish(x[0])
    case "softmax": return FloatKernels.softmax(x[0], axis: a.axis!)
    case "add2": return FloatKernels.add2(x[0], x[1])
    case "sub2": return FloatKernels.sub2(x[0], x[1])
    case "mul2": return FloatKernels.mul2(x[0], x[1])
    case "div2": return FloatKernels.div2(x[0], x[1])
    case "add_scalar": return FloatKernels.addScalar(x[0], value: a.val!)
    case "mul_scalar": return FloatKernels.mulScalar(x[0], value: a.val!)
    case "concatenate": return FloatKernels.concatenate(x, axis: a.axis!)
    case "transpose": return FloatKernels.transpose(x[0], axes: a.axes!)
    case "slice":
      let r = a.resolved!
      return FloatKernels.slice(x[0], SliceAttributes(start: r.start, stop: r.stop, step: r.step))
    case "pad":
      return FloatKernels.pad(
        x[0],
        PadAttributes(padWidth: a.pad_width!, mode: padMode(a.mode), constantValue: Float(a.constant_value ?? 0)))
    default:
      Issue.record("unknown op \(c.op) in \(c.name)")
      return FloatTensor(zeros: [0])
    }
  }

  /// The worst per-element disagreement: `nil` when every element is bit-identical (NaN == NaN),
  /// otherwise the largest `|Δ| / |nnabla|` (infinite when a NaN, an infinity or a sign of zero
  /// disagrees) and its index.
  static func compare(_ y: [Float], _ expected: [Float]) -> (relative: Float, index: Int)? {
    var worst: (relative: Float, index: Int)?
    for i in expected.indices {
      let (g, e) = (y[i], expected[i])
      if g.bitPattern == e.bitPattern || (g.isNaN && e.isNaN) { continue }
      let rel: Float = (g.isFinite && e.isFinite && e != 0) ? abs(g - e) / abs(e) : .infinity
      if worst == nil || rel > worst!.relative { worst = (rel, i) }
    }
    return worst
  }

  @Test func manifestCoversEveryOp() throws {
    let m = try #require(Self.manifest, "missing or unreadable \(Self.directory)/manifest.json")
    let ops = Set(m.cases.map(\.op))
    #expect(
      ops == [
        "relu", "relu6", "leaky_relu", "elu", "sigmoid", "tanh", "swish", "softmax", "add2", "sub2", "mul2",
        "div2", "add_scalar", "mul_scalar", "concatenate", "transpose", "slice", "pad",
      ])
    #expect(m.cases.count >= 100)
    // The pad modes and the slice directions the brief asks for are all present.
    let padModes = Set(m.cases.filter { $0.op == "pad" }.compactMap(\.attrs.mode))
    #expect(padModes == ["constant", "reflect", "repeat"])
    #expect(m.cases.contains { $0.op == "slice" && ($0.attrs.resolved?.step.contains { $0 < 0 } ?? false) })
  }

  @Test(arguments: PointwiseKernelTests.cases)
  func matchesNNabla(_ c: Case) throws {
    let (inputs, expected) = try Self.load(c)
    let y = Self.run(c, inputs)
    #expect(y.shape == expected.shape, "\(c.name): shape \(y.shape), nnabla \(expected.shape)")
    guard y.count == expected.count else { return }
    guard let worst = Self.compare(y.values, expected.values) else { return }  // bit-identical
    let i = worst.index
    let detail = "\(c.name): at \(i) got \(y.values[i]), nnabla \(expected.values[i]) (relative \(worst.relative))"
    if c.isExact {
      Issue.record("not bit-identical to nnabla: \(detail)")
    } else {
      #expect(worst.relative <= 1e-6, "\(detail)")
    }
  }

  // MARK: - Properties the fixtures do not spell out

  /// numpy broadcasting: `[2,3,4] + [3,1]` equals `[2,3,4] + [1,3,1]` and, with the operands
  /// swapped for the non-commutative ops, the mirrored result.
  @Test func rankBroadcastingEqualsAlignedShape() {
    let a = FloatTensor(shape: [2, 3, 4], values: (0..<24).map { Float($0) * 0.5 - 3 })
    let b = FloatTensor(shape: [3, 1], values: [1.5, -2, 4])
    let b3 = FloatTensor(shape: [1, 3, 1], values: b.values)
    #expect(FloatKernels.sub2(a, b) == FloatKernels.sub2(a, b3))
    #expect(FloatKernels.div2(b, a).shape == [2, 3, 4])
    #expect(FloatKernels.div2(b, a) == FloatKernels.div2(b3, a))
    #expect(FloatKernels.broadcastShape([2, 3, 4], [3, 1]) == [2, 3, 4])
    #expect(FloatKernels.broadcastShape([2, 3, 4], [2, 1]) == nil)
    #expect(broadcastStrides([3, 1], to: [2, 3, 4]) == [0, 1, 0])
  }

  /// The slice count rule for both step signs (Python's `len(range(start, stop, step))`).
  @Test func sliceCountMatchesPythonRange() {
    for start in -1...7 {
      for stop in -1...7 {
        for step in [-3, -2, -1, 1, 2, 3] {
          let python = Array(Swift.stride(from: start, to: stop, by: step)).count
          #expect(FloatKernels.sliceCount(start: start, stop: stop, step: step) == python, "[\(start):\(stop):\(step)]")
        }
      }
    }
  }

  /// AddScalar / MulScalar cast the double attribute to float before the float operation
  /// (`x + (T)val`), which differs from rounding the double result for some inputs.
  @Test func scalarOpsCastTheAttributeFirst() {
    let value = 1.0 / 255.0
    let xs: [Float] = (0..<256).map { Float($0) }
    let y = FloatKernels.mulScalar(FloatTensor(shape: [256], values: xs), value: value)
    for i in xs.indices {
      #expect(y.values[i].bitPattern == (xs[i] * Float(value)).bitPattern)
    }
  }
}
