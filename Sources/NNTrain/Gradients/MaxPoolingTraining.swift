import Dispatch
import NNIR

/// Max pooling while training: the forward pass records which input element won each window, so
/// backward is one scatter. Windows and tie-breaking (the first largest real element) are those of
/// `FloatKernels.maxPooling`; planes (`N·C`) run in parallel.
enum MaxPoolingTraining {
  static func forward(_ x: FloatTensor, _ a: PoolingAttributes, outShape: [Int]) -> (FloatTensor, [Int32]) {
    func lift(_ v: [Int], _ fill: Int) -> [Int] { [Int](repeating: fill, count: 3 - v.count) + v }
    let n = a.kernel.count
    let lead = x.shape.count - n
    let planes = x.shape[..<lead].reduce(1, *)
    let inS = lift(Array(x.shape[lead...]), 1), outS = lift(Array(outShape[lead...]), 1)
    let k = lift(a.kernel, 1), s = lift(a.stride, 1), p = lift(a.pad, 0)
    let inMap = inS.reduce(1, *), outMap = outS.reduce(1, *)
    precondition(x.count < Int(Int32.max), "max pooling indices are 32-bit")
    var y = [Float](repeating: 0, count: planes * outMap)
    var winners = [Int32](repeating: -1, count: planes * outMap)
    x.values.withUnsafeBufferPointer { xp in
      y.withUnsafeMutableBufferPointer { yp in
        winners.withUnsafeMutableBufferPointer { wp in
          let (xa, ya, wa) = (UInt(bitPattern: xp.baseAddress!), UInt(bitPattern: yp.baseAddress!), UInt(bitPattern: wp.baseAddress!))
          let plane: @Sendable (Int) -> Void = { r in
            let x = UnsafePointer<Float>(bitPattern: xa)!
            let y = UnsafeMutablePointer<Float>(bitPattern: ya)! + r * outMap
            let w = UnsafeMutablePointer<Int32>(bitPattern: wa)! + r * outMap
            let xc = r * inMap
            // The geometry as plain locals: array reads in the window loops cost more than the max.
            let (in0, in1, in2) = (inS[0], inS[1], inS[2]), (out0, out1, out2) = (outS[0], outS[1], outS[2])
            let (k0, k1, k2) = (k[0], k[1], k[2]), (s0, s1, s2) = (s[0], s[1], s[2]), (p0, p1, p2) = (p[0], p[1], p[2])
            var o = 0
            for od in 0..<out0 {
              let d0 = od * s0 - p0, ds = max(d0, 0), de = min(min(d0 + k0, in0 + p0), in0)
              for oh in 0..<out1 {
                let h0 = oh * s1 - p1, hs = max(h0, 0), he = min(min(h0 + k1, in1 + p1), in1)
                for ow in 0..<out2 {
                  let w0 = ow * s2 - p2, ws = max(w0, 0), we = min(min(w0 + k2, in2 + p2), in2)
                  var m = -Float.infinity
                  var best = -1
                  // Plain ranges (empty when a padded window misses the image) loop tighter than stride().
                  for id in ds..<max(ds, de) {
                    for ih in hs..<max(hs, he) {
                      let row = xc + (id * in1 + ih) * in2
                      for iw in ws..<max(ws, we) where x[row + iw] > m {
                        m = x[row + iw]
                        best = row + iw
                      }
                    }
                  }
                  y[o] = m
                  w[o] = Int32(best)
                  o += 1
                }
              }
            }
          }
          ConvolutionGeometry.parallel(planes, work: x.count, plane)
        }
      }
    }
    return (FloatTensor(shape: outShape, values: y), winners)
  }

  static func backward(xShape: [Int], winners: [Int32], dy: FloatTensor) -> FloatTensor {
    var dx = [Float](repeating: 0, count: xShape.reduce(1, *))
    for (o, i) in winners.enumerated() where i >= 0 { dx[Int(i)] += dy.values[o] }
    return FloatTensor(shape: xShape, values: dx)
  }
}
