import NNIR
import NNInterpreter

/// What the four binarized layers share (nnabla `binary_{connect,weight}_{affine,convolution}.cpp`):
/// at every forward nnabla recomputes the binary weight from the float `weight` (Sign with
/// `quantize_zero_to` for 0) — and, for the BinaryWeight ones, the scale `alpha` per output
/// (mean |w|) — so the stored `binary_weight`/`alpha` are ignored and recomputed here the same way.
/// The layers expand into a core Affine/Convolution with that weight as a constant, so they get
/// the int8 kernels of those ops.
enum BinaryWeights {
  /// nnabla's Sign: 1, −1, or `zero` for 0.
  static func sign(_ w: FloatTensor, zero: Float) -> FloatTensor {
    FloatTensor(shape: w.shape, values: w.values.map { $0 > 0 ? 1 : ($0 < 0 ? -1 : zero) })
  }

  /// sign(w) · alpha, alpha = Σ|w| · (1/n) per output: Affine's outputs are w's columns
  /// (`[rows, cols]`), Convolution's its first axis.
  static func scaled(_ w: FloatTensor, zero: Float, outputsFirst: Bool) -> FloatTensor {
    let rows = w.shape[0], cols = w.count / max(rows, 1)
    let outputs = outputsFirst ? rows : cols, n = outputsFirst ? cols : rows
    let inverse = 1 / Float(n)
    var alpha = [Float](repeating: 0, count: outputs)
    for o in 0..<outputs {
      var s: Float = 0
      for i in 0..<n { s += abs(w.values[outputsFirst ? o * cols + i : i * cols + o]) }
      alpha[o] = s * inverse
    }
    let b = sign(w, zero: zero).values
    return FloatTensor(shape: w.shape, values: b.indices.map { k in b[k] * alpha[outputsFirst ? k / cols : k % cols] })
  }

  /// The effective weight of a layer whose `weight` is input 1.
  static func weight(_ w: FloatTensor, zero: Float, scaled: Bool, outputsFirst: Bool) -> FloatTensor {
    scaled ? self.scaled(w, zero: zero, outputsFirst: outputsFirst) : sign(w, zero: zero)
  }

  /// Expands `node` into `op(x, effective weight, bias?)`; bias is input `biasIndex` when present.
  static func expand(
    _ node: Node, _ graph: inout SubgraphBuilder, op: Op, biasIndex: Int, zero: Float, scaled: Bool, outputsFirst: Bool
  ) throws -> Bool {
    guard let w = graph.data(node.inputs[1]) else {
      throw FunctionAttributeError("'\(node.name)': the binarized layers need a constant weight")
    }
    let wb = graph.constant("\(node.name)/binary_weight", weight(w, zero: zero, scaled: scaled, outputsFirst: outputsFirst))
    var inputs = [node.inputs[0], wb]
    if node.inputs.count > biasIndex { inputs.append(node.inputs[biasIndex]) }
    try graph.add1(node.name, op, inputs, into: node.outputs[0])
    return true
  }

  static func evaluate(_ op: Op, _ inputs: [FloatTensor], biasIndex: Int, zero: Float, scaled: Bool, outputsFirst: Bool) -> FloatTensor {
    var x = [inputs[0], weight(inputs[1], zero: zero, scaled: scaled, outputsFirst: outputsFirst)]
    if inputs.count > biasIndex { x.append(inputs[biasIndex]) }
    return FloatInterpreter.evaluate(op, x)
  }

