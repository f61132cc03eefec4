import Foundation
import NNCRuntime
import NNIR
import NNInterpreter
import Testing
import _NNTestSupport

/// The C element-wise and data-movement kernels (`runtime-c/include/nnc_pointwise.h`):
///   - every nnabla fixture of `Tests/Fixtures/ops/pointwise` (see `make_pointwise_op_fixtures.py`)
///     replayed through the C kernel, with the parameter structs filled the way the code generator
///     fills them (`Sources/NNCodegen/C/OpEmitters.swift`), against nnabla's output and bit for bit
///     against the Swift kernel (`FloatKernels`);
///   - deterministic random sweeps (shapes, broadcasting, permutations, slices with either step
///     sign, every pad mode, in-place calls) comparing C and Swift bit for bit.
/// The two sides are written operation for operation alike and call the same libm `expf` / `tanhf`,
/// so every result must be bit-identical (NaN matches NaN).
@Suite struct PointwiseCKernelTests {
  // MARK: - Fixtures

  struct Manifest: Decodable, Sendable {
    var cases: [Case]
  }

  struct Case: Decodable, CustomTestStringConvertible, Sendable {
    struct Tensor: Decodable, Sendable {
      var shape: [Int]
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

  // MARK: - Parameter structs, filled like OpEmitters does

  typealias Dims = (Int32, Int32, Int32, Int32, Int32, Int32)

  /// `dims(_:)` of the generator: the values, then zeros up to NNC_MAX_DIMS.
  static func dims(_ v: [Int]) -> Dims {
    precondition(v.count <= Int(NNC_MAX_DIMS), "rank \(v.count) > NNC_MAX_DIMS")
    var t: Dims = (0, 0, 0, 0, 0, 0)
    withUnsafeMutableBytes(of: &t) { raw in
      let p = raw.bindMemory(to: Int32.self)
      precondition(p.count == Int(NNC_MAX_DIMS))
      for (i, x) in v.enumerated() { p[i] = Int32(x) }
    }
    return t
  }

  /// The importer's axis rule (negative counts from the end); the generator sees it resolved.
  static func resolveAxis(_ axis: Int, rank: Int) -> Int { axis < 0 ? axis + rank : axis }

  /// As the generator: output rank and shape; each operand right-aligned to the output, with
  /// stride 0 where it is broadcast (NNIR's `broadcastStrides`).
  static func binaryParams(a: [Int], b: [Int], y: [Int]) -> nnc_binary_params {
    var p = nnc_binary_params()
    p.rank = Int32(y.count)
    p.shape = dims(y)
    p.a_strides = dims(broadcastStrides(a, to: y))
    p.b_strides = dims(broadcastStrides(b, to: y))
    return p
  }

  static func softmaxParams(x: [Int], axis: Int) -> nnc_softmax_params {
    var p = nnc_softmax_params()
    p.outer = Int32(x[..<axis].reduce(1, *))
    p.axis_size = Int32(x[axis])
    p.inner = Int32(x[(axis + 1)...].reduce(1, *))
    return p
  }

  /// One `nnc_concatenate_params` per input, in input order.
  static func concatenateParams(inputs: [[Int]], y: [Int], axis: Int) -> [nnc_concatenate_params] {
    var offset = 0
    let yInner = y[axis...].reduce(1, *)
    return inputs.map { xs in
      let xInner = xs[axis...].reduce(1, *)
      var p = nnc_concatenate_params()
      p.outer = Int32(y[..<axis].reduce(1, *))
      p.x_inner = Int32(xInner)
      p.y_inner = Int32(yInner)
      p.y_offset = Int32(offset)
      offset += xInner
      return p
    }
  }

  static func transposeParams(x: [Int], y: [Int], axes: [Int]) -> nnc_transpose_params {
    let strides = rowMajorStrides(x)
    var p = nnc_transpose_params()
    p.rank = Int32(x.count)
    p.y_shape = dims(y)
    p.x_strides = dims(axes.map { strides[$0] })
    return p
  }

  static func sliceParams(x: [Int], y: [Int], _ a: SliceAttributes) -> nnc_slice_params {
    var p = nnc_slice_params()
    p.rank = Int32(x.count)
    p.x_shape = dims(x)
    p.start = dims(a.start)
    p.step = dims(a.step)
    p.y_shape = dims(y)
    return p
  }

