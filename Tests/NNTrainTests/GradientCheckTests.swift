import Testing
import NNFunctions
import NNIR
import _NNTestSupport
@testable import NNTrain

/// Every op's backward rule against central finite differences of the loss.
///
/// The network is `loss = mean((op(x, params) − t)²)` at batch 2 with random x, params and t. Each
/// input and parameter element is moved by ±h (h = 1e-2) and the float32 loss difference is
/// compared with the analytic gradient. Tolerance: the loss is smooth enough that the O(h²)
/// truncation stays near 1e-4, and float32 rounding of a loss of order 1 divided by 2h adds about
/// 1e-5; we allow 1e-2 relative plus 2e-3 absolute, which still fails for a wrong sign, a missing
/// term or a wrong scale.
@Suite struct GradientCheckTests {
  struct Case: CustomStringConvertible {
    var name: String
    var op: Op
    var x: [Int]
    var params: [[Int]]
    var extraInputs: [[Int]] = []
    var positiveParams = false
    /// x in [0.5, 1.5) (for functions defined on positive inputs only, such as Pow2's base).
    var positiveX = false
    var description: String { name }
  }

  static let cases: [Case] = [
    Case(name: "Affine", op: .affine(AffineAttributes()), x: [2, 3, 2], params: [[6, 4], [4]]),
    Case(name: "Convolution", op: .convolution(.init(pad: [1, 0], stride: [1, 2], dilation: [1, 1])), x: [2, 2, 5, 6], params: [[3, 2, 3, 2], [3]]),
    Case(name: "ConvolutionGroupsDilation", op: .convolution(.init(pad: [1, 1], stride: [2, 1], dilation: [2, 1], group: 2)), x: [2, 4, 6, 5], params: [[4, 2, 2, 3], [4]]),
    Case(name: "Convolution1D", op: .convolution(.init(pad: [1], stride: [1], dilation: [1])), x: [2, 2, 7], params: [[3, 2, 3]]),
    Case(name: "DepthwiseConvolution", op: .depthwiseConvolution(.init(pad: [1, 1], stride: [1, 1], dilation: [1, 1], multiplier: 2)), x: [2, 2, 4, 4], params: [[4, 3, 3], [4]]),
    Case(name: "Deconvolution", op: .deconvolution(.init(pad: [1, 0], stride: [2, 1], dilation: [1, 1], group: 2, outputPadding: [1, 0])), x: [2, 4, 3, 3], params: [[4, 1, 3, 2], [2]]),
    Case(name: "MaxPooling", op: .maxPooling(.init(kernel: [2, 2], stride: [2, 2], ignoreBorder: false, pad: [0, 1])), x: [2, 2, 5, 5], params: []),
    Case(name: "AveragePooling", op: .averagePooling(.init(kernel: [3, 2], stride: [2, 2], pad: [1, 1], includingPad: false)), x: [2, 2, 5, 4], params: []),
    Case(name: "SumPooling", op: .sumPooling(.init(kernel: [2, 2], stride: [1, 2], pad: [0, 0])), x: [2, 2, 4, 4], params: []),
    Case(name: "GlobalAveragePooling", op: .globalAveragePooling, x: [2, 3, 3, 2], params: []),
    Case(name: "ReLU", op: .relu, x: [2, 7], params: []),
    Case(name: "LeakyReLU", op: .leakyReLU(alpha: 0.2), x: [2, 7], params: []),
    Case(name: "ReLU6", op: .relu6, x: [2, 7], params: []),
    Case(name: "ELU", op: .elu(alpha: 1.0), x: [2, 7], params: []),
    Case(name: "Sigmoid", op: .sigmoid, x: [2, 7], params: []),
    Case(name: "Tanh", op: .tanh, x: [2, 7], params: []),
    Case(name: "Swish", op: .swish, x: [2, 7], params: []),
    Case(name: "Softmax", op: .softmax(axis: 1), x: [2, 4, 3], params: []),
    Case(name: "BatchNormalizationTraining", op: .batchNormalization(.init()), x: [2, 3, 2, 2], params: [[1, 3, 1, 1], [1, 3, 1, 1], [1, 3, 1, 1], [1, 3, 1, 1]], positiveParams: true),
    Case(name: "Dropout", op: .dropout(p: 0.3), x: [2, 9], params: []),
    Case(name: "Add2Broadcast", op: .add2, x: [2, 3, 4], params: [[1, 3, 1]]),
    Case(name: "Sub2", op: .sub2, x: [2, 3], params: [[2, 3]]),
    Case(name: "Mul2Broadcast", op: .mul2, x: [2, 3, 4], params: [[1, 1, 4]]),
    Case(name: "Div2", op: .div2, x: [2, 3], params: [[2, 3]], positiveParams: true),
    Case(name: "MulScalar", op: .mulScalar(value: -1.5), x: [2, 5], params: []),
    Case(name: "AddScalar", op: .addScalar(value: 0.25), x: [2, 5], params: []),
    Case(name: "Concatenate", op: .concatenate(axis: 1), x: [2, 2, 3], params: [[2, 3, 3]]),
    Case(name: "Reshape", op: .reshape(shape: [2, 6]), x: [2, 3, 2], params: []),
    Case(name: "Transpose", op: .transpose(axes: [0, 2, 1]), x: [2, 3, 4], params: []),
    Case(name: "Slice", op: .slice(.init(start: [0, 3, 0], stop: [2, -1, 4], step: [1, -2, 2])), x: [2, 5, 4], params: []),
    Case(name: "PadConstant", op: .pad(.init(padWidth: [1, 0, 2, 1], constantValue: 0.5)), x: [2, 2, 3], params: []),
    Case(name: "PadReflect", op: .pad(.init(padWidth: [0, 0, 2, 1], mode: .reflect)), x: [2, 2, 4], params: []),
    // Element-wise functions (Sources/NNFunctions/Activations, Math).
    Case(name: "PReLUShared", op: .function(FunctionCall(PReLU(baseAxis: 1))), x: [2, 7], params: [[1]]),
    Case(name: "PReLUChannel", op: .function(FunctionCall(PReLU(baseAxis: 1))), x: [2, 3, 4], params: [[3]]),
    Case(name: "HardTanh", op: .function(FunctionCall(HardTanh())), x: [2, 7], params: []),
    Case(name: "SoftPlus", op: .function(FunctionCall(SoftPlus(beta: 1.5))), x: [2, 7], params: []),
    Case(name: "GELU", op: .function(FunctionCall(GELU())), x: [2, 7], params: []),
    Case(name: "Mish", op: .function(FunctionCall(Mish())), x: [2, 7], params: []),
    Case(name: "Pow2Broadcast", op: .function(FunctionCall(Pow2())), x: [2, 3, 4], params: [[1, 1, 4]], positiveX: true),
    Case(name: "Maximum2Broadcast", op: .function(FunctionCall(Maximum2())), x: [2, 3, 4], params: [[1, 3, 1]]),
    Case(name: "Minimum2", op: .function(FunctionCall(Minimum2())), x: [2, 5], params: [[2, 5]]),
    Case(name: "CELU", op: .function(FunctionCall(CELU(alpha: 1.2, axis: 1))), x: [2, 3, 2], params: []),
    Case(name: "CReLU", op: .function(FunctionCall(CReLU(axis: 1))), x: [2, 3, 2], params: []),
    Case(name: "LogSigmoid", op: .function(FunctionCall(LogSigmoid())), x: [2, 7], params: []),
    Case(name: "SoftSign", op: .function(FunctionCall(SoftSign())), x: [2, 7], params: []),
    Case(name: "PowScalar", op: .function(FunctionCall(PowScalar(val: 2.5))), x: [2, 5], params: [], positiveX: true),
    Case(name: "Sinc", op: .function(FunctionCall(Sinc())), x: [2, 7], params: []),
    Case(name: "LogSoftmax", op: .function(FunctionCall(LogSoftmax(axis: 1))), x: [2, 4, 3], params: []),
    // Recurrent layers (x [T 3, B 2, I 2], H 3; loss on y): backpropagation through time.
    Case(name: "LSTM", op: .function(FunctionCall(LSTM(RecurrentLayer(numLayers: 1, bidirectional: false)))), x: [3, 2, 2],
         params: [[1, 1, 2, 3], [1, 1, 2, 3], [1, 4, 3, 5], [1, 1, 4, 3]]),
    Case(name: "LSTMStackedBidirectional", op: .function(FunctionCall(LSTM(RecurrentLayer(numLayers: 2, bidirectional: true)))), x: [3, 2, 2],
         params: [[2, 2, 2, 3], [2, 2, 2, 3], [2, 4, 3, 5], [1, 2, 4, 3, 9], [2, 2, 4, 3]]),
    Case(name: "GRUStackedBidirectional", op: .function(FunctionCall(GRU(RecurrentLayer(numLayers: 2, bidirectional: true)))), x: [3, 2, 2],
         params: [[2, 2, 2, 3], [2, 3, 3, 5], [1, 2, 3, 3, 9], [2, 2, 4, 3]]),
    Case(name: "RNNStacked", op: .function(FunctionCall(RNN(RecurrentLayer(numLayers: 2, bidirectional: false)))), x: [3, 2, 2],
         params: [[2, 1, 2, 3], [1, 3, 5], [1, 1, 3, 6], [2, 1, 3]]),
    // Reductions and matrix products (Sources/NNFunctions/Reduce)
    Case(name: "Sum", op: .function(FunctionCall(Sum(axes: [1, 3], keepDims: false))), x: [2, 3, 2, 2], params: []),
    Case(name: "Mean", op: .function(FunctionCall(Mean(axes: [2], keepDims: true))), x: [2, 3, 4], params: []),
    Case(name: "Prod", op: .function(FunctionCall(Prod(axes: [1], keepDims: false))), x: [2, 3, 2], params: []),
    Case(name: "Max", op: .function(FunctionCall(Max(axes: [1], keepDims: true))), x: [2, 4, 3], params: []),
    Case(name: "Min", op: .function(FunctionCall(Min(axes: [0, 2], keepDims: false))), x: [2, 3, 2], params: []),
    Case(name: "BatchMatmul", op: .function(FunctionCall(BatchMatmul())), x: [2, 3, 4], params: [[4, 5]]),
    Case(name: "BatchMatmulTransposed", op: .function(FunctionCall(BatchMatmul(transposeA: true, transposeB: true))), x: [2, 4, 3], params: [[1, 5, 4]]),
    Case(name: "Exp", op: .function(FunctionCall(Exp())), x: [2, 3], params: []),
  ]

