import NNIR

extension FloatKernels {
  /// nnabla `MaxPooling` over the trailing `kernel.count` (1 to 3) axes. Padding never wins: only
  /// real input elements take part (a window lying wholly in the padding would give -inf).
  public static func maxPooling(_ x: FloatTensor, _ a: PoolingAttributes) -> FloatTensor {
    pool(x, a, mode: .max)
  }

  /// nnabla `AveragePooling`. Each window is `[o*stride - pad, o*stride - pad + k)` clipped to the
  /// padded input `[-pad, in + pad)`; the sum runs over the real elements in it and is divided by
  /// the size of that clipped window when `includingPad`, else by the number of real elements.
  public static func averagePooling(_ x: FloatTensor, _ a: PoolingAttributes) -> FloatTensor {
    pool(x, a, mode: a.includingPad ? .averageIncludingPad : .averageExcludingPad)
  }

  /// nnabla `SumPooling`: the sum of the real elements of each window (padding adds nothing).
  public static func sumPooling(_ x: FloatTensor, _ a: PoolingAttributes) -> FloatTensor {
    pool(x, a, mode: .sum)
  }

  /// nnabla `GlobalAveragePooling`: `[N, C, …] -> [N, C, 1, 1]`, the mean over every axis after the
  /// second (summed in memory order in a float accumulator, then divided by the count).
  public static func globalAveragePooling(_ x: FloatTensor) -> FloatTensor {
    precondition(x.shape.count >= 2, "GlobalAveragePooling needs rank ≥ 2")
    let outer = x.shape[0] * x.shape[1]
    let size = x.shape[2...].reduce(1, *)
    let outShape = [x.shape[0], x.shape[1]] + [Int](repeating: 1, count: max(x.shape.count - 2, 2))
    let y = [Float](unsafeUninitializedCapacity: outer) { yBuf, initialized in
      x.values.withUnsafeBufferPointer { xp in
        for r in 0..<outer {
          var sum: Float = 0
          let base = r * size
          for i in 0..<size { sum += xp[base + i] }
          yBuf[r] = sum / Float(size)
        }
      }
      initialized = outer
    }
    return FloatTensor(shape: outShape, values: y)
  }

  enum PoolMode { case max, sum, averageIncludingPad, averageExcludingPad }

  /// The one pooling loop nest (kept by `nnc_maxpool_f32` / `nnc_avgpool_f32` / `nnc_sumpool_f32`):
  /// windows are visited depth, row, column ascending, and sums accumulate in that order.
  static func pool(_ x: FloatTensor, _ a: PoolingAttributes, mode: PoolMode) -> FloatTensor {
    let n = a.kernel.count
    precondition(n >= 1 && n <= 3 && x.shape.count >= n, "pooling supports 1 to 3 trailing axes")
    precondition(a.stride.count == n && a.pad.count == n, "pooling stride/pad need one value per kernel axis")
    let lead = x.shape.count - n
    let outer = x.shape[..<lead].reduce(1, *)
    let spatial = Array(x.shape[lead...])
    let outSpatial = (0..<n).map { i in
      poolingOutputSize(input: spatial[i], kernel: a.kernel[i], stride: a.stride[i], pad: a.pad[i], ignoreBorder: a.ignoreBorder)
    }
    let geo = SpatialGeometry3(
      input: spatial, output: outSpatial, kernel: a.kernel, stride: a.stride, pad: a.pad,
      dilation: [Int](repeating: 1, count: n))
    let (inD, inH, inW) = (geo.input[0], geo.input[1], geo.input[2])
    let (outD, outH, outW) = (geo.output[0], geo.output[1], geo.output[2])
    let (kD, kH, kW) = (geo.kernel[0], geo.kernel[1], geo.kernel[2])
    let (sD, sH, sW) = (geo.stride[0], geo.stride[1], geo.stride[2])
    let (pD, pH, pW) = (geo.pad[0], geo.pad[1], geo.pad[2])
    let inMap = geo.inputCount
    let outMap = geo.outputCount
    let total = outer * outMap
    let outShape = Array(x.shape[..<lead]) + outSpatial

    let y = [Float](unsafeUninitializedCapacity: total) { yBuf, initialized in
      x.values.withUnsafeBufferPointer { xp in
        var yi = 0
        for r in 0..<outer {
          let xc = r * inMap
          for od in 0..<outD {
            // Window clipped to the padded input, then to the real input.
            let d0 = od * sD - pD
            let d1 = min(d0 + kD, inD + pD)
            let ds = max(d0, 0), de = min(d1, inD)
            for oh in 0..<outH {
              let h0 = oh * sH - pH
              let h1 = min(h0 + kH, inH + pH)
              let hs = max(h0, 0), he = min(h1, inH)
              for ow in 0..<outW {
                let w0 = ow * sW - pW
                let w1 = min(w0 + kW, inW + pW)
                let ws = max(w0, 0), we = min(w1, inW)
                switch mode {
                case .max:
                  var m = -Float.infinity
                  for id in stride(from: ds, to: de, by: 1) {
                    for ih in stride(from: hs, to: he, by: 1) {
                      let row = xc + (id * inH + ih) * inW
                      for iw in stride(from: ws, to: we, by: 1) {
                        let v = xp[row + iw]
                        if v > m { m = v }
                      }
                    }
                  }
                  yBuf[yi] = m
                default:
                  var sum: Float = 0
                  for id in stride(from: ds, to: de, by: 1) {
                    for ih in stride(from: hs, to: he, by: 1) {
                      let row = xc + (id * inH + ih) * inW
                      for iw in stride(from: ws, to: we, by: 1) {
                        sum += xp[row + iw]
                      }
                    }
                  }
                  switch mode {
                  case .averageIncludingPad:
                    yBuf[yi] = sum / Float((d1 - d0) * (h1 - h0) * (w1 - w0))
                  case .averageExcludingPad:
                    yBuf[yi] = sum / Float(max(de - ds, 0) * max(he - hs, 0) * max(we - ws, 0))
                  default:
                    yBuf[yi] = sum
                  }
                }
                yi += 1
              }
            }
          }
        }
      }
      initialized = total
    }
    return FloatTensor(shape: outShape, values: y)
  }
}
