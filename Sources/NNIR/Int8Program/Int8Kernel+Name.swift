/// What a step's kernel is called in the compile report and in `verify`'s per-layer table (one
/// naming, so the two agree): the int8 kernel (`conv_s8`), a float step (`Exp (float32)`), an
/// int8 data movement (`Flip (int8 data movement)`), or a registry function's own name.
extension Int8Kernel {
  public var name: String {
    switch self {
    case .quantize: return "quantize"
    case .dequantize: return "dequantize"
    case .convolution: return "conv_s8"
    case .affine: return "affine_s8"
    case .maxPooling: return "maxpool_s8"
    case .averagePooling: return "avgpool_s8"
    case .sumPooling: return "sumpool_s8"
    case .globalAveragePooling: return "global_avgpool_s8"
    case .add: return "add_s8"
    case .mul: return "mul_s8"
    case .lookupTable: return "lut_s8"
    case .clamp: return "clamp_s8"
    case .concatenate: return "concatenate_s8"
    case .transpose: return "transpose_s8"
    case .slice: return "slice_s8"
    case .pad: return "pad_s8"
    case .softmax: return "softmax_s8"
    case .softmaxTFLite: return "softmax_tfl_s8"
    case .copy: return "copy"
    case .float(let op): return "\(op.typeName) (float32)"
    case .dataMovement(let f): return "\(f.typeName) (int8 data movement)"
    case .function(let name, _): return name
    }
  }
}