  @Test(arguments: cases)
  func backwardMatchesFiniteDifferences(_ c: Case) throws {
    var random = SeededRandom(seed: 77)
    let params = c.params.map { shape in
      FloatTensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in c.positiveParams ? 0.5 + abs(random.float()) : random.float() })
    }
    let network = try FiniteDifferences.oneNodeTrainer(c.name, c.op, x: c.x, params: params)
    var trainer = network.0
    let outShape = network.outShape
    let x = FloatTensor(shape: c.x, values: (0..<c.x.reduce(1, *)).map { _ in c.positiveX ? 0.5 + abs(random.float()) : random.float() * 2 })
    let t = FloatTensor(shape: outShape, values: (0..<outShape.reduce(1, *)).map { _ in random.float() })
    let batch = ["x": x, "t": t]
    let (_, analytic) = try trainer.gradients(batch: batch)

    func loss(_ x: FloatTensor) throws -> Float { try trainer.gradients(batch: ["x": x, "t": t]).loss }
    try FiniteDifferences.expectMatches("\(c.name) dx", at: x, analytic: try #require(analytic["x"]), loss: loss)
    // Parameter gradients (BN mean/variance are statistics, not trained).
    for (k, p0) in params.enumerated() {
      if case .batchNormalization = c.op, k >= 2 { continue }
      let name = "p\(k)"
      let dp = try #require(analytic[name], "\(c.name): no gradient for \(name)")
      try FiniteDifferences.expectParameterMatches("\(c.name) d\(name)", name, at: p0, analytic: dp, trainer: &trainer) {
        try $0.gradients(batch: batch).loss
      }
    }
  }
}
