import NNIR

/// Affine, Convolution and Deconvolution forward and backward, all through `MatrixMultiply`.
enum LayerKernels {
  typealias Operand = MatrixMultiply.Operand

  // MARK: Affine: y[outer, out] = x[outer, in] · W[in, out] + b

  static func affineForward(_ x: FloatTensor, _ w: FloatTensor, _ b: FloatTensor?, baseAxis: Int, outShape: [Int]) -> FloatTensor {
    let outer = x.shape[..<baseAxis].reduce(1, *)
    let inF = w.shape[0]
    let outF = w.count / inF
    var y = [Float](repeating: 0, count: outer * outF)
    if let b { for r in 0..<outer { for o in 0..<outF { y[r * outF + o] = b.values[o] } } }
    x.values.withUnsafeBufferPointer { xp in
      w.values.withUnsafeBufferPointer { wp in
        y.withUnsafeMutableBufferPointer { yp in
          MatrixMultiply.multiply(
            m: outer, n: outF, k: inF, Operand(xp.baseAddress!, rowStride: inF), Operand(wp.baseAddress!, rowStride: outF),
            into: yp.baseAddress!, ldc: outF, accumulate: b != nil)
        }
      }
    }
    return FloatTensor(shape: outShape, values: y)
  }

  /// (dx, dW, db): dx = dy·Wᵀ, dW = xᵀ·dy, db = Σ_rows dy.
  static func affineBackward(_ x: FloatTensor, _ w: FloatTensor, hasBias: Bool, _ dy: FloatTensor, baseAxis: Int, inputGradient: Bool = true)
    -> (FloatTensor, FloatTensor, FloatTensor?)
  {
    let outer = x.shape[..<baseAxis].reduce(1, *)
    let inF = w.shape[0]
    let outF = w.count / inF
    var dx = [Float](repeating: 0, count: x.count)
    var dw = [Float](repeating: 0, count: w.count)
    x.values.withUnsafeBufferPointer { xp in
      w.values.withUnsafeBufferPointer { wp in
        dy.values.withUnsafeBufferPointer { gp in
          if inputGradient {
            dx.withUnsafeMutableBufferPointer { dxp in
              MatrixMultiply.multiply(
                m: outer, n: inF, k: outF, Operand(gp.baseAddress!, rowStride: outF),
                Operand(wp.baseAddress!, rowStride: outF, transposed: true), into: dxp.baseAddress!, ldc: inF, accumulate: false)
            }
          }
          dw.withUnsafeMutableBufferPointer { dwp in
            MatrixMultiply.multiply(
              m: inF, n: outF, k: outer, Operand(xp.baseAddress!, rowStride: inF, transposed: true),
              Operand(gp.baseAddress!, rowStride: outF), into: dwp.baseAddress!, ldc: outF, accumulate: false)
          }
        }
      }
    }
    var db: FloatTensor?
    if hasBias {
      var s = [Float](repeating: 0, count: outF)
      for r in 0..<outer { for o in 0..<outF { s[o] += dy.values[r * outF + o] } }
      db = FloatTensor(shape: [outF], values: s)
    }
    return (FloatTensor(shape: x.shape, values: dx), FloatTensor(shape: w.shape, values: dw), db)
  }

  // MARK: Convolution: y_g[OCg, N·S] = W_g[OCg, Cg·K] · im2col(x_g)

  struct Conv {
    var baseAxis: Int, pad: [Int], stride: [Int], dilation: [Int], group: Int
  }

  static func convolutionGeometry(_ xShape: [Int], _ w: FloatTensor, outSpatial: [Int], _ a: Conv) -> ConvolutionGeometry {
    ConvolutionGeometry(
      batch: xShape[..<a.baseAxis].reduce(1, *), imageChannels: xShape[a.baseAxis],
      image: Array(xShape[(a.baseAxis + 1)...]), columns: outSpatial, kernel: Array(w.shape[2...]),
      stride: a.stride, pad: a.pad, dilation: a.dilation)
  }