  static func convolution(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws -> ConvolutionAttributes {
    let baseAxis = try a.int("base_axis") ?? 0
    let spatial = max(0, (inputShapes.first?.count ?? 0) - baseAxis - 1)
    return ConvolutionAttributes(
      baseAxis: baseAxis, pad: try a.shape("pad") ?? [Int](repeating: 0, count: spatial),
      stride: try a.shape("stride") ?? [Int](repeating: 1, count: spatial),
      dilation: try a.shape("dilation") ?? [Int](repeating: 1, count: spatial), group: max(1, try a.int("group")))
  }

  static func fields(_ c: ConvolutionAttributes) -> [(name: String, value: AttributeValue)] {
    [
      ("base_axis", .int(c.baseAxis)), ("pad", .shape(c.pad)), ("stride", .shape(c.stride)),
      ("dilation", .shape(c.dilation)), ("group", .int(c.group)),
    ]
  }
}

extension BinaryWeights {
  /// Training through a binarized Affine, as nnabla does: x and bias get Affine's gradients at
  /// the effective weight, and the float weight gets the effective weight's gradient unchanged
  /// (Sign's backward is the identity, a straight-through estimator). The stored binary weight and
  /// alpha get none.
  static func affineGradients(
    _ inputs: [FloatTensor], dy: FloatTensor, baseAxis: Int, biasIndex: Int, zero: Float, scaled: Bool
  ) -> [FloatTensor?] {
    let x = inputs[0], w = weight(inputs[1], zero: zero, scaled: scaled, outputsFirst: false).values
    let n = x.shape[..<baseAxis].reduce(1, *), k = x.count / max(n, 1), o = inputs[1].count / max(k, 1)
    var dx = [Float](repeating: 0, count: x.count), dw = [Float](repeating: 0, count: w.count)
    var db = [Float](repeating: 0, count: o)
    for r in 0..<n {
      for j in 0..<o {
        let g = dy.values[r * o + j]
        db[j] += g
        for i in 0..<k {
          dx[r * k + i] += g * w[i * o + j]
          dw[i * o + j] += x.values[r * k + i] * g
        }
      }
    }
    var result: [FloatTensor?] = [FloatTensor(shape: x.shape, values: dx), FloatTensor(shape: inputs[1].shape, values: dw)]
    result += [FloatTensor?](repeating: nil, count: biasIndex - 2)
    if inputs.count > biasIndex { result.append(FloatTensor(shape: inputs[biasIndex].shape, values: db)) }
    return result
  }
}

extension BinaryWeights {
  /// The same for a binarized Convolution: direct loops over every output position, kernel tap
  /// and input channel of its group (training runs on the host; clarity over speed).
  static func convolutionGradients(
    _ inputs: [FloatTensor], dy: FloatTensor, _ c: ConvolutionAttributes, biasIndex: Int, zero: Float, scaled: Bool
  ) -> [FloatTensor?] {
    let x = inputs[0], wShape = inputs[1].shape
    let w = weight(inputs[1], zero: zero, scaled: scaled, outputsFirst: true).values
    let spatialIn = Array(x.shape[(c.baseAxis + 1)...]), kernel = Array(wShape[2...])
    let outShape = dy.shape, spatialOut = Array(outShape[(c.baseAxis + 1)...])
    let batch = x.shape[..<c.baseAxis].reduce(1, *), channels = x.shape[c.baseAxis], outChannels = wShape[0]
    let perGroup = wShape[1], outPerGroup = outChannels / max(c.group, 1)
    let inPlane = spatialIn.reduce(1, *), outPlane = spatialOut.reduce(1, *), taps = kernel.reduce(1, *)
    func index(_ flat: Int, _ shape: [Int]) -> [Int] {
      var r = flat, v = [Int](repeating: 0, count: shape.count)
      for d in stride(from: shape.count - 1, through: 0, by: -1) {
        v[d] = r % shape[d]
        r /= shape[d]
      }
      return v
    }
    var dx = [Float](repeating: 0, count: x.count), dw = [Float](repeating: 0, count: w.count)
    var db = [Float](repeating: 0, count: outChannels)
    for n in 0..<batch {
      for oc in 0..<outChannels {
        let g = oc / max(outPerGroup, 1)
        for op in 0..<outPlane {
          let grad = dy.values[(n * outChannels + oc) * outPlane + op]
          db[oc] += grad
          let o = index(op, spatialOut)
          for t in 0..<taps {
            let k = index(t, kernel)
            var at = 0, inside = true
            for d in 0..<kernel.count {
              let p = o[d] * c.stride[d] - c.pad[d] + k[d] * c.dilation[d]
              if p < 0 || p >= spatialIn[d] { inside = false; break }
              at = at * spatialIn[d] + p
            }
            guard inside else { continue }
            for il in 0..<perGroup {
              let ic = g * perGroup + il
              let xi = (n * channels + ic) * inPlane + at, wi = (oc * perGroup + il) * taps + t
              dx[xi] += grad * w[wi]
              dw[wi] += grad * x.values[xi]
            }
          }
        }
      }
    }
    var result: [FloatTensor?] = [FloatTensor(shape: x.shape, values: dx), FloatTensor(shape: wShape, values: dw)]
    result += [FloatTensor?](repeating: nil, count: biasIndex - 2)
    if inputs.count > biasIndex { result.append(FloatTensor(shape: inputs[biasIndex].shape, values: db)) }
    return result
  }
}