  static func padParams(x: [Int], _ a: PadAttributes) -> nnc_pad_params {
    let padded = a.padWidth.count / 2
    var before = [Int](repeating: 0, count: x.count)
    var after = before
    for i in 0..<padded {
      before[x.count - padded + i] = a.padWidth[2 * i]
      after[x.count - padded + i] = a.padWidth[2 * i + 1]
    }
    var p = nnc_pad_params()
    p.rank = Int32(x.count)
    p.x_shape = dims(x)
    p.pad_before = dims(before)
    p.pad_after = dims(after)
    switch a.mode {
    case .constant: p.mode = NNC_PAD_CONSTANT
    case .reflect: p.mode = NNC_PAD_REFLECT
    case .repeating: p.mode = NNC_PAD_REPEAT
    }
    p.constant_value = a.constantValue
    return p
  }

  // MARK: - Running one op through C

  enum Unary {
    case relu, relu6, leakyReLU(Float), elu(Float), sigmoid, tanh, swish, addScalar(Float), mulScalar(Float)

    /// `unary(...)` of the generator: `kernel(n, [extra,] x, y)`.
    func c(_ n: Int32, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
      switch self {
      case .relu: nnc_relu_f32(n, x, y)
      case .relu6: nnc_relu6_f32(n, x, y)
      case .leakyReLU(let alpha): nnc_leaky_relu_f32(n, alpha, x, y)
      case .elu(let alpha): nnc_elu_f32(n, alpha, x, y)
      case .sigmoid: nnc_sigmoid_f32(n, x, y)
      case .tanh: nnc_tanh_f32(n, x, y)
      case .swish: nnc_swish_f32(n, x, y)
      case .addScalar(let v): nnc_add_scalar_f32(n, v, x, y)
      case .mulScalar(let v): nnc_mul_scalar_f32(n, v, x, y)
      }
    }

    func swift(_ x: FloatTensor) -> FloatTensor {
      switch self {
      case .relu: FloatKernels.relu(x)
      case .relu6: FloatKernels.relu6(x)
      case .leakyReLU(let alpha): FloatKernels.leakyReLU(x, alpha: alpha)
      case .elu(let alpha): FloatKernels.elu(x, alpha: alpha)
      case .sigmoid: FloatKernels.sigmoid(x)
      case .tanh: FloatKernels.tanh(x)
      case .swish: FloatKernels.swish(x)
      case .addScalar(let v): FloatKernels.addScalar(x, value: Double(v))
      case .mulScalar(let v): FloatKernels.mulScalar(x, value: Double(v))
      }
    }
  }

  static func runUnary(_ op: Unary, _ x: [Float]) -> [Float] {
    var y = [Float](repeating: .nan, count: x.count)
    x.withUnsafeBufferPointer { xp in
      y.withUnsafeMutableBufferPointer { yp in op.c(Int32(x.count), xp.baseAddress!, yp.baseAddress!) }
    }
    return y
  }

  enum BinaryOp: CaseIterable {
    case add, sub, mul, div

    func c(_ p: inout nnc_binary_params, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
      switch self {
      case .add: nnc_add2_f32(&p, a, b, y)
      case .sub: nnc_sub2_f32(&p, a, b, y)
      case .mul: nnc_mul2_f32(&p, a, b, y)
      case .div: nnc_div2_f32(&p, a, b, y)
      }
    }

    func swift(_ a: FloatTensor, _ b: FloatTensor) -> FloatTensor {
      switch self {
      case .add: FloatKernels.add2(a, b)
      case .sub: FloatKernels.sub2(a, b)
      case .mul: FloatKernels.mul2(a, b)
      case .div: FloatKernels.div2(a, b)
      }
    }
  }

  static func runBinary(_ op: BinaryOp, _ a: FloatTensor, _ b: FloatTensor, y yShape: [Int]) -> [Float] {
    var p = binaryParams(a: a.shape, b: b.shape, y: yShape)
    var y = [Float](repeating: .nan, count: yShape.reduce(1, *))
    a.values.withUnsafeBufferPointer { ap in
      b.values.withUnsafeBufferPointer { bp in
        y.withUnsafeMutableBufferPointer { yp in
          guard let yb = yp.baseAddress else { return }
          op.c(&p, ap.baseAddress!, bp.baseAddress!, yb)
        }
      }
    }
    return y
  }

