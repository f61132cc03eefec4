import NNFunctions
import NNIR
import Testing
import _NNTestSupport
@testable import NNTrain

/// The shape functions' backward rules (Sources/NNFunctions/Shape) against central finite
/// differences, through the trainer: `loss = Σ_k mean((y_k − t_k)²)` over every output of one
/// function node, so Split's several outputs each send their gradient back. Tolerances as in
/// `GradientCheckTests`.
@Suite struct ShapeGradientCheckTests {
  struct Case: CustomStringConvertible {
    var name: String
    var function: any NNFunction
    var x: [Int]
    var params: [[Int]] = []
    /// Embed: x holds indices (integers in 0..<xMax), no gradient flows to it.
    var indexInput: Int? = nil
    var description: String { name }
  }

  static let cases: [Case] = [
    Case(name: "Unpooling", function: Unpooling(kernel: [2, 3]), x: [2, 2, 2, 3]),
    Case(name: "Split", function: Split(axis: 1), x: [2, 3, 4]),
    Case(name: "Stack", function: Stack(axis: 1), x: [2, 3, 2], params: [[2, 3, 2]]),
    Case(name: "Flip", function: Flip(axes: [1, 2]), x: [2, 3, 4]),
    Case(name: "ShiftReflect", function: try! Shift(shifts: [2, -1], borderMode: "reflect"), x: [2, 3, 4]),
    Case(name: "ShiftNearest", function: try! Shift(shifts: [1, -2], borderMode: "nearest"), x: [2, 3, 4]),
    Case(name: "Broadcast", function: Broadcast(shape: [2, 3, 4]), x: [2, 1, 4]),
    Case(name: "Tile", function: Tile(reps: [2, 1, 3]), x: [2, 2, 3]),
    Case(name: "MatrixDiagPart", function: MatrixDiagPart(), x: [2, 3, 3]),
    Case(name: "MatrixDiag", function: MatrixDiag(), x: [2, 3]),
    Case(name: "Embed", function: Embed(), x: [2, 3], params: [[5, 2]], indexInput: 5),
    Case(name: "InterpolateLinear", function: try! Interpolate(outputSize: [5, 3], mode: "linear"), x: [2, 1, 3, 4]),
    Case(name: "InterpolateLinearHalfPixel", function: try! Interpolate(outputSize: [7], mode: "linear", halfPixel: true), x: [2, 2, 4]),
    Case(name: "InterpolateNearest", function: try! Interpolate(outputSize: [5, 6], mode: "nearest"), x: [2, 1, 3, 4]),
  ]

  @Test(arguments: cases)
  func backwardMatchesFiniteDifferences(_ c: Case) throws {
    #expect(c.function.isTrainable)
    var random = SeededRandom(seed: 77)
    var tensors = [TensorInfo(name: "x", shape: c.x)]
    for (i, shape) in c.params.enumerated() {
      let values = (0..<shape.reduce(1, *)).map { _ in random.float() }
      tensors.append(TensorInfo(name: "p\(i)", shape: shape, data: FloatTensor(shape: shape, values: values)))
    }
    let op = Op.function(FunctionCall(c.function))
    let outShapes = try ShapeInference.outputShapes(of: op, inputs: tensors.map(\.shape))
    let inputs = Array(tensors.indices)
    let outputs = outShapes.indices.map { tensors.count + $0 }
    for (k, s) in outShapes.enumerated() { tensors.append(TensorInfo(name: "y\(k)", shape: s)) }
    let labels = outShapes.indices.map { tensors.count + $0 }
    for (k, s) in outShapes.enumerated() { tensors.append(TensorInfo(name: "t\(k)", shape: s)) }
    let graph = ModelGraph(
      name: c.name, tensors: tensors, nodes: [Node(name: "op", op: op, inputs: inputs, outputs: outputs)],
      inputs: [0], outputs: outputs)
    let losses = zip(outputs, labels).map { LossTerm(name: "loss\($0.0)", function: .squaredError, prediction: $0.0, label: $0.1) }
    var trainer = try Trainer(graph: TrainingGraph(graph: graph, labels: labels, losses: losses), optimizer: OptimizerSettings(), seed: 3)
    let n = c.x.reduce(1, *)
    let x = FloatTensor(shape: c.x, values: (0..<n).map { i in
      c.indexInput.map { Float(i * 3 % $0) } ?? random.float() * 2
    })
    var batch = ["x": x]
    for (k, s) in outShapes.enumerated() {
      batch["t\(k)"] = FloatTensor(shape: s, values: (0..<s.reduce(1, *)).map { _ in random.float() })
    }
    let (_, analytic) = try trainer.gradients(batch: batch)

    func loss(_ x: FloatTensor) throws -> Float {
      var b = batch
      b["x"] = x
      return try trainer.gradients(batch: b).loss
    }
    if c.indexInput == nil {
      try FiniteDifferences.expectMatches("\(c.name) dx", at: x, analytic: try #require(analytic["x"]), loss: loss)
    }
    for k in c.params.indices {
      let name = "p\(k)"
      let p0 = try #require(tensors[k + 1].data)
      let dp = try #require(analytic[name], "\(c.name): no gradient for \(name)")
      try FiniteDifferences.expectParameterMatches("\(c.name) d\(name)", name, at: p0, analytic: dp, trainer: &trainer) {
        try $0.gradients(batch: batch).loss
      }
    }
  }

  /// The binarized Affines train as nnabla does (straight through Sign): x and bias get a plain
  /// Affine's gradients at the effective weight, the float weight gets that weight's gradient.
  @Test(arguments: [false, true])
  func binaryAffine_isAffineAtTheEffectiveWeight(scaled: Bool) throws {
    var random = SeededRandom(seed: 5)
    func tensor(_ shape: [Int]) -> FloatTensor {
      FloatTensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in random.float() })
    }
    let x = tensor([2, 3, 2]), w = tensor([6, 4]), b = tensor([4]), t = tensor([2, 4])
    let binary: any NNFunction = scaled
      ? BinaryWeightAffine(baseAxis: 1, quantizeZeroTo: 1) : BinaryConnectAffine(baseAxis: 1, quantizeZeroTo: 1)
    let params = scaled ? [w, w, FloatTensor(shape: [4], values: [0, 0, 0, 0]), b] : [w, w, b]
    let effective = binary.evaluate([FloatTensor(shape: [6, 6], values: (0..<36).map { $0 % 7 == 0 ? 1 : 0 }), w] + params.dropFirst())[0]
    // The identity input reads the effective weight's rows back (x = I → y = W' + b).
    let wEffective = FloatTensor(shape: [6, 4], values: zip(effective.values, (0..<24).map { b.values[$0 % 4] }).map { $0 - $1 })

