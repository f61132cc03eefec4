import NNIR

/// Every function described as an `NNFunction` (one file each in this module). Adding a function
/// is its file, its C kernel, and one line here.
public enum FunctionRegistry {
  public static let types: [any NNFunction.Type] = [
    // Activations
    SELU.self,
    PReLU.self, CELU.self, CReLU.self, LogSoftmax.self,
    HardSigmoid.self, HardTanh.self, SoftPlus.self, SoftSign.self, GELU.self, Mish.self, LogSigmoid.self,
    TanhShrink.self, Sinc.self, BinarySigmoid.self, BinaryTanh.self,
    // Math
    Abs.self, Log.self, Round.self, Ceil.self, Floor.self, Sign.self, Sin.self, Cos.self, Tan.self, Sinh.self,
    Cosh.self, ASin.self, ACos.self, ATan.self, ASinh.self, ACosh.self, ATanh.self, Erf.self,
    PowScalar.self, RSubScalar.self, RDivScalar.self, RPowScalar.self, MinimumScalar.self, MaximumScalar.self,
    ResetNaN.self, ResetInf.self, Pow2.self, Minimum2.self, Maximum2.self,
    // Shape (data movement)
    Unpooling.self, Split.self, Stack.self, Flip.self, Shift.self, Broadcast.self, BroadcastTo.self, Tile.self,
    MatrixDiag.self, MatrixDiagPart.self, OneHot.self, Embed.self, Interpolate.self, MeanSubtraction.self,
    // Layers (binarized weights)
    BinaryConnectAffine.self, BinaryWeightAffine.self, BinaryConnectConvolution.self, BinaryWeightConvolution.self,
    // Recurrent
    LSTM.self, GRU.self, RNN.self,
    // Reductions and matrix products (converter output)
    Sum.self, Mean.self, Max.self, Min.self, Prod.self, BatchMatmul.self,
    // Math
    Exp.self,
  ]

  public static let byName: [String: any NNFunction.Type] = {
    var table: [String: any NNFunction.Type] = [:]
    for t in types {
      precondition(table[t.typeName] == nil, "\(t.typeName) is registered twice")
      table[t.typeName] = t
    }
    return table
  }()

  /// The op for nnabla function `typeName` with the given attributes, or nil when no
  /// `NNFunction` describes it.
  public static func op(
    _ typeName: String, attributes: any FunctionAttributeReader, inputShapes: [[Int]]
  ) throws -> Op? {
    guard let t = byName[typeName] else { return nil }
    return .function(FunctionCall(try t.init(attributes, inputShapes: inputShapes)))
  }
}