  static func runSoftmax(_ x: FloatTensor, axis: Int) -> [Float] {
    var p = softmaxParams(x: x.shape, axis: resolveAxis(axis, rank: x.shape.count))
    var y = [Float](repeating: .nan, count: x.count)
    nnc_softmax_f32(&p, x.values, &y)
    return y
  }

  static func runConcatenate(_ xs: [FloatTensor], axis: Int, y yShape: [Int]) -> [Float] {
    let axis = resolveAxis(axis, rank: yShape.count)
    var y = [Float](repeating: .nan, count: yShape.reduce(1, *))
    for (k, var p) in concatenateParams(inputs: xs.map(\.shape), y: yShape, axis: axis).enumerated() {
      nnc_concatenate_f32(&p, xs[k].values, &y)
    }
    return y
  }

  /// Runs a data-movement kernel whose output may be empty (C writes nothing then).
  static func withOutput(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
    var y = [Float](repeating: .nan, count: max(count, 1))
    y.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    return count == 0 ? [] : y
  }

  static func runTranspose(_ x: FloatTensor, axes: [Int]) -> [Float] {
    let yShape = axes.map { x.shape[$0] }
    var p = transposeParams(x: x.shape, y: yShape, axes: axes)
    return withOutput(yShape.reduce(1, *)) { nnc_transpose_f32(&p, x.values, $0) }
  }

  static func runSlice(_ x: FloatTensor, _ a: SliceAttributes) -> [Float] {
    let yShape = x.shape.indices.map { FloatKernels.sliceCount(start: a.start[$0], stop: a.stop[$0], step: a.step[$0]) }
    var p = sliceParams(x: x.shape, y: yShape, a)
    return withOutput(yShape.reduce(1, *)) { nnc_slice_f32(&p, x.values, $0) }
  }

  static func runPad(_ x: FloatTensor, _ a: PadAttributes) -> [Float] {
    var p = padParams(x: x.shape, a)
    let lead = x.shape.count - a.padWidth.count / 2
    let yShape = x.shape.indices.map { d in
      d < lead ? x.shape[d] : x.shape[d] + a.padWidth[2 * (d - lead)] + a.padWidth[2 * (d - lead) + 1]
    }
    let count = yShape.reduce(1, *)
    return withOutput(count) { nnc_pad_f32(&p, x.values, $0) }
  }

  // MARK: - Comparison

  /// Expects `c` to equal `expected` bit for bit (NaN matches any NaN); `tolerance` > 0 allows that
  /// relative difference per element instead (for nnabla's libm-backed results).
  static func expectSame(_ c: [Float], _ expected: [Float], _ label: String, tolerance: Float = 0) {
    #expect(c.count == expected.count, "\(label): \(c.count) values, expected \(expected.count)")
    guard c.count == expected.count else { return }
    for i in c.indices {
      let (g, e) = (c[i], expected[i])
      if g.bitPattern == e.bitPattern || (g.isNaN && e.isNaN) { continue }
      if tolerance > 0, g.isFinite, e.isFinite, e != 0, abs(g - e) <= tolerance * abs(e) { continue }
      Issue.record("\(label): first difference at \(i): got \(g), expected \(e)")
      return
    }
  }

  // MARK: - Fixture replay

  @Test func fixturesArePresent() throws {
    let m = try #require(Self.manifest, "missing or unreadable \(Self.directory)/manifest.json")
    #expect(m.cases.count >= 100)
  }

