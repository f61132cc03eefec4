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
    let yShape = x.shape.indices.map { before[$0] + x.shape[$0] + after[$0] }
    return FloatTensor(
      shape: yShape, values: DataMovement.pad(x.values, xShape: x.shape, before: before, after: after, mode: mode, fill: c))
  }
}
