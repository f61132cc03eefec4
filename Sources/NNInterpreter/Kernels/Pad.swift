import NNIR

extension FloatKernels {
  /// The source index along one axis for output index `o` (nnabla's `pad.cpp`), or -1 for a
  /// constant-mode position outside the input. Kept identical to `nnc_pad_source` in C.
  ///   - constant: `o - before` when inside `[0, len)`;
  ///   - reflect: `i = |o - before|`, `L = len - 1`, `L > 0 ? |((i / L) & 1) * L - i % L| : 0`
  ///     (mirror without repeating the edge, bouncing back and forth for wide pads);
  ///   - repeat: `min(max(o - before, 0), len - 1)` (edge replication).
  @inline(__always)
  public static func padSourceIndex(_ o: Int, before: Int, length len: Int, mode: PadAttributes.Mode) -> Int {
    let i = o - before
    switch mode {
    case .repeating:
      return i < 0 ? 0 : (i > len - 1 ? len - 1 : i)
    case .reflect:
      let l = len - 1
      guard l > 0 else { return 0 }
      let ai = i < 0 ? -i : i
      let r = ((ai / l) & 1) * l - ai % l
      return r < 0 ? -r : r
    case .constant:
      return (i >= 0 && i < len) ? i : -1
    }
  }

  /// nnabla `Pad`: `padWidth` holds `(before, after)` pairs for the trailing `padWidth.count / 2`
  /// axes; leading axes are not padded. Walked like `nnc_pad_f32`: row by row, the middle of each
  /// row copied, the edges mapped by `padSourceIndex`.
  public static func pad(_ x: FloatTensor, _ a: PadAttributes) -> FloatTensor {
    let rank = x.shape.count
    precondition(a.padWidth.count % 2 == 0 && a.padWidth.count / 2 <= rank, "Pad width \(a.padWidth) does not fit rank \(rank)")
    var before = [Int](repeating: 0, count: rank)
    var after = [Int](repeating: 0, count: rank)
    let lead = rank - a.padWidth.count / 2
    for k in 0..<(a.padWidth.count / 2) {
      before[lead + k] = a.padWidth[2 * k]
      after[lead + k] = a.padWidth[2 * k + 1]
    }
    return pad(x, before: before, after: after, mode: a.mode, constantValue: a.constantValue)
  }

  /// `Pad` with explicit per-axis `before` / `after` (one value per axis of x): the form of
  /// `nnc_pad_params`.
  public static func pad(
    _ x: FloatTensor, before: [Int], after: [Int], mode: PadAttributes.Mode, constantValue c: Float
  ) -> FloatTensor {
    let rank = x.shape.count
    let xShape = x.shape
    let yShape = (0..<rank).map { before[$0] + xShape[$0] + after[$0] }
    let xStrides = rowMajorStrides(xShape)
    let total = yShape.reduce(1, *)
    let y = [Float](unsafeUninitializedCapacity: total) { yp, initialized in
      initialized = total
      guard total > 0 else { return }
      x.values.withUnsafeBufferPointer { xp in
        guard rank > 0 else {
          yp[0] = xp[0]
          return
        }
        let last = rank - 1
        let b = before[last]
        let len = xShape[last]
        let n = yShape[last]
        var idx = [Int](repeating: 0, count: rank)
        var yo = 0
        while true {
          var off = 0
          var outside = false
          for d in 0..<last {
            let s = padSourceIndex(idx[d], before: before[d], length: xShape[d], mode: mode)
            if s < 0 {
              outside = true
              break
            }
            off += s * xStrides[d]
          }
          if outside {
            for j in 0..<n { yp[yo + j] = c }
          } else {
            for j in 0..<b {
              let s = padSourceIndex(j, before: b, length: len, mode: mode)
              yp[yo + j] = s < 0 ? c : xp[off + s]
            }
            for j in 0..<len { yp[yo + b + j] = xp[off + j] }
            for j in (b + len)..<n {
              let s = padSourceIndex(j, before: b, length: len, mode: mode)
              yp[yo + j] = s < 0 ? c : xp[off + s]
            }
          }
          yo += n
          var d = last - 1
          while d >= 0 {
            idx[d] += 1
            if idx[d] < yShape[d] { break }
            idx[d] = 0
            d -= 1
          }
          if d < 0 { return }
        }
      }
    }
    return FloatTensor(shape: yShape, values: y)
  }
}
