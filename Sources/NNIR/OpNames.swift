extension Op {
  /// nnabla's function type name for this op (`"Convolution"`, `"ReLU"`, …).
  public var typeName: String {
    switch self {
    case .affine: "Affine"
    case .convolution: "Convolution"
    case .depthwiseConvolution: "DepthwiseConvolution"
    case .deconvolution: "Deconvolution"
    case .batchNormalization: "BatchNormalization"
    case .maxPooling: "MaxPooling"
    case .averagePooling: "AveragePooling"
    case .sumPooling: "SumPooling"
    case .globalAveragePooling: "GlobalAveragePooling"
    case .relu: "ReLU"
    case .relu6: "ReLU6"
    case .leakyReLU: "LeakyReLU"
    case .elu: "ELU"
    case .sigmoid: "Sigmoid"
    case .tanh: "Tanh"
    case .swish: "Swish"
    case .softmax: "Softmax"
    case .add2: "Add2"
    case .sub2: "Sub2"
    case .mul2: "Mul2"
    case .div2: "Div2"
    case .addScalar: "AddScalar"
    case .mulScalar: "MulScalar"
    case .concatenate: "Concatenate"
    case .reshape: "Reshape"
    case .transpose: "Transpose"
    case .slice: "Slice"
    case .pad: "Pad"
    case .dropout: "Dropout"
    case .identity: "Identity"
    case .function(let f): f.typeName
    }
  }

  /// True for ops whose output is the input's bytes unchanged (so the output may alias the input).
  public var isDataPreserving: Bool {
    switch self {
    case .reshape, .dropout, .identity: true
    default: false
    }
  }

  /// True for ops computed element by element, so the output may overwrite the input in place.
  public var isElementwiseUnary: Bool {
    switch self {
    case .relu, .relu6, .leakyReLU, .elu, .sigmoid, .tanh, .swish, .addScalar, .mulScalar: true
    case .function(let f): f.function.isElementwiseUnary
    default: false
    }
  }
}

extension Op {
  /// The function behind `.function`, if this is one.
  public var function: (any NNFunction)? {
    if case .function(let f) = self { return f.function }
    return nil
  }

  /// How many outputs the op writes (1 except for multi-output functions such as Split).
  public func outputCount(inputs: [[Int]]) -> Int {
    guard case .function(let f) = self, let shapes = try? f.function.outputShapes(inputs) else { return 1 }
    return shapes.count
  }
}