  /// The output; `columns` receives every sample's column matrix (`[N, C·K, S]`, kept for
  /// backward while training), overwritten in place when it already has that size (a buffer from
  /// the last step). Samples run in parallel: one im2col and one multiply per group each, written
  /// straight into the sample's `[OC, S]` slice of the NC… output.
  static func convolutionForward(
    _ x: FloatTensor, _ w: FloatTensor, _ b: FloatTensor?, _ a: Conv, outShape: [Int], columns cols: inout [Float]
  ) -> FloatTensor {
    let geo = convolutionGeometry(x.shape, w, outSpatial: Array(outShape[(a.baseAxis + 1)...]), a)
    let outC = w.shape[0], ocg = outC / a.group, cg = geo.imageChannels / a.group
    let ck = cg * geo.kernelSize, size = geo.columnSize
    let sampleColumns = geo.imageChannels * geo.kernelSize * size
    let bias = b?.values
    if cols.count != geo.batch * sampleColumns { cols = uninitializedFloats(geo.batch * sampleColumns) { _ in } }
    let y = uninitializedFloats(outShape.reduce(1, *)) { yp in
      cols.withUnsafeMutableBufferPointer { cb in
        guard let cp = cb.baseAddress else { return }
        x.values.withUnsafeBufferPointer { xb in
          w.values.withUnsafeBufferPointer { wb in
            let xp = SharedPointer(xb.baseAddress!), wp = SharedPointer(wb.baseAddress!)
            let yp = SharedPointer(yp), cp = SharedPointer(cp)
            ConvolutionGeometry.parallel(geo.batch, work: geo.batch * outC * ck * size) { n in
              let col = cp.base + n * sampleColumns
              geo.im2col(xp.base, sample: n, into: col)
              let out = yp.base + n * outC * size
              for g in 0..<a.group {
                MatrixMultiply.multiplySerial(
                  m: ocg, n: size, k: ck, Operand(wp.base + g * ocg * ck, rowStride: ck),
                  Operand(col + g * ck * size, rowStride: size), into: out + g * ocg * size, ldc: size, accumulate: false)
              }
              if let bias {
                for c in 0..<outC {
                  let v = bias[c], row = out + c * size
                  for s in 0..<size { row[s] += v }
                }
              }
            }
          }
        }
      }
    }
    return FloatTensor(shape: outShape, values: y)
  }

