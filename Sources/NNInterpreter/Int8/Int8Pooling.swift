import NNIR

extension Int8Kernels {
  /// `nnc_maxpool_s8`: the max of the real elements of each window (windows exactly as
  /// `FloatKernels.maxPooling`: padding never wins; a window with no real element gives -128).
  /// y keeps x's quantization (max commutes with the monotone dequantization).
  public static func maxPooling(_ p: PoolParams, x: [Int8]) -> [Int8] {
    var out = [Int8]()
    out.reserveCapacity(p.outputCount)
    forEachWindow(p, x: x) { xp, hs, he, ws, we, _ in
      var m = Int8.min
      for ih in hs..<he {
        let row = ih * Int(p.inW)
        for iw in ws..<we where xp[row + iw] > m { m = xp[row + iw] }
      }
      out.append(m)
    }
    return out
  }

  /// `nnc_avgpool_s8`: `acc = Σ (x + inputOffset)` over the real elements of each window, divided
  /// (`FixedPoint.roundedDivide`: half away from zero) by `FloatKernels.averagePooling`'s divisor
  /// (`includingPad` ? positions of the window clipped to the padded input : real elements), then
  /// `y = clamp(requantize(acc, multiplier, shift) + outputOffset, actMin, actMax)`. The average
  /// is rounded in the input's units before it is requantized, so it is within one output step of
  /// the float result when the output scale is at least the input scale (TFLite keeps them equal).
  public static func averagePooling(_ p: PoolS8Params, x: [Int8]) -> [Int8] {
    pool(p, x: x, average: true)
  }

  /// `nnc_sumpool_s8`: as `averagePooling` without the division.
  public static func sumPooling(_ p: PoolS8Params, x: [Int8]) -> [Int8] {
    pool(p, x: x, average: false)
  }

  /// `nnc_global_avgpool_s8`: `acc = Σ_i (x[r][i] + inputOffset)` rounded-divided by `size`, then
  /// `y[r] = clamp(requantize(acc, multiplier, shift) + outputOffset, -128, 127)`.
  public static func globalAveragePooling(_ p: GlobalPoolS8Params, x: [Int8]) -> [Int8] {
    let (outer, size) = (Int(p.outer), Int(p.size))
    precondition(x.count == outer * size, "global_avgpool_s8: x size mismatch")
    return x.withUnsafeBufferPointer { xp in
      (0..<outer).map { r in
        var acc: Int32 = 0
        for i in 0..<size { acc &+= Int32(xp[r * size + i]) &+ p.inputOffset }
        acc = FixedPoint.roundedDivide(acc, by: p.size)
        return FixedPoint.output(
          FixedPoint.requantize(acc, multiplier: p.multiplier, shift: p.shift), offset: p.outputOffset,
          min: -128, max: 127)
      }
    }
  }

  static func pool(_ q: PoolS8Params, x: [Int8], average: Bool) -> [Int8] {
    let p = q.geometry
    var out = [Int8]()
    out.reserveCapacity(p.outputCount)
    forEachWindow(p, x: x) { xp, hs, he, ws, we, padded in
      var acc: Int32 = 0
      for ih in hs..<he {
        let row = ih * Int(p.inW)
        for iw in ws..<we { acc &+= Int32(xp[row + iw]) &+ q.inputOffset }
      }
      if average {
        let count = p.includingPad ? padded : (he - hs) * (we - ws)
        acc = FixedPoint.roundedDivide(acc, by: Int32(count))
      }
      out.append(
        FixedPoint.output(
          FixedPoint.requantize(acc, multiplier: q.multiplier, shift: q.shift), offset: q.outputOffset,
          min: q.actMin, max: q.actMax))
    }
    return out
  }

  /// Visits the windows of `nnc_pool_f32` / `nnc_pool_s8` in output order. For each it passes the
  /// map of x, the real rows `hs..<he` and columns `ws..<we` (empty ranges allowed), and the size
  /// of the window clipped to the padded input (`including_pad`'s divisor).
  static func forEachWindow(
    _ p: PoolParams, x: [Int8],
    _ body: (_ map: UnsafeBufferPointer<Int8>, _ hs: Int, _ he: Int, _ ws: Int, _ we: Int, _ padded: Int) -> Void
  ) {
    precondition(x.count == p.inputCount, "pool_s8: x size mismatch")
    let (inH, inW) = (Int(p.inH), Int(p.inW))
    let inMap = inH * inW
    x.withUnsafeBufferPointer { xp in
      for r in 0..<Int(p.outer) {
        let map = UnsafeBufferPointer(rebasing: xp[(r * inMap)..<((r + 1) * inMap)])
        for oh in 0..<Int(p.outH) {
          // Window clipped to the padded input, then to the real input.
          let h0 = oh * Int(p.strideH) - Int(p.padH)
          let h1 = min(h0 + Int(p.kernelH), inH + Int(p.padH))
          let hs = max(h0, 0)
          let he = max(min(h1, inH), hs)
          for ow in 0..<Int(p.outW) {
            let w0 = ow * Int(p.strideW) - Int(p.padW)
            let w1 = min(w0 + Int(p.kernelW), inW + Int(p.padW))
            let ws = max(w0, 0)
            let we = max(min(w1, inW), ws)
            body(map, hs, he, ws, we, (h1 - h0) * (w1 - w0))
          }
        }
      }
    }
  }
}
