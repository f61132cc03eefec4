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
            var o = 0
            for od in 0..<outS[0] {
              let d0 = od * s[0] - p[0], ds = max(d0, 0), de = min(min(d0 + k[0], inS[0] + p[0]), inS[0])
              for oh in 0..<outS[1] {
                let h0 = oh * s[1] - p[1], hs = max(h0, 0), he = min(min(h0 + k[1], inS[1] + p[1]), inS[1])
                for ow in 0..<outS[2] {
                  let w0 = ow * s[2] - p[2], ws = max(w0, 0), we = min(min(w0 + k[2], inS[2] + p[2]), inS[2])
                  var m = -Float.infinity
                  var best = -1
                  for id in stride(from: ds, to: de, by: 1) {
                    for ih in stride(from: hs, to: he, by: 1) {
                      let row = xc + (id * inS[1] + ih) * inS[2]
                      for iw in stride(from: ws, to: we, by: 1) where x[row + iw] > m {
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