  /// `columns`: the forward pass's column matrices, if kept (else each sample's is rebuilt).
  /// Samples run in parallel in a fixed number of chunks; each chunk sums its own weight gradient
  /// and the chunks are added in order, so the result does not depend on scheduling.
  static func convolutionBackward(_ x: FloatTensor, _ w: FloatTensor, hasBias: Bool, _ dy: FloatTensor, _ a: Conv, columns: [Float]? = nil, inputGradient: Bool = true)
    -> (FloatTensor, FloatTensor, FloatTensor?)
  {
    let geo = convolutionGeometry(x.shape, w, outSpatial: Array(dy.shape[(a.baseAxis + 1)...]), a)
    let outC = w.shape[0], ocg = outC / a.group, cg = geo.imageChannels / a.group
    let ck = cg * geo.kernelSize, size = geo.columnSize
    let sampleColumns = geo.imageChannels * geo.kernelSize * size
    let sampleImage = geo.imageChannels * geo.imageSize
    let perChunk = (geo.batch + 7) / 8
    let chunks = (geo.batch + perChunk - 1) / perChunk
    let kept = columns ?? []
    let rebuild = columns == nil
    var partial = [Float](repeating: 0, count: chunks * w.count)
    var dx = inputGradient ? uninitializedFloats(x.count) { _ in } : [Float](repeating: 0, count: x.count)
    x.values.withUnsafeBufferPointer { xb in
      w.values.withUnsafeBufferPointer { wb in
        dy.values.withUnsafeBufferPointer { gb in
          kept.withUnsafeBufferPointer { kb in
            partial.withUnsafeMutableBufferPointer { pb in
              dx.withUnsafeMutableBufferPointer { db in
                let xp = SharedPointer(xb.baseAddress!), wp = SharedPointer(wb.baseAddress!), gp = SharedPointer(gb.baseAddress!)
                let kp = kb.baseAddress.map { SharedPointer($0) }, pp = SharedPointer(pb.baseAddress!), dxp = SharedPointer(db.baseAddress!)
                ConvolutionGeometry.parallel(chunks, work: geo.batch * outC * ck * size) { chunk in
                  let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 2 * sampleColumns)
                  defer { scratch.deallocate() }
                  let dwChunk = pp.base + chunk * w.count
                  let first = chunk * perChunk
                  for n in first..<min(geo.batch, first + perChunk) {
                    let col: UnsafeMutablePointer<Float>
                    if rebuild {
                      col = scratch
                      geo.im2col(xp.base, sample: n, into: col)
                    } else {
                      col = kp!.base + n * sampleColumns
                    }
                    let dyn = gp.base + n * outC * size
                    for g in 0..<a.group {
                      MatrixMultiply.multiplySerial(
                        m: ocg, n: ck, k: size, Operand(dyn + g * ocg * size, rowStride: size),
                        Operand(col + g * ck * size, rowStride: size, transposed: true),
                        into: dwChunk + g * ocg * ck, ldc: ck, accumulate: n != first)
                    }
                    guard inputGradient else { continue }
                    let dcol = scratch + sampleColumns
                    for g in 0..<a.group {
                      MatrixMultiply.multiplySerial(
                        m: ck, n: size, k: ocg, Operand(wp.base + g * ocg * ck, rowStride: ck, transposed: true),
                        Operand(dyn + g * ocg * size, rowStride: size), into: dcol + g * ck * size, ldc: size, accumulate: false)
                    }
                    (dxp.base + n * sampleImage).update(repeating: 0, count: sampleImage)
                    geo.col2im(dcol, sample: n, into: dxp.base)
                  }
                }
              }
            }
          }
        }
      }
    }
    var dw = [Float](repeating: 0, count: w.count)
    for chunk in 0..<chunks {
      for i in 0..<w.count { dw[i] += partial[chunk * w.count + i] }
    }
    let db = hasBias ? biasGradient(dy, batch: geo.batch, channels: outC, size: geo.columnSize) : nil
    return (FloatTensor(shape: x.shape, values: dx), FloatTensor(shape: w.shape, values: dw), db)
  }

  // MARK: Deconvolution (the adjoint of convolution): y = col2im(W_gᵀ · x_g), W `[IC, OC/g, k…]`

  static func deconvolutionGeometry(_ xShape: [Int], _ w: FloatTensor, yShape: [Int], _ a: Conv) -> ConvolutionGeometry {
    ConvolutionGeometry(
      batch: xShape[..<a.baseAxis].reduce(1, *), imageChannels: yShape[a.baseAxis],
      image: Array(yShape[(a.baseAxis + 1)...]), columns: Array(xShape[(a.baseAxis + 1)...]),
      kernel: Array(w.shape[2...]), stride: a.stride, pad: a.pad, dilation: a.dilation)
  }

  static func deconvolutionForward(_ x: FloatTensor, _ w: FloatTensor, _ b: FloatTensor?, _ a: Conv, outShape: [Int]) -> FloatTensor {
    let geo = deconvolutionGeometry(x.shape, w, yShape: outShape, a)
    let inC = x.shape[a.baseAxis], icg = inC / a.group, ocg = w.shape[1]
    let outC = ocg * a.group, ok = ocg * geo.kernelSize, nS = geo.batch * geo.columnSize
    var y = [Float](repeating: 0, count: outShape.reduce(1, *))
    x.values.withUnsafeBufferPointer { xp in
      w.values.withUnsafeBufferPointer { wp in
        for g in 0..<a.group {
          let xg = BatchedMatrix.gather(
            xp.baseAddress!, batch: geo.batch, totalChannels: inC, channels: (g * icg)..<((g + 1) * icg), size: geo.columnSize)
          var col = [Float](repeating: 0, count: ok * nS)
          xg.withUnsafeBufferPointer { gp in
            col.withUnsafeMutableBufferPointer { cp in
              MatrixMultiply.multiply(
                m: ok, n: nS, k: icg, Operand(wp.baseAddress! + g * icg * ok, rowStride: ok, transposed: true),
                Operand(gp.baseAddress!, rowStride: nS), into: cp.baseAddress!, ldc: nS, accumulate: false)
            }
          }
          y.withUnsafeMutableBufferPointer { yp in
            geo.col2im(col, channels: (g * ocg)..<((g + 1) * ocg), into: yp.baseAddress!)
          }
        }
      }
    }
    if let b {
      y.withUnsafeMutableBufferPointer { yp in
        addBias(b, to: yp.baseAddress!, batch: geo.batch, channels: outC, size: geo.imageSize)
      }
    }
    return FloatTensor(shape: outShape, values: y)
  }

  static func deconvolutionBackward(_ x: FloatTensor, _ w: FloatTensor, hasBias: Bool, _ dy: FloatTensor, _ a: Conv)
    -> (FloatTensor, FloatTensor, FloatTensor?)
  {
    let geo = deconvolutionGeometry(x.shape, w, yShape: dy.shape, a)
    let inC = x.shape[a.baseAxis], icg = inC / a.group, ocg = w.shape[1]
    let outC = ocg * a.group, ok = ocg * geo.kernelSize, nS = geo.batch * geo.columnSize
    var dx = [Float](repeating: 0, count: x.count)
    var dw = [Float](repeating: 0, count: w.count)
    x.values.withUnsafeBufferPointer { xp in
      w.values.withUnsafeBufferPointer { wp in
        dy.values.withUnsafeBufferPointer { gp in
          for g in 0..<a.group {
            let dcol = geo.im2col(gp.baseAddress!, channels: (g * ocg)..<((g + 1) * ocg))
            let xg = BatchedMatrix.gather(
              xp.baseAddress!, batch: geo.batch, totalChannels: inC, channels: (g * icg)..<((g + 1) * icg), size: geo.columnSize)
            var dxg = [Float](repeating: 0, count: icg * nS)
            dcol.withUnsafeBufferPointer { cp in
              xg.withUnsafeBufferPointer { xgp in
                dxg.withUnsafeMutableBufferPointer { dp in
                  MatrixMultiply.multiply(
                    m: icg, n: nS, k: ok, Operand(wp.baseAddress! + g * icg * ok, rowStride: ok),
                    Operand(cp.baseAddress!, rowStride: nS), into: dp.baseAddress!, ldc: nS, accumulate: false)
                }
                dw.withUnsafeMutableBufferPointer { dwp in
                  MatrixMultiply.multiply(
                    m: icg, n: ok, k: nS, Operand(xgp.baseAddress!, rowStride: nS),
                    Operand(cp.baseAddress!, rowStride: nS, transposed: true),
                    into: dwp.baseAddress! + g * icg * ok, ldc: ok, accumulate: false)
                }
              }
            }
            dx.withUnsafeMutableBufferPointer { dxp in
              BatchedMatrix.scatter(
                dxg, into: dxp.baseAddress!, batch: geo.batch, totalChannels: inC, channels: (g * icg)..<((g + 1) * icg),
                size: geo.columnSize)
            }
          }
        }
      }
    }
    let db = hasBias ? biasGradient(dy, batch: geo.batch, channels: outC, size: geo.imageSize) : nil
    return (FloatTensor(shape: x.shape, values: dx), FloatTensor(shape: w.shape, values: dw), db)
  }

  // MARK: Helpers

  /// A pointer handed to the tasks of `DispatchQueue.concurrentPerform`, which write disjoint parts.
  struct SharedPointer<Pointee>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Pointee>
    init(_ p: UnsafeMutablePointer<Pointee>) { base = p }
    init(_ p: UnsafePointer<Pointee>) { base = UnsafeMutablePointer(mutating: p) }
  }

  /// `count` floats that `fill` writes completely (no zero-filling first).
  static func uninitializedFloats(_ count: Int, _ fill: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      if let base = buffer.baseAddress { fill(base) }
      initialized = count
    }
  }

  static func addBias(_ b: FloatTensor, to y: UnsafeMutablePointer<Float>, batch: Int, channels: Int, size: Int) {
    for n in 0..<batch {
      for c in 0..<channels {
        let v = b.values[c]
        let row = y + (n * channels + c) * size
        for s in 0..<size { row[s] += v }
      }
    }
  }

  static func biasGradient(_ dy: FloatTensor, batch: Int, channels: Int, size: Int) -> FloatTensor {
    var db = [Float](repeating: 0, count: channels)
    dy.values.withUnsafeBufferPointer { gp in
      for n in 0..<batch {
        for c in 0..<channels {
          var s: Float = 0
          let row = (n * channels + c) * size
          for i in 0..<size { s += gp[row + i] }
          db[c] += s
        }
      }
    }
    return FloatTensor(shape: [channels], values: db)
  }
}