    func gradients(_ op: Op, _ params: [FloatTensor]) throws -> [String: FloatTensor] {
      var trainer = try FiniteDifferences.oneNodeTrainer("affine", op, x: x.shape, params: params).0
      return try trainer.gradients(batch: ["x": x, "t": t]).gradients
    }
    let got = try gradients(.function(FunctionCall(binary)), params)
    let want = try gradients(.affine(AffineAttributes()), [wEffective, b])
    func close(_ a: FloatTensor?, _ b: FloatTensor?) -> Bool {
      guard let a, let b, a.shape == b.shape else { return false }
      return zip(a.values, b.values).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) }
    }
    #expect(close(got["x"], want["x"]))
    #expect(close(got["p0"], want["p0"]))
    #expect(close(got[scaled ? "p3" : "p2"], want["p1"]))
  }

  /// The binarized Convolutions likewise, against a plain Convolution at the effective weight
  /// (groups, stride, padding and dilation in play).
  @Test(arguments: [false, true])
  func binaryConvolution_isConvolutionAtTheEffectiveWeight(scaled: Bool) throws {
    var random = SeededRandom(seed: 6)
    func tensor(_ shape: [Int]) -> FloatTensor {
      FloatTensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in random.float() })
    }
    let conv = ConvolutionAttributes(pad: [1, 0], stride: [2, 1], dilation: [1, 2], group: 2)
    let x = tensor([2, 4, 5, 6]), w = tensor([4, 2, 3, 2]), b = tensor([4])
    let binary: any NNFunction = scaled
      ? BinaryWeightConvolution(convolution: conv, quantizeZeroTo: 1) : BinaryConnectConvolution(convolution: conv, quantizeZeroTo: 1)
    let params = scaled ? [w, w, FloatTensor(shape: [4], values: [0, 0, 0, 0]), b] : [w, w, b]
    // sign(w) (· mean |w| per output channel), as nnabla computes it.
    let alpha = (0..<4).map { o in (0..<12).reduce(Float(0)) { $0 + abs(w.values[o * 12 + $1]) } * (1 / Float(12)) }
    let wEffective = FloatTensor(shape: w.shape, values: w.values.indices.map { i in
      (w.values[i] > 0 ? 1 : (w.values[i] < 0 ? -1 : 1)) * (scaled ? alpha[i / 12] : 1)
    })
    let outShape = try ShapeInference.outputShapes(of: .convolution(conv), inputs: [x.shape, w.shape, b.shape])[0]
    let t = tensor(outShape)

    func gradients(_ op: Op, _ params: [FloatTensor]) throws -> [String: FloatTensor] {
      var trainer = try FiniteDifferences.oneNodeTrainer("conv", op, x: x.shape, params: params).0
      return try trainer.gradients(batch: ["x": x, "t": t]).gradients
    }
    let got = try gradients(.function(FunctionCall(binary)), params)
    let want = try gradients(.convolution(conv), [wEffective, b])
    func close(_ a: FloatTensor?, _ b: FloatTensor?) -> Bool {
      guard let a, let b, a.shape == b.shape else { return false }
      return zip(a.values, b.values).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) }
    }
    #expect(close(got["x"], want["x"]))
    #expect(close(got["p0"], want["p0"]))
    #expect(close(got[scaled ? "p3" : "p2"], want["p1"]))
  }
}
