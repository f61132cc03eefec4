/// The constants of the optimized int8 kernels (`nnc_conv_s8_opt`, `nnc_affine_s8_opt`; layout
/// in `runtime-c/include/nnc_int8.h`), made from a layer's reference constants at compile time:
///
/// - weights widened to int16 so the inner loop feeds SMLAD straight from memory; per group,
///   channels in blocks of four whose rows are interleaved by k pairs (`[k/2][channel][k%2]`),
///   then the remaining channels one row each; every row zero-padded from K to `kPadded` (even);
/// - the input offset folded into the bias, `bias' = bias + inputOffset·Σw` (in wrapping int32,
///   as the kernel sums), so activations are only sign-extended.
public struct PackedWeights: Sendable, Equatable {
  public var weights: [Int16]
  public var bias: [Int32]
  /// K (weights per output channel) rounded up to even.
  public var kPadded: Int32

  /// `weights` is `[channels][K]`, channels `groups` groups of `channels / groups`.
  public init(weights: [Int8], bias: [Int32]?, channels: Int, groups: Int, inputOffset: Int32) {
    precondition(channels > 0 && groups > 0 && channels % groups == 0 && weights.count % channels == 0)
    let k = weights.count / channels
    let kp = k + (k & 1)
    let perGroup = channels / groups
    var packed = [Int16](repeating: 0, count: channels * kp)
    var folded = bias ?? [Int32](repeating: 0, count: channels)
    for g in 0..<groups {
      for c in 0..<perGroup {
        let oc = g * perGroup + c
        let block = c - c % 4
        var sum: Int32 = 0
        for i in 0..<k {
          let v = Int16(weights[oc * k + i])
          let at =
            block + 4 <= perGroup
            ? (g * perGroup + block) * kp + (i / 2) * 8 + (c % 4) * 2 + i % 2
            : oc * kp + i
          packed[at] = v
          sum &+= Int32(v)
        }
        folded[oc] = folded[oc] &+ inputOffset &* sum
      }
    }
    self.weights = packed
    self.bias = folded
    self.kPadded = Int32(kp)
  }

  /// `nnc_conv_s8_opt`'s scratch bytes: the int16 columns (two, or the pooling window rounded up
  /// to even), two int32 accumulators per channel of a group, and one int32 offset per tap.
  public static func convolutionScratchBytes(_ p: ConvS8Params, kPadded: Int32, pool: PoolParams?) -> Int {
    let window = pool.map { Int($0.kernelH * $0.kernelW) } ?? 1
    let columns = window > 1 ? window + (window & 1) : 2
    return 2 * columns * Int(kPadded) + 8 * Int(p.outC / p.group) + 4 * Int(kPadded)
  }

  /// `nnc_affine_s8_opt`'s scratch bytes: one widened row of x.
  public static func affineScratchBytes(kPadded: Int32) -> Int { 2 * Int(kPadded) }
}
