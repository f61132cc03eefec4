/// The constants of the optimized int8 kernels (`nnc_conv_s8_opt`, `nnc_affine_s8_opt`; layout
/// in `runtime-c/include/nnc_int8.h`), made from a layer's reference constants at compile time:
///
/// - weights stay int8 (as many bytes as the reference kernels' weights, plus the padding), in the
///   order SXTB16 expands straight into SMLAD operand pairs: per group, channels in blocks of
///   four, then at most one block of two, then at most one single channel; inside a block, per k
///   pair, each two channels (a, b) as `a.k0, b.k0, a.k1, b.k1` (one word: SXTB16 gives
///   `(a.k0, a.k1)`, SXTB16 ROR 8 gives `(b.k0, b.k1)`); a single channel is its plain row; every
///   row zero-padded from K to `kPadded` (even), and channel c starts at byte `c · kPadded`;
/// - the input offset folded into the bias, `bias' = bias + inputOffset·Σw` (in wrapping int32,
///   as the kernel sums), so activations are only sign-extended.
public struct PackedWeights: Sendable, Equatable {
  public var weights: [Int8]
  public var bias: [Int32]
  /// K (weights per output channel) rounded up to even.
  public var kPadded: Int32

  /// `weights` is `[channels][K]`, channels `groups` groups of `channels / groups`.
  public init(weights: [Int8], bias: [Int32]?, channels: Int, groups: Int, inputOffset: Int32) {
    precondition(channels > 0 && groups > 0 && channels % groups == 0 && weights.count % channels == 0)
    let k = weights.count / channels
    let kp = k + (k & 1)
    let perGroup = channels / groups
    var packed = [Int8](repeating: 0, count: channels * kp)
    var folded = bias ?? [Int32](repeating: 0, count: channels)
    for g in 0..<groups {
      for c in 0..<perGroup {
        let oc = g * perGroup + c
        var sum: Int32 = 0
        for i in 0..<k {
          let v = weights[oc * k + i]
          packed[g * perGroup * kp + Self.offset(channel: c, tap: i, perGroup: perGroup, kPadded: kp)] = v
          sum &+= Int32(v)
        }
        folded[oc] = folded[oc] &+ inputOffset &* sum
      }
    }
    self.weights = packed
    self.bias = folded
    self.kPadded = Int32(kp)
  }

  /// `nnc_affine_s8_opt`'s constants: the layout above with one change in the blocks of four:
  /// their even bytes (channels 0 and 2 of each block) are stored biased by 128 (XOR 0x80, the
  /// unsigned byte w + 128), so the kernel can feed those words to SMLAD without SXTB16 (see
  /// `nnc_affine_blocks4_raw`). Blocks of two and single channels are unchanged.
  public static func affine(weights: [Int8], bias: [Int32]?, outFeatures: Int, inputOffset: Int32) -> PackedWeights {
    var packed = PackedWeights(weights: weights, bias: bias, channels: outFeatures, groups: 1, inputOffset: inputOffset)
    let biasedBytes = (outFeatures - outFeatures % 4) * Int(packed.kPadded)
    for i in stride(from: 0, to: biasedBytes, by: 2) {
      packed.weights[i] = Int8(bitPattern: UInt8(bitPattern: packed.weights[i]) ^ 0x80)
    }
    return packed
  }

  /// Where tap `k` of channel `c` of a group goes, from the group's first byte.
  static func offset(channel c: Int, tap k: Int, perGroup: Int, kPadded: Int) -> Int {
    let fours = perGroup - perGroup % 4
    let (block, n): (Int, Int) =
      c < fours ? (c - c % 4, 4) : (fours + 2 <= perGroup && c < fours + 2) ? (fours, 2) : (c, 1)
    let l = c - block
    let inPair = n == 1 ? k % 2 : 4 * (l / 2) + 2 * (k % 2) + l % 2
    return block * kPadded + (k / 2) * 2 * n + inPair
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