  /// Each nnabla case through the C kernel: bit-identical to FloatKernels and equal to nnabla
  /// (bit for bit, or within 1e-6 relative for the libm-backed ops).
  @Test(arguments: PointwiseCKernelTests.cases)
  func fixtureMatchesSwiftAndNNabla(_ c: Case) throws {
    let (x, expected) = try Self.load(c)
    let a = c.attrs
    func unary(_ op: Unary) -> (FloatTensor, [Float]) { (op.swift(x[0]), Self.runUnary(op, x[0].values)) }
    func binary(_ op: BinaryOp) -> (FloatTensor, [Float]) {
      let swift = op.swift(x[0], x[1])
      return (swift, Self.runBinary(op, x[0], x[1], y: swift.shape))
    }
    let swift: FloatTensor
    let out: [Float]
    switch c.op {
    case "relu": (swift, out) = unary(.relu)
    case "relu6": (swift, out) = unary(.relu6)
    // The importer and generator hold these as Float (`CNames.float(alpha)`), like nnabla's (T)a0.
    case "leaky_relu": (swift, out) = unary(.leakyReLU(Float(a.alpha!)))
    case "elu": (swift, out) = unary(.elu(Float(a.alpha!)))
    case "sigmoid": (swift, out) = unary(.sigmoid)
    case "tanh": (swift, out) = unary(.tanh)
    case "swish": (swift, out) = unary(.swish)
    // The generator passes (float)val.
    case "add_scalar":
      swift = FloatKernels.addScalar(x[0], value: a.val!)
      out = Self.runUnary(.addScalar(Float(a.val!)), x[0].values)
    case "mul_scalar":
      swift = FloatKernels.mulScalar(x[0], value: a.val!)
      out = Self.runUnary(.mulScalar(Float(a.val!)), x[0].values)
    case "softmax":
      swift = FloatKernels.softmax(x[0], axis: a.axis!)
      out = Self.runSoftmax(x[0], axis: a.axis!)
    case "add2": (swift, out) = binary(.add)
    case "sub2": (swift, out) = binary(.sub)
    case "mul2": (swift, out) = binary(.mul)
    case "div2": (swift, out) = binary(.div)
    case "concatenate":
      swift = FloatKernels.concatenate(x, axis: a.axis!)
      out = Self.runConcatenate(x, axis: a.axis!, y: swift.shape)
    case "transpose":
      swift = FloatKernels.transpose(x[0], axes: a.axes!)
      out = Self.runTranspose(x[0], axes: a.axes!)
    case "slice":
      let r = a.resolved!
      let attrs = SliceAttributes(start: r.start, stop: r.stop, step: r.step)
      swift = FloatKernels.slice(x[0], attrs)
      out = Self.runSlice(x[0], attrs)
    case "pad":
      let attrs = PadAttributes(
        padWidth: a.pad_width!, mode: PadAttributes.Mode(rawValue: a.mode!)!,
        constantValue: Float(a.constant_value ?? 0))
      swift = FloatKernels.pad(x[0], attrs)
      out = Self.runPad(x[0], attrs)
    default:
      Issue.record("unknown op \(c.op) in \(c.name)")
      return
    }
    #expect(swift.shape == expected.shape, "\(c.name): Swift shape \(swift.shape), nnabla \(expected.shape)")
    Self.expectSame(out, swift.values, "\(c.name): C vs Swift")
    Self.expectSame(out, expected.values, "\(c.name): C vs nnabla", tolerance: c.isExact ? 0 : 1e-6)
  }

  // MARK: - Random sweeps (C vs Swift, bit for bit)

  /// SplitMix64: a small deterministic generator so every run sees the same sweep.
  struct Rng {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int {
      range.lowerBound + Int(next() % UInt64(range.count))
    }
    mutating func bool() -> Bool { next() & 1 == 1 }
    mutating func float(scale: Float = 1) -> Float { (Float(next() >> 40) / Float(1 << 24) * 2 - 1) * scale }
    mutating func tensor(_ shape: [Int], scale: Float = 1) -> FloatTensor {
      FloatTensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in float(scale: scale) })
    }
    mutating func pick<T>(_ xs: [T]) -> T { xs[int(0...(xs.count - 1))] }
    mutating func shuffled(_ n: Int) -> [Int] {
      var a = Array(0..<n)
      for i in stride(from: n - 1, to: 0, by: -1) { a.swapAt(i, int(0...i)) }
      return a
    }
  }

  /// Every activation over a wide spread of floats: random bit patterns (all exponents, NaNs,
  /// infinities, subnormals), a dense sweep of [-30, 30] and the exp overflow/underflow edges.
  @Test func activationsOverManyFloats() {
    var rng = Rng(state: 11)
    var values = (0..<20_000).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: rng.next())) }
    values += (0...12_000).map { Float($0) / 200 - 30 }
    values += [-104, -103.97, -88.73, -88.72, -87.33, 88.72, 88.73, 89, -0.0, 0, .leastNonzeroMagnitude]
    let x = FloatTensor(shape: [values.count], values: values)
    let ops: [(Unary, String)] = [
      (.relu, "relu"), (.relu6, "relu6"), (.leakyReLU(0.1), "leaky 0.1"), (.leakyReLU(0.2), "leaky 0.2"),
      (.elu(1.0), "elu 1"), (.elu(0.5), "elu 0.5"), (.elu(0.3), "elu 0.3"), (.sigmoid, "sigmoid"),
      (.tanh, "tanh"), (.swish, "swish"), (.addScalar(Float(1.0 / 255.0)), "add 1/255"),
      (.mulScalar(Float(1.0 / 255.0)), "mul 1/255"), (.mulScalar(-3.1), "mul -3.1"),
    ]
    for (op, label) in ops {
      Self.expectSame(Self.runUnary(op, values), op.swift(x).values, label)
      // In place: y == x.
      var inPlace = values
      inPlace.withUnsafeMutableBufferPointer { buf in op.c(Int32(buf.count), buf.baseAddress!, buf.baseAddress!) }
      Self.expectSame(inPlace, op.swift(x).values, "\(label) in place")
    }
  }

  @Test func softmaxSweep() {
    var rng = Rng(state: 12)
    for trial in 0..<80 {
      let rank = rng.int(1...4)
      let shape = (0..<rank).map { _ in rng.int(1...6) }
      let axis = rng.int(-rank...(rank - 1))
      let x = rng.tensor(shape, scale: rng.pick([1, 5, 40]))
      let swift = FloatKernels.softmax(x, axis: axis)
      Self.expectSame(Self.runSoftmax(x, axis: axis), swift.values, "softmax #\(trial) x\(shape) axis \(axis)")
      // In place.
      var p = Self.softmaxParams(x: shape, axis: Self.resolveAxis(axis, rank: rank))
      var inPlace = x.values
      inPlace.withUnsafeMutableBufferPointer { nnc_softmax_f32(&p, $0.baseAddress, $0.baseAddress) }
      Self.expectSame(inPlace, swift.values, "softmax in place #\(trial)")
    }
  }

  /// Random broadcasting pairs up to rank 6: either side may lack leading axes or have size-1 axes.
  @Test func binarySweep() {
    var rng = Rng(state: 13)
    for trial in 0..<200 {
      let rank = rng.int(0...6)
      let out = (0..<rank).map { _ in rng.int(1...4) }
      func operand() -> [Int] {
        let drop = rng.int(0...rank)
        return out.dropFirst(drop).map { rng.int(0...2) == 0 ? 1 : $0 }
      }
      var sa = operand(), sb = operand()
      if rng.bool() { sa = out }
      let a = rng.tensor(sa, scale: 4)
      var b = rng.tensor(sb, scale: 4)
      b.values = b.values.map { $0 == 0 ? 1 : $0 }
      for op in BinaryOp.allCases {
        let swift = op.swift(a, b)
        let label = "\(op) #\(trial) a\(sa) b\(sb)"
        Self.expectSame(Self.runBinary(op, a, b, y: swift.shape), swift.values, label)
        // In place y == a when a is not broadcast (the header's condition).
        if sa == swift.shape {
          var p = Self.binaryParams(a: sa, b: sb, y: swift.shape)
          var y = a.values
          b.values.withUnsafeBufferPointer { bp in
            y.withUnsafeMutableBufferPointer { yp in op.c(&p, yp.baseAddress!, bp.baseAddress!, yp.baseAddress!) }
          }
          Self.expectSame(y, swift.values, label + " in place")
        }
      }
    }
  }

  @Test func concatenateSweep() {
    var rng = Rng(state: 14)
    for trial in 0..<80 {
      let rank = rng.int(1...5)
      let base = (0..<rank).map { _ in rng.int(1...4) }
      let axis = rng.int(0...(rank - 1))
      let xs = (0..<rng.int(1...4)).map { _ -> FloatTensor in
        var s = base
        s[axis] = rng.int(1...4)
        return rng.tensor(s)
      }
      let negative = rng.bool()
      let given = negative ? axis - rank : axis
      let swift = FloatKernels.concatenate(xs, axis: given)
      Self.expectSame(
        Self.runConcatenate(xs, axis: given, y: swift.shape), swift.values,
        "concat #\(trial) \(xs.map(\.shape)) axis \(given)")
    }
  }

  @Test func transposeSweep() {
    var rng = Rng(state: 15)
    for trial in 0..<150 {
      let rank = rng.int(1...6)
      let shape = (0..<rank).map { _ in rng.int(1...4) }
      let axes = rng.shuffled(rank)
      let x = rng.tensor(shape)
      let swift = FloatKernels.transpose(x, axes: axes)
      #expect(swift.shape == axes.map { shape[$0] })
      Self.expectSame(Self.runTranspose(x, axes: axes), swift.values, "transpose #\(trial) x\(shape) axes \(axes)")
    }
  }

  /// Random Python-style slices resolved like the fixture generator (`slice.indices(n)`),
  /// including negative steps, stops of -1 and empty results.
  @Test func sliceSweep() {
    var rng = Rng(state: 16)
    for trial in 0..<200 {
      let rank = rng.int(1...6)
      let shape = (0..<rank).map { _ in rng.int(1...6) }
      var start: [Int] = [], stop: [Int] = [], step: [Int] = []
      for n in shape {
        let s = rng.pick([1, 1, 2, 3, -1, -2, -3])
        var a = rng.int(-n...(n + 1)), b = rng.int((-n - 2)...(n + 1))
        // Python's slice.indices(n).
        if s > 0 {
          a = a < 0 ? max(a + n, 0) : min(a, n)
          b = b < 0 ? max(b + n, 0) : min(b, n)
        } else {
          a = a < 0 ? max(a + n, -1) : min(a, n - 1)
          b = b < 0 ? max(b + n, -1) : min(b, n - 1)
        }
        start.append(a); stop.append(b); step.append(s)
      }
      let attrs = SliceAttributes(start: start, stop: stop, step: step)
      let x = rng.tensor(shape)
      let swift = FloatKernels.slice(x, attrs)
      // Reference by index arithmetic.
      let counts = shape.indices.map { FloatKernels.sliceCount(start: start[$0], stop: stop[$0], step: step[$0]) }
      #expect(swift.shape == counts)
      Self.expectSame(Self.runSlice(x, attrs), swift.values, "slice #\(trial) x\(shape) \(start):\(stop):\(step)")
    }
  }

  /// All pad modes on the trailing 1…rank axes, with widths up to 3× the axis (reflect bounces).
  @Test func padSweep() {
    var rng = Rng(state: 17)
    for trial in 0..<200 {
      let rank = rng.int(1...5)
      let shape = (0..<rank).map { _ in rng.int(1...5) }
      let padded = rng.int(1...rank)
      let width = shape.suffix(padded).flatMap { n in [rng.int(0...(3 * n)), rng.int(0...(3 * n))] }
      let mode = rng.pick([PadAttributes.Mode.constant, .reflect, .repeating])
      let attrs = PadAttributes(padWidth: width, mode: mode, constantValue: rng.float(scale: 3))
      let x = rng.tensor(shape)
      let swift = FloatKernels.pad(x, attrs)
      Self.expectSame(Self.runPad(x, attrs), swift.values, "pad #\(trial) x\(shape) \(attrs)")
    }
  }

  /// Reflect with a pad wider than the axis bounces back and forth (nnabla 1.39:
  /// `F.pad([0,1,2,3], (5,6), "reflect")` = `[1,2,3,2,1, 0,1,2,3, 2,1,0,1,2,3]`).
  @Test func reflectBouncesLikeNNabla() {
    let x = FloatTensor(shape: [4], values: [0, 1, 2, 3])
    let attrs = PadAttributes(padWidth: [5, 6], mode: .reflect)
    let expected: [Float] = [1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1, 2, 3]
    #expect(FloatKernels.pad(x, attrs).values == expected)
    #expect(Self.runPad(x, attrs) == expected)
  }
}
