/*
 * nnc_conv_s8_opt.c — int8 convolution (any geometry, groups, depthwise) with an optional fused
 * max pooling, and int8 affine, built on SMLAD (nnc_dsp.h). Same bytes as nnc_conv_s8 followed by
 * nnc_maxpool_s8, and as nnc_affine_s8; see nnc_int8.h for the layouts the code generator
 * prepares (int8 weights reordered for SXTB16 in blocks of four channels, input offset folded into
 * the bias).
 */
#include "nnc_int8.h"
#include "nnc_dsp.h"

/* ---- Requantization ---------------------------------------------------------------------------- */

/* nnc_requantize for shift <= -2 and multiplier > 0 (the common case: a real multiplier below
 * 1/4), as one 64-bit multiply-accumulate and one shift. With p = acc * multiplier and e = -shift,
 * SRDHM is floor((p + 2^30) / 2^31) and RDBP(x, e) = floor((x + 2^(e-1) - [x < 0]) / 2^e); the two
 * floors nest into floor((p + 2^30 + 2^(30+e) - [x < 0] 2^31) / 2^(31+e)). With multiplier > 0,
 * [x < 0] may be read as [acc < 0] (they differ only where x = 0, and there both give 0). The
 * rounding term's low word is then 2^30 + [acc < 0] 2^31, its high word 2^(e-2) - [acc < 0]
 * (`round_hi` = 2^(e-2)), and the shift by 31 + e is the high word's by e - 1 (`hi_shift`). */
static inline int32_t nnc_requantize_down(int32_t acc, int32_t multiplier, int32_t round_hi,
                                          int32_t hi_shift)
{
    const uint32_t round_lo = ((uint32_t)acc & UINT32_C(0x80000000)) | UINT32_C(0x40000000);
    const int64_t round = (int64_t)(round_hi + (acc >> 31)) * (INT64_C(1) << 32) + round_lo;
    const int64_t r = round + (int64_t)acc * multiplier;
    return (int32_t)(r >> 32) >> hi_shift;
}

/* nnc_requantize_down's round_hi, 2^(e-2) for e = -shift in [2, 31], as 2^30 >> (32 - e): a
 * shift of a constant the loops keep in a register. */
static inline int32_t nnc_round_hi(int32_t e)
{
    return (int32_t)(UINT32_C(0x40000000) >> (32 - e));
}

/* clamp(v + offset, lo, hi) for |v| < 2^30 (nnc_requantize_down's range): no overflow. */
static inline int8_t nnc_clamp_out_s8(int32_t v, int32_t offset, int32_t lo, int32_t hi)
{
    v += offset;
    v = v < lo ? lo : v;
    v = v > hi ? hi : v;
    return (int8_t)v;
}

/* True when every channel from the first on takes nnc_requantize_down (shift <= -2, multiplier
 * > 0), so the output loops can leave the general rule out and keep their values in registers. */
static int32_t nnc_requantize_down_applies(const int32_t *multiplier, const int32_t *shift, int32_t n)
{
    int32_t c;
    for (c = 0; c < n; ++c) {
        if (shift[c] > -2 || multiplier[c] <= 0) {
            return 0;
        }
    }
    return 1;
}

/* clamp(v + offset, lo, 127) for |v| < 2^30 (no fused activation, or a ReLU: act_max = 127):
 * the lower bound, then one SSAT where the target has it (lo >= -128, so SSAT only clips the top). */
static inline int8_t nnc_clamp_top_s8(int32_t v, int32_t offset, int32_t lo)
{
    v += offset;
    v = v < lo ? lo : v;
#if defined(__ARM_FEATURE_SAT) && defined(__GNUC__)
    __asm__("ssat %0, #8, %1" : "=r"(v) : "r"(v));
#else
    v = v > 127 ? 127 : v;
#endif
    return (int8_t)v;
}

/* ---- Dot products: int8 weights expanded by SXTB16 against int16 column pairs ---------------- */

/* Weights come in blocks of n = 4, 2 or 1 channels; per k pair a block holds 2n bytes, each two
 * channels (a, b) as a.k0, b.k0, a.k1, b.k1, so one word gives SXTB16 = (a.k0, a.k1) and
 * SXTB16 ROR 8 = (b.k0, b.k1): SMLAD operand pairs for two channels from one load. */

/* One k pair of the 4x2 block: columns c[0..3] against the block's 8 weight bytes w[0..7] (k pair
 * `at` from the pointers); a macro so the eight accumulators stay in registers. */
#define NNC_STEP4X2(at)                                                                            \
    do {                                                                                           \
        const uint32_t x0_ = nnc_read_u32(c + 4 * (at));                                          \
        const uint32_t x1_ = nnc_read_u32(c + 4 * (at) + 2);                                      \
        uint32_t v_ = nnc_read_u32(w + 8 * (at));                                                 \
        uint32_t u_ = nnc_sxtb16_ror8(v_);                                                         \
        v_ = nnc_sxtb16(v_);                                                                       \
        a0 = nnc_smlad(v_, x0_, a0);                                                               \
        a1 = nnc_smlad(v_, x1_, a1);                                                               \
        a2 = nnc_smlad(u_, x0_, a2);                                                               \
        a3 = nnc_smlad(u_, x1_, a3);                                                               \
        NNC_DSP_SCHEDULE_BARRIER();                                                                \
        v_ = nnc_read_u32(w + 8 * (at) + 4);                                                      \
        u_ = nnc_sxtb16_ror8(v_);                                                                  \
        v_ = nnc_sxtb16(v_);                                                                       \
        a4 = nnc_smlad(v_, x0_, a4);                                                               \
        a5 = nnc_smlad(v_, x1_, a5);                                                               \
        a6 = nnc_smlad(u_, x0_, a6);                                                               \
        a7 = nnc_smlad(u_, x1_, a7);                                                               \
        NNC_DSP_SCHEDULE_BARRIER();                                                                \
    } while (0)

/* The k loop of a block of four channels by a column pair (w, c: the k pair's weights and
 * columns, a0..a7 the accumulators; `end`: c past the last k pair): the pairs beyond a multiple
 * of eight first, by falling through (no counter to keep), then eight per step. */
#define NNC_K_LOOP4X2(end)                                                                         \
    switch (pairs & 7) {                                                                           \
    case 7:                                                                                        \
        NNC_STEP4X2(0);                                                                            \
        w += 8;                                                                                    \
        c += 4;                                                                                    \
        NNC_FALLTHROUGH;                                                                           \
    case 6:                                                                                        \
        NNC_STEP4X2(0);                                                                            \
        w += 8;                                                                                    \
        c += 4;                                                                                    \
        NNC_FALLTHROUGH;                                                                           \
    case 5:                                                                                        \
        NNC_STEP4X2(0);                                                                            \
        w += 8;                                                                                    \
        c += 4;                                                                                    \
        NNC_FALLTHROUGH;                                                                           \
    case 4:                                                                                        \
        NNC_STEP4X2(0);                                                                            \
        w += 8;                                                                                    \
        c += 4;                                                                                    \
        NNC_FALLTHROUGH;                                                                           \
    case 3:                                                                                        \
        NNC_STEP4X2(0);                                                                            \
        w += 8;                                                                                    \
        c += 4;                                                                                    \
        NNC_FALLTHROUGH;                                                                           \
    case 2:                                                                                        \
        NNC_STEP4X2(0);                                                                            \
        w += 8;                                                                                    \
        c += 4;                                                                                    \
        NNC_FALLTHROUGH;                                                                           \
    case 1:                                                                                        \
        NNC_STEP4X2(0);                                                                            \
        w += 8;                                                                                    \
        c += 4;                                                                                    \
        break;                                                                                     \
    default:                                                                                       \
        break;                                                                                     \
    }                                                                                              \
    while (c != (end)) {                                                                           \
        NNC_STEP4X2(0);                                                                            \
        NNC_STEP4X2(1);                                                                            \
        NNC_STEP4X2(2);                                                                            \
        NNC_STEP4X2(3);                                                                            \
        NNC_STEP4X2(4);                                                                            \
        NNC_STEP4X2(5);                                                                            \
        NNC_STEP4X2(6);                                                                            \
        NNC_STEP4X2(7);                                                                            \
        w += 64;                                                                                   \
        c += 32;                                                                                   \
    }                                                                                              \
    (void)0

/* Four channels (one block) by `ncols` columns (interleaved by pairs per k pair too:
 * [k/2][column][2] at cols + j * k_padded for the pair j, j + 1), unrolled by eight k pairs, for
 * the fused max pooling: out[c] is the max over the columns. The running max lives in out[], not
 * in registers, which the loop needs all of. */
static void nnc_block4(const int8_t *w_block, const int32_t *bias, const int16_t *cols,
                       int32_t ncols, int32_t k_padded, int32_t *out)
{
    const int32_t pairs = k_padded / 2;
    int32_t j;
    for (j = 0; j < ncols; j += 2) {
        const int8_t *w = w_block;
        const int16_t *c = cols + j * k_padded;
        const int16_t *end = c + 4 * pairs;
        int32_t a0 = bias[0], a1 = bias[0], a2 = bias[1], a3 = bias[1];
        int32_t a4 = bias[2], a5 = bias[2], a6 = bias[3], a7 = bias[3];
        NNC_K_LOOP4X2(end);
        a0 = a0 > a1 ? a0 : a1;
        a2 = a2 > a3 ? a2 : a3;
        a4 = a4 > a5 ? a4 : a5;
        a6 = a6 > a7 ? a6 : a7;
        if (j > 0) {
            a0 = a0 > out[0] ? a0 : out[0];
            a2 = a2 > out[1] ? a2 : out[1];
            a4 = a4 > out[2] ? a4 : out[2];
            a6 = a6 > out[3] ? a6 : out[3];
        }
        out[0] = a0; out[1] = a2; out[2] = a4; out[3] = a6;
    }
}

/* nnc_block4 without pooling for `blocks` blocks of four channels in a row, against the one
 * column pair at cols: out[8b + 2c + j] for channel c of block b and column j. One call per pixel
 * pair instead of one per block; each block's weights follow the previous block's, where the
 * k loop leaves w. */
static void nnc_blocks4_pair(const int8_t *w, const int32_t *bias, const int16_t *cols,
                             int32_t blocks, int32_t k_padded, int32_t *out)
{
    const int32_t pairs = k_padded / 2;
    const int16_t *end = cols + 4 * pairs;
    const int32_t *bias_end = bias + 4 * blocks;
    while (bias != bias_end) {
        const int16_t *c = cols;
        int32_t a0 = bias[0], a1 = bias[0], a2 = bias[1], a3 = bias[1];
        int32_t a4 = bias[2], a5 = bias[2], a6 = bias[3], a7 = bias[3];
        NNC_K_LOOP4X2(end);
        out[0] = a0; out[1] = a1; out[2] = a2; out[3] = a3;
        out[4] = a4; out[5] = a5; out[6] = a6; out[7] = a7;
        out += 8;
        bias += 4;
    }
}

#undef NNC_K_LOOP4X2
#undef NNC_STEP4X2

/* The k pair i of a one-channel row (k0, k1) as an SMLAD operand. */
static inline uint32_t nnc_row_pair(const int8_t *w, int32_t i)
{
    return nnc_pkhbt_lsl16((uint32_t)(int32_t)w[2 * i], (uint32_t)(int32_t)w[2 * i + 1]);
}

/* Two channels (a block of two) by two interleaved columns: acc[2ch + column]. */
static void nnc_dot2x2(const int8_t *w, const int16_t *c, int32_t pairs, int32_t acc[4])
{
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    int32_t i;
    for (i = 0; i < pairs; ++i) {
        const uint32_t x0 = nnc_read_u32(c + 4 * i), x1 = nnc_read_u32(c + 4 * i + 2);
        const uint32_t v = nnc_read_u32(w + 4 * i);
        const uint32_t e = nnc_sxtb16(v), o = nnc_sxtb16_ror8(v);
        a0 = nnc_smlad(e, x0, a0);
        a1 = nnc_smlad(e, x1, a1);
        a2 = nnc_smlad(o, x0, a2);
        a3 = nnc_smlad(o, x1, a3);
    }
    acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3;
}

/* One channel (a plain row) by two interleaved columns. */
static void nnc_dot1x2(const int8_t *w, const int16_t *c, int32_t pairs, int32_t acc[2])
{
    int32_t a0 = acc[0], a1 = acc[1];
    int32_t i;
    for (i = 0; i < pairs; ++i) {
        const uint32_t v = nnc_row_pair(w, i);
        a0 = nnc_smlad(v, nnc_read_u32(c + 4 * i), a0);
        a1 = nnc_smlad(v, nnc_read_u32(c + 4 * i + 2), a1);
    }
    acc[0] = a0;
    acc[1] = a1;
}

/* The output byte of accumulator acc of a channel with (multiplier, shift): `mode` 2 when
 * nnc_requantize_down applies and act_max is 127 (SSAT), 1 when it applies, 0 for the general
 * rule. */
static inline int8_t nnc_output_by_mode(int32_t mode, int32_t acc, int32_t multiplier, int32_t shift,
                                        int32_t offset, int32_t lo, int32_t hi)
{
    if (mode == 2) {
        return nnc_clamp_top_s8(nnc_requantize_down(acc, multiplier, nnc_round_hi(-shift), -shift - 1),
                                offset, lo);
    }
    if (mode == 1) {
        return nnc_clamp_out_s8(nnc_requantize_down(acc, multiplier, nnc_round_hi(-shift), -shift - 1),
                                offset, lo, hi);
    }
    return nnc_output_s8(nnc_requantize(acc, multiplier, shift), offset, lo, hi);
}

/* The requantization of a run of channels, for nnc_affine_blocks4_raw. */
typedef struct {
    const int32_t *multiplier, *shift;
    int32_t mode; /* as nnc_output_by_mode */
    int32_t offset, lo, hi;
} nnc_output_rule;

/* ---- Affine: blocks of four channels with one SXTB16 per weight word --------------------------- */

/* In nnc_affine_s8_opt's blocks of four, the even bytes of each weight word (channels 0 and 2 of
 * the block) are stored XOR 0x80, i.e. as the unsigned byte w + 128, and the odd bytes (channels 1
 * and 3) as they are. SMLAD of the raw word v against a column pair then adds
 * (256 w1 + w0 + 128) x per k (each halfword read as int16 is 256 * its high byte + its low byte
 * unsigned), SXTB16 ROR 8 gives channel 1 exactly, and channel 0 is the raw sum minus 256 times
 * channel 1's minus 128 * sum(x): one SXTB16 per word instead of two. All of it modulo 2^32, as
 * SMLAD wraps; the true accumulators fit in int32, so the difference is exact. */
#define NNC_STEP4X1_RAW(at)                                                                        \
    do {                                                                                           \
        const uint32_t x_ = nnc_read_u32(c + 4 * (at)), y_ = nnc_read_u32(c + 4 * (at) + 2);       \
        const uint32_t v_ = nnc_read_u32(w + 16 * (at)), u_ = nnc_read_u32(w + 16 * (at) + 4);     \
        const uint32_t s_ = nnc_read_u32(w + 16 * (at) + 8), t_ = nnc_read_u32(w + 16 * (at) + 12);\
        NNC_DSP_SCHEDULE_BARRIER(); /* the six loads back to back: the M4 pipelines them */       \
        t0 = nnc_smlad(v_, x_, t0);                                                                \
        a1 = nnc_smlad(nnc_sxtb16_ror8(v_), x_, a1);                                               \
        t2 = nnc_smlad(u_, x_, t2);                                                                \
        a3 = nnc_smlad(nnc_sxtb16_ror8(u_), x_, a3);                                               \
        t0 = nnc_smlad(s_, y_, t0);                                                                \
        a1 = nnc_smlad(nnc_sxtb16_ror8(s_), y_, a1);                                               \
        t2 = nnc_smlad(t_, y_, t2);                                                                \
        a3 = nnc_smlad(nnc_sxtb16_ror8(t_), y_, a3);                                               \
        NNC_DSP_SCHEDULE_BARRIER();                                                                \
    } while (0)

/* One k pair of it (k pair `at` from the pointers). */
#define NNC_STEP4X1_RAW_ONE(at)                                                                    \
    do {                                                                                           \
        const uint32_t x_ = nnc_read_u32(c + 2 * (at));                                           \
        const uint32_t v_ = nnc_read_u32(w + 8 * (at)), u_ = nnc_read_u32(w + 8 * (at) + 4);       \
        NNC_DSP_SCHEDULE_BARRIER();                                                                \
        t0 = nnc_smlad(v_, x_, t0);                                                                \
        a1 = nnc_smlad(nnc_sxtb16_ror8(v_), x_, a1);                                               \
        t2 = nnc_smlad(u_, x_, t2);                                                                \
        a3 = nnc_smlad(nnc_sxtb16_ror8(u_), x_, a3);                                               \
        NNC_DSP_SCHEDULE_BARRIER();                                                                \
    } while (0)

/* Four channels by one column (unrolled by eight k pairs, the rest first by falling through) and
 * their output bytes, for `blocks` blocks of four channels in a row (each block's weights follow
 * the previous block's), on the biased layout above; `x_sum128` = 128 * sum of the k_padded columns
 * (mod 2^32). The raw accumulators start at bias0 + 256 bias1 - x_sum128, so that at the end
 * channel 0 = t0 - 256 * a1. Inlined into both callers below, so each gets its own copy with
 * `mode` known or not. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void nnc_affine_blocks4_raw_loop(const int8_t *w, const int16_t *x, int32_t pairs,
                                               const int32_t *bias, int32_t blocks, uint32_t x_sum128,
                                               const nnc_output_rule *rule, int32_t mode, int8_t *y)
{
    const int32_t *multiplier = rule->multiplier, *shift = rule->shift;
    const int32_t offset = rule->offset, lo = rule->lo, hi = rule->hi;
    const int16_t *end = x + 2 * pairs;
    int8_t *y_end = y + 4 * blocks;
    while (y != y_end) {
        const int16_t *c = x;
        int32_t a1 = bias[1], a3 = bias[3];
        int32_t t0 = (int32_t)((uint32_t)bias[0] + ((uint32_t)a1 << 8) - x_sum128);
        int32_t t2 = (int32_t)((uint32_t)bias[2] + ((uint32_t)a3 << 8) - x_sum128);
        switch (pairs & 7) {
        case 7:
            NNC_STEP4X1_RAW_ONE(0);
            w += 8;
            c += 2;
            NNC_FALLTHROUGH;
        case 6:
            NNC_STEP4X1_RAW_ONE(0);
            w += 8;
            c += 2;
            NNC_FALLTHROUGH;
        case 5:
            NNC_STEP4X1_RAW_ONE(0);
            w += 8;
            c += 2;
            NNC_FALLTHROUGH;
        case 4:
            NNC_STEP4X1_RAW_ONE(0);
            w += 8;
            c += 2;
            NNC_FALLTHROUGH;
        case 3:
            NNC_STEP4X1_RAW_ONE(0);
            w += 8;
            c += 2;
            NNC_FALLTHROUGH;
        case 2:
            NNC_STEP4X1_RAW_ONE(0);
            w += 8;
            c += 2;
            NNC_FALLTHROUGH;
        case 1:
            NNC_STEP4X1_RAW_ONE(0);
            w += 8;
            c += 2;
            break;
        default:
            break;
        }
        while (c != end) {
            NNC_STEP4X1_RAW(0);
            NNC_STEP4X1_RAW(1);
            NNC_STEP4X1_RAW(2);
            NNC_STEP4X1_RAW(3);
            w += 64;
            c += 16;
        }
        t0 = (int32_t)((uint32_t)t0 - ((uint32_t)a1 << 8));
        t2 = (int32_t)((uint32_t)t2 - ((uint32_t)a3 << 8));
        y[0] = nnc_output_by_mode(mode, t0, multiplier[0], shift[0], offset, lo, hi);
        y[1] = nnc_output_by_mode(mode, a1, multiplier[1], shift[1], offset, lo, hi);
        y[2] = nnc_output_by_mode(mode, t2, multiplier[2], shift[2], offset, lo, hi);
        y[3] = nnc_output_by_mode(mode, a3, multiplier[3], shift[3], offset, lo, hi);
        y += 4;
        bias += 4;
        multiplier += 4;
        shift += 4;
    }
}

#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void nnc_affine_blocks4_raw_top(const int8_t *w, const int16_t *x, int32_t pairs, const int32_t *bias,
                                   int32_t blocks, uint32_t x_sum128, const nnc_output_rule *rule,
                                   int8_t *y)
{
    nnc_affine_blocks4_raw_loop(w, x, pairs, bias, blocks, x_sum128, rule, 2, y);
}

#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void nnc_affine_blocks4_raw_any(const int8_t *w, const int16_t *x, int32_t pairs, const int32_t *bias,
                                   int32_t blocks, uint32_t x_sum128, const nnc_output_rule *rule,
                                   int8_t *y)
{
    nnc_affine_blocks4_raw_loop(w, x, pairs, bias, blocks, x_sum128, rule, rule->mode, y);
}

/* nnc_affine_blocks4_raw_top: mode 2 as a constant (the common case: no general rule, act_max
 * 127), so its requantization keeps fewer values in registers. */
static void nnc_affine_blocks4_raw(const int8_t *w, const int16_t *x, int32_t pairs, const int32_t *bias,
                                   int32_t blocks, uint32_t x_sum128, const nnc_output_rule *rule,
                                   int8_t *y)
{
    if (rule->mode == 2) {
        nnc_affine_blocks4_raw_top(w, x, pairs, bias, blocks, x_sum128, rule, y);
    } else {
        nnc_affine_blocks4_raw_any(w, x, pairs, bias, blocks, x_sum128, rule, y);
    }
}

#undef NNC_STEP4X1_RAW
#undef NNC_STEP4X1_RAW_ONE

/* 128 * the sum of the k_padded widened columns, modulo 2^32. */
static uint32_t nnc_column_sum128(const int16_t *c, int32_t pairs)
{
    int32_t s = 0;
    int32_t i;
    for (i = 0; i < pairs; ++i) {
        s = nnc_smlad(nnc_read_u32(c + 2 * i), UINT32_C(0x00010001), s);
    }
    return (uint32_t)s << 7;
}

/* Two channels (a block of two) by one column: acc[ch]. */
static void nnc_dot2x1(const int8_t *w, const int16_t *c, int32_t pairs, int32_t acc[2])
{
    int32_t a0 = acc[0], a1 = acc[1];
    int32_t i;
    for (i = 0; i < pairs; ++i) {
        const uint32_t x = nnc_read_u32(c + 2 * i);
        const uint32_t v = nnc_read_u32(w + 4 * i);
        a0 = nnc_smlad(nnc_sxtb16(v), x, a0);
        a1 = nnc_smlad(nnc_sxtb16_ror8(v), x, a1);
    }
    acc[0] = a0;
    acc[1] = a1;
}

/* One channel by one column. */
static int32_t nnc_dot1x1(const int8_t *w, const int16_t *c, int32_t pairs, int32_t acc)
{
    int32_t i;
    for (i = 0; i < pairs; ++i) {
        acc = nnc_smlad(nnc_row_pair(w, i), nnc_read_u32(c + 2 * i), acc);
    }
    return acc;
}

/* ---- Columns ----------------------------------------------------------------------------------- */

/* Two adjacent bytes (an int8 pair) as the low half of a word. */
static inline uint32_t nnc_read_pair_s8(const int8_t *x)
{
    uint16_t v;
    memcpy(&v, x, sizeof v);
    return v;
}

/* dst[i] = src[i] for i < n, four at a time with SXTB16 (little-endian word order). */
static inline void nnc_widen_s8(const int8_t *src, int32_t n, int16_t *dst)
{
    while (n >= 4) {
        const uint32_t v = nnc_read_u32(src);
        const uint32_t even = nnc_sxtb16(v);
        const uint32_t odd = nnc_sxtb16_ror8(v);
        nnc_write_u32(dst, nnc_pkhbt_lsl16(even, odd));
        nnc_write_u32(dst + 2, nnc_pkhtb_asr16(odd, even));
        src += 4;
        dst += 4;
        n -= 4;
    }
    while (n > 0) {
        *dst++ = *src++;
        --n;
    }
}

/* nnc_im2col_s16 (below) row by row, for groups of few channels (depthwise), where a loop over
 * the channels per window position would run once: the kw range inside the input is the same
 * for every row, so it is found once. */
static void nnc_im2col_rows_s16(const nnc_conv_s8_params *p, const int8_t *x_group, int32_t oh,
                                int32_t ow, int16_t *col)
{
    const int32_t in_per_group = p->in_c / p->group;
    const int32_t in_map = p->in_h * p->in_w;
    const int32_t k_h = p->kernel_h, k_w = p->kernel_w, d_w = p->dilation_w;
    const int32_t ih0 = oh * p->stride_h - p->pad_h;
    const int32_t iw0 = ow * p->stride_w - p->pad_w;
    const int16_t pad = (int16_t)(-p->input_offset);
    int16_t *d = col;
    int32_t step = 1; /* 1 after an even tap, 3 after an odd one */
    int32_t kw_lo = 0, kw_hi = k_w; /* taps kw_lo .. kw_hi - 1 of a row are inside */
    int32_t icl, kh, kw;

    while (kw_lo < k_w && iw0 + kw_lo * d_w < 0) {
        ++kw_lo;
    }
    while (kw_hi > kw_lo && iw0 + (kw_hi - 1) * d_w >= p->in_w) {
        --kw_hi;
    }
    for (icl = 0; icl < in_per_group; ++icl) {
        const int8_t *xc = x_group + icl * in_map;
        for (kh = 0; kh < k_h; ++kh) {
            const int32_t ih = ih0 + kh * p->dilation_h;
            const int32_t row_inside = ih >= 0 && ih < p->in_h;
            const int8_t *row = row_inside ? xc + ih * p->in_w : xc; /* never before x */
            const int32_t lo = row_inside ? kw_lo : k_w, hi = row_inside ? kw_hi : k_w;
            for (kw = 0; kw < lo; ++kw) {
                *d = pad;
                d += step;
                step ^= 2;
            }
            for (; kw < hi; ++kw) {
                *d = row[iw0 + kw * d_w];
                d += step;
                step ^= 2;
            }
            for (; kw < k_w; ++kw) {
                *d = pad;
                d += step;
                step ^= 2;
            }
        }
    }
    if (step == 3) { /* K odd: the last pair's second tap */
        *d = 0;
    }
}

/* The column of output pixel (oh, ow) of one group: its taps in weight order [ic][kh][kw] as
 * int16, the input zero point where a tap falls in the padding (so that with the input offset
 * folded into the bias it adds exactly nothing), zero up to k_padded. Written interleaved with
 * the other column of its pair: tap t at col[2t - t % 2] (col is the pair's base, + 2 for the
 * second column). Window position by window position: whether it is inside is the same for every
 * channel, so the inner loop over the channels only copies (or pads). */
static void nnc_im2col_s16(const nnc_conv_s8_params *p, const int8_t *x_group, int32_t oh,
                           int32_t ow, int16_t *col)
{
    const int32_t in_per_group = p->in_c / p->group;
    const int32_t in_map = p->in_h * p->in_w;
    const int32_t k_h = p->kernel_h, k_w = p->kernel_w, window = k_h * k_w;
    const int32_t k = in_per_group * window;
    const int32_t ih0 = oh * p->stride_h - p->pad_h;
    const int32_t iw0 = ow * p->stride_w - p->pad_w;
    const int16_t pad = (int16_t)(-p->input_offset);
    int32_t kh, kw;

    if (in_per_group < 4) {
        nnc_im2col_rows_s16(p, x_group, oh, ow, col);
        return;
    }
    for (kh = 0; kh < k_h; ++kh) {
        const int32_t ih = ih0 + kh * p->dilation_h;
        for (kw = 0; kw < k_w; ++kw) {
            const int32_t iw = iw0 + kw * p->dilation_w;
            int32_t t = kh * k_w + kw;
            if (ih >= 0 && ih < p->in_h && iw >= 0 && iw < p->in_w) {
                const int8_t *src = x_group + ih * p->in_w + iw;
                for (; t < k; t += window) {
                    col[2 * t - (t & 1)] = *src;
                    src += in_map;
                }
            } else {
                for (; t < k; t += window) {
                    col[2 * t - (t & 1)] = pad;
                }
            }
        }
    }
    if (k & 1) { /* the last pair's second tap */
        col[2 * k - 1] = 0;
    }
}

/* The input offset of every tap k (order [ic][kh][kw]) from its pixel's window origin. */
static void nnc_tap_offsets(const nnc_conv_s8_params *p, int32_t *off)
{
    const int32_t in_per_group = p->in_c / p->group;
    const int32_t in_map = p->in_h * p->in_w;
    int32_t icl, kh, kw;
    for (icl = 0; icl < in_per_group; ++icl) {
        for (kh = 0; kh < p->kernel_h; ++kh) {
            for (kw = 0; kw < p->kernel_w; ++kw) {
                *off++ = icl * in_map + kh * p->dilation_h * p->in_w + kw * p->dilation_w;
            }
        }
    }
}

/* True when every tap of output pixel (oh, ow) is inside the input (no padding). */
static inline int32_t nnc_pixel_inside(const nnc_conv_s8_params *p, int32_t oh, int32_t ow)
{
    const int32_t ih0 = oh * p->stride_h - p->pad_h;
    const int32_t iw0 = ow * p->stride_w - p->pad_w;
    return ih0 >= 0 && ih0 + (p->kernel_h - 1) * p->dilation_h < p->in_h && iw0 >= 0 &&
           iw0 + (p->kernel_w - 1) * p->dilation_w < p->in_w;
}

/* nnc_im2col_pair_inside for two pixels whose windows are one byte apart (x1 = x0 + 1: the
 * same output row, stride 1): a halfword read at a tap gives the tap of both pixels, so one
 * word per tap pair, (p.t0, q.t0, p.t1, q.t1), whose SXTB16 and SXTB16 ROR 8 are the two
 * columns' words. */
static void nnc_im2col_pair_adjacent(const int8_t *x0, const int32_t *off, int32_t k, int16_t *col)
{
    const int32_t *end4 = off + (k & ~3);
    while (off != end4) { /* two tap pairs per step: loads back to back, half the loop overhead */
        const int32_t o0 = off[0], o1 = off[1], o2 = off[2], o3 = off[3];
        const uint32_t v = nnc_read_pair_s8(x0 + o0) | (nnc_read_pair_s8(x0 + o1) << 16);
        const uint32_t u = nnc_read_pair_s8(x0 + o2) | (nnc_read_pair_s8(x0 + o3) << 16);
        nnc_write_u32(col, nnc_sxtb16(v));
        nnc_write_u32(col + 2, nnc_sxtb16_ror8(v));
        nnc_write_u32(col + 4, nnc_sxtb16(u));
        nnc_write_u32(col + 6, nnc_sxtb16_ror8(u));
        off += 4;
        col += 8;
    }
    if (k & 2) {
        const uint32_t v = nnc_read_pair_s8(x0 + off[0]) | (nnc_read_pair_s8(x0 + off[1]) << 16);
        nnc_write_u32(col, nnc_sxtb16(v));
        nnc_write_u32(col + 2, nnc_sxtb16_ror8(v));
        off += 2;
        col += 4;
    }
    if (k & 1) {
        col[0] = x0[off[0]];
        col[1] = 0;
        col[2] = x0[off[0] + 1];
        col[3] = 0;
    }
}

/* The column of one pixel whose taps are all inside, by the tap offset table, into its place
 * in an interleaved pair (col: the pair's base, + 2 for the second column). x is its window
 * origin. */
static void nnc_im2col_one_inside(const int8_t *x, const int32_t *off, int32_t k, int16_t *col)
{
    int32_t i;
    for (i = 0; i + 1 < k; i += 2) {
        nnc_write_u32(col, nnc_pkhbt_lsl16((uint32_t)(int32_t)x[off[i]], (uint32_t)(int32_t)x[off[i + 1]]));
        col += 4;
    }
    if (k & 1) {
        col[0] = x[off[k - 1]];
        col[1] = 0;
    }
}

/* The interleaved columns of two pixels whose taps are all inside, by the tap offset table:
 * two taps of each pixel per word. x0 / x1 are the pixels' window origins. */
static void nnc_im2col_pair_inside(const int8_t *x0, const int8_t *x1, const int32_t *off,
                                   int32_t k, int16_t *col)
{
    int32_t i;
    for (i = 0; i + 3 < k; i += 4) { /* two tap pairs per step: half the loop overhead */
        const int32_t o0 = off[i], o1 = off[i + 1], o2 = off[i + 2], o3 = off[i + 3];
        nnc_write_u32(col, nnc_pkhbt_lsl16((uint32_t)(int32_t)x0[o0], (uint32_t)(int32_t)x0[o1]));
        nnc_write_u32(col + 2, nnc_pkhbt_lsl16((uint32_t)(int32_t)x1[o0], (uint32_t)(int32_t)x1[o1]));
        nnc_write_u32(col + 4, nnc_pkhbt_lsl16((uint32_t)(int32_t)x0[o2], (uint32_t)(int32_t)x0[o3]));
        nnc_write_u32(col + 6, nnc_pkhbt_lsl16((uint32_t)(int32_t)x1[o2], (uint32_t)(int32_t)x1[o3]));
        col += 8;
    }
    if (i + 1 < k) {
        const int32_t o0 = off[i], o1 = off[i + 1];
        nnc_write_u32(col, nnc_pkhbt_lsl16((uint32_t)(int32_t)x0[o0], (uint32_t)(int32_t)x0[o1]));
        nnc_write_u32(col + 2, nnc_pkhbt_lsl16((uint32_t)(int32_t)x1[o0], (uint32_t)(int32_t)x1[o1]));
        col += 4;
        i += 2;
    }
    if (k & 1) {
        col[0] = x0[off[k - 1]];
        col[1] = 0;
        col[2] = x1[off[k - 1]];
        col[3] = 0;
    }
}

/* The interleaved columns of the adjacent pixels x[0] and x[1] of a pointwise (1x1, stride 1,
 * no padding) convolution, channel c at x + c * in_map: per channel pair one word from two
 * halfword reads, (p.c0, q.c0, p.c1, q.c1), whose SXTB16 and SXTB16 ROR 8 are the two columns'
 * words. No tap table: the taps of a 1x1 window are the channels. */
static void nnc_pointwise_pair(const int8_t *x, int32_t in_map, int32_t k, int16_t *col)
{
    const int16_t *end = col + 4 * (k / 2);
    while (col != end) {
        const uint32_t v = nnc_read_pair_s8(x) | (nnc_read_pair_s8(x + in_map) << 16);
        nnc_write_u32(col, nnc_sxtb16(v));
        nnc_write_u32(col + 2, nnc_sxtb16_ror8(v));
        x += 2 * in_map;
        col += 4;
    }
    if (k & 1) {
        col[0] = x[0];
        col[1] = 0;
        col[2] = x[1];
        col[3] = 0;
    }
}

/* The interleaved columns of output pixels a and b (flat indices into the out_w-wide grid
 * of the convolution's output) at col; k taps each. Without padding every pixel is inside. */
static void nnc_im2col_pair(const nnc_conv_s8_params *p, const int8_t *x_group, const int32_t *off,
                            int32_t k, int32_t ah, int32_t aw, int32_t bh, int32_t bw, int16_t *col)
{
    const int32_t no_pad = p->pad_h == 0 && p->pad_w == 0;
    const int32_t a_inside = no_pad || nnc_pixel_inside(p, ah, aw);
    const int32_t b_inside = no_pad || nnc_pixel_inside(p, bh, bw);
    /* Window origins are formed only for pixels inside: outside they could point before x. */
    const int32_t a_at = (ah * p->stride_h - p->pad_h) * p->in_w + aw * p->stride_w - p->pad_w;
    const int32_t b_at = (bh * p->stride_h - p->pad_h) * p->in_w + bw * p->stride_w - p->pad_w;
    if (a_inside && b_inside && b_at == a_at + 1) {
        nnc_im2col_pair_adjacent(x_group + a_at, off, k, col);
        return;
    }
    if (a_inside && b_inside) {
        nnc_im2col_pair_inside(x_group + a_at, x_group + b_at, off, k, col);
        return;
    }
    if (a_inside) {
        nnc_im2col_one_inside(x_group + a_at, off, k, col);
    } else {
        nnc_im2col_s16(p, x_group, ah, aw, col);
    }
    if (b_inside) {
        nnc_im2col_one_inside(x_group + b_at, off, k, col + 2);
    } else {
        nnc_im2col_s16(p, x_group, bh, bw, col + 2);
    }
}

/* ---- Convolution ------------------------------------------------------------------------------- */

static int32_t nnc_max2_i32(int32_t a, int32_t b) { return a > b ? a : b; }

/* Accumulators of every channel of one group over `ncols` columns (ncols even; the pair of
 * columns j, j + 1 interleaved at cols + j * k_padded), reduced: with `pooled`, the max over all
 * columns goes to out[c]; otherwise columns 0 and 1 go to out[2c] and out[2c + 1]. */
static void nnc_conv_columns(const int8_t *w, const int32_t *bias, int32_t channels,
                             int32_t k_padded, const int16_t *cols, int32_t ncols, int32_t pooled,
                             int32_t *out)
{
    const int32_t pairs = k_padded / 2;
    int32_t c = 0, n, i, j;
    if (!pooled && channels >= 4) {
        c = channels & ~3;
        nnc_blocks4_pair(w, bias, cols, c / 4, k_padded, out);
    }
    for (; c + 4 <= channels; c += 4) { /* pooled */
        nnc_block4(w + c * k_padded, bias + c, cols, ncols, k_padded, out + c);
    }
    for (; c < channels; c += n) { /* a block of two, then one channel */
        int32_t best[2] = {0, 0};
        n = (c + 2 <= channels) ? 2 : 1;
        for (j = 0; j < ncols; j += 2) {
            int32_t acc[4];
            acc[0] = acc[1] = bias[c];
            acc[2] = acc[3] = bias[c + n - 1];
            if (n == 2) {
                nnc_dot2x2(w + c * k_padded, cols + j * k_padded, pairs, acc);
            } else {
                nnc_dot1x2(w + c * k_padded, cols + j * k_padded, pairs, acc);
            }
            for (i = 0; i < n; ++i) {
                if (!pooled) {
                    out[2 * (c + i)] = acc[2 * i];
                    out[2 * (c + i) + 1] = acc[2 * i + 1];
                } else {
                    const int32_t m = nnc_max2_i32(acc[2 * i], acc[2 * i + 1]);
                    best[i] = (j == 0) ? m : nnc_max2_i32(best[i], m);
                }
            }
        }
        if (pooled) {
            for (i = 0; i < n; ++i) {
                out[c + i] = best[i];
            }
        }
    }
}

/* y[c * y_stride] = the output byte of acc[c * acc_stride] for the n channels from the first
 * multiplier/shift on; `down` when nnc_requantize_down_applies to all of them. The output
 * parameters are read once into locals: every byte store may alias *p as far as C knows, which
 * would otherwise reload them per byte. */
static void nnc_conv_outputs(const nnc_conv_s8_params *p, const int32_t *acc, int32_t acc_stride,
                             int32_t n, const int32_t *multiplier, const int32_t *shift, int32_t down,
                             int8_t *y, int32_t y_stride)
{
    const int32_t offset = p->output_offset, lo = p->act_min, hi = p->act_max;
    int32_t c;
    if (down && hi == INT8_MAX) {
        for (c = 0; c < n; ++c) {
            const int32_t e = -shift[c];
            *y = nnc_clamp_top_s8(nnc_requantize_down(*acc, multiplier[c], nnc_round_hi(e), e - 1),
                                  offset, lo);
            acc += acc_stride;
            y += y_stride;
        }
        return;
    }
    if (down) {
        for (c = 0; c < n; ++c) {
            const int32_t e = -shift[c];
            *y = nnc_clamp_out_s8(nnc_requantize_down(*acc, multiplier[c], nnc_round_hi(e), e - 1),
                                  offset, lo, hi);
            acc += acc_stride;
            y += y_stride;
        }
        return;
    }
    for (c = 0; c < n; ++c) {
        *y = nnc_output_s8(nnc_requantize(*acc, multiplier[c], shift[c]), offset, lo, hi);
        acc += acc_stride;
        y += y_stride;
    }
}

/* The loop of nnc_conv_outputs_pair; inlined twice, once with `top` (act_max = 127: no fused
 * activation, or a ReLU), where the clamp is SSAT and the lower bound. */
static inline void nnc_conv_outputs_pair_loop(const int32_t *acc, int32_t n, const int32_t *multiplier,
                                              const int32_t *shift, int8_t *y, int32_t y_stride,
                                              int32_t offset, int32_t top, int32_t lo, int32_t hi)
{
    const int32_t *end = acc + 2 * n;
    while (acc != end) {
        const int32_t m = *multiplier++, e = -*shift++;
        const int32_t round_hi = nnc_round_hi(e);
        const int32_t r0 = nnc_requantize_down(acc[0], m, round_hi, e - 1);
        const int32_t r1 = nnc_requantize_down(acc[1], m, round_hi, e - 1);
        y[0] = top ? nnc_clamp_top_s8(r0, offset, lo) : nnc_clamp_out_s8(r0, offset, lo, hi);
        y[1] = top ? nnc_clamp_top_s8(r1, offset, lo) : nnc_clamp_out_s8(r1, offset, lo, hi);
        acc += 2;
        y += y_stride;
    }
}

/* SMMLAR: c + ((a * b + 2^31) >> 32), one DSP instruction on the M4. */
static inline int32_t nnc_conv_smmlar(int32_t a, int32_t b, int32_t c)
{
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
    int32_t r;
    __asm__("smmlar %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(c));
    return r;
#else
    return (int32_t)((uint32_t)c + (uint32_t)(int32_t)(((int64_t)a * b + (INT64_C(1) << 31)) >> 32));
#endif
}

/* 2a, wrapping (only a dead channel's accumulator can wrap, and its result ignores it). */
static inline int32_t nnc_twice(int32_t a)
{
    return (int32_t)((uint32_t)a << 1);
}

/* True when every channel of a group takes the SMMLAR requantization (as nnc_dwconv_s8's):
 * multiplier >= 0, shift in [-23, -1], and |acc| < 2^29 whatever the input, which holds when
 * |bias| + k * 2^14 < 2^29 (|w * x| <= 2^14 per tap). Then, with e = -shift,
 *   SRDHM(acc, m) = floor((acc * m + 2^30) / 2^31) = SMMULR(2acc, m) = v, |v| <= |acc|,
 *   RDBP(v, e) + offset = (v + 2^(e-1) - [v < 0] + offset * 2^e) >> e
 * without overflow (|offset * 2^e| <= 2^30), i.e. SMMLAR(2acc, m, 2^(e-1) + offset * 2^e)
 * + (acc >> 31), shifted by e: [v < 0] may be read as [acc < 0], as they differ only where v = 0
 * and there the -1 changes nothing (e >= 1). A channel with multiplier 0 gives offset whatever its
 * bias and shift: SMMLAR then adds nothing, so with e taken as at least 1 the result is
 * (offset * 2^e + 2^(e-1) - [acc < 0]) >> e = offset, even where 2acc wraps. Returns 2 when
 * such a channel has a shift above -1 (e must then be raised to 1), 1 otherwise, 0 when a
 * channel needs the general rule. */
static int32_t nnc_requantize_mmlar_applies(const int32_t *bias, const int32_t *multiplier,
                                            const int32_t *shift, int32_t n, int32_t k)
{
    int32_t c, applies = 1;
    if (k >= INT32_C(1) << 14) {
        return 0;
    }
    for (c = 0; c < n; ++c) {
        const int32_t b = bias[c];
        if (multiplier[c] == 0 && shift[c] >= -23) { /* a dead channel: see nnc_conv_outputs_pair_mmlar */
            applies = shift[c] > -1 ? 2 : applies;
            continue;
        }
        if (multiplier[c] < 0 || shift[c] > -1 || shift[c] < -23 || b <= -(INT32_C(1) << 29) ||
            b >= (INT32_C(1) << 29) || (b < 0 ? -b : b) + k * (INT32_C(1) << 14) >= (INT32_C(1) << 29)) {
            return 0;
        }
    }
    return applies;
}

/* The loop of nnc_conv_outputs_pair_mmlar, inlined once per case: `full` when the clamp is
 * [-128, 127] (one SSAT), `raise_e` when a dead channel's exponent must be raised to 1. */
static inline void nnc_conv_outputs_pair_mmlar_loop(const int32_t *acc, int32_t n,
                                                    const int32_t *multiplier, const int32_t *shift,
                                                    int8_t *y, int32_t y_stride, int32_t offset,
                                                    int32_t full, int32_t raise_e, int32_t lo,
                                                    int32_t hi)
{
    const int32_t *end = acc + 2 * n;
    while (acc != end) {
        const int32_t m = *multiplier++, sh = *shift++;
        const int32_t e = (raise_e && sh >= 0) ? 1 : -sh;
        const int32_t unit = INT32_C(1) << e;
        const int32_t rounding = offset * unit + (unit >> 1);
        const int32_t a0 = acc[0], a1 = acc[1];
        int32_t r0 = (nnc_conv_smmlar(nnc_twice(a0), m, rounding) + (a0 >> 31)) >> e;
        int32_t r1 = (nnc_conv_smmlar(nnc_twice(a1), m, rounding) + (a1 >> 31)) >> e;
        if (full) {
#if defined(__ARM_FEATURE_SAT) && defined(__GNUC__)
            __asm__("ssat %0, #8, %1" : "=r"(r0) : "r"(r0));
            __asm__("ssat %0, #8, %1" : "=r"(r1) : "r"(r1));
#else
            r0 = r0 < -128 ? -128 : (r0 > 127 ? 127 : r0);
            r1 = r1 < -128 ? -128 : (r1 > 127 ? 127 : r1);
#endif
        } else {
            r0 = r0 < lo ? lo : (r0 > hi ? hi : r0);
            r1 = r1 < lo ? lo : (r1 > hi ? hi : r1);
        }
        y[0] = (int8_t)r0;
        y[1] = (int8_t)r1;
        acc += 2;
        y += y_stride;
    }
}

/* The output bytes of two adjacent pixels as nnc_conv_outputs_pair, when
 * nnc_requantize_mmlar_applies (its result in `applies`): per channel one rounding constant, per
 * byte SMMLAR, a shift and the clamp (SSAT alone without a fused activation). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void nnc_conv_outputs_pair_mmlar(const nnc_conv_s8_params *p, const int32_t *acc, int32_t n,
                                        const int32_t *multiplier, const int32_t *shift,
                                        int32_t applies, int8_t *y, int32_t y_stride)
{
    const int32_t offset = p->output_offset, lo = p->act_min, hi = p->act_max;
    const int32_t full = lo == INT8_MIN && hi == INT8_MAX;
    if (full && applies == 1) {
        nnc_conv_outputs_pair_mmlar_loop(acc, n, multiplier, shift, y, y_stride, offset, 1, 0, lo, hi);
    } else if (full) {
        nnc_conv_outputs_pair_mmlar_loop(acc, n, multiplier, shift, y, y_stride, offset, 1, 1, lo, hi);
    } else {
        nnc_conv_outputs_pair_mmlar_loop(acc, n, multiplier, shift, y, y_stride, offset, 0, 1, lo, hi);
    }
}

/* The output bytes of two adjacent pixels, y[c * y_stride] and y[c * y_stride + 1], from the
 * accumulator pairs acc[2c], acc[2c + 1], when nnc_requantize_down_applies: the per-channel
 * constants found once for the two. Out of line: it needs every register. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void nnc_conv_outputs_pair(const nnc_conv_s8_params *p, const int32_t *acc, int32_t n,
                                  const int32_t *multiplier, const int32_t *shift, int8_t *y,
                                  int32_t y_stride)
{
    if (p->act_max == INT8_MAX) {
        nnc_conv_outputs_pair_loop(acc, n, multiplier, shift, y, y_stride, p->output_offset, 1,
                                   p->act_min, INT8_MAX);
    } else {
        nnc_conv_outputs_pair_loop(acc, n, multiplier, shift, y, y_stride, p->output_offset, 0,
                                   p->act_min, p->act_max);
    }
}

void nnc_conv_s8_opt(const nnc_conv_s8_opt_params *q, const int8_t *x, const int8_t *w,
                     const int32_t *bias, const int32_t *out_multiplier, const int32_t *out_shift,
                     int16_t *scratch, int8_t *y)
{
    const nnc_conv_s8_params *p = &q->conv;
    const int32_t in_per_group = p->in_c / p->group;
    const int32_t out_per_group = p->out_c / p->group;
    const int32_t in_map = p->in_h * p->in_w;
    const int32_t k = in_per_group * p->kernel_h * p->kernel_w;
    const int32_t k_padded = q->k_padded;
    const int32_t window = q->pool_h * q->pool_w;
    const int32_t pooled = window > 1;
    const int32_t ncols = pooled ? window + (window & 1) : 2;
    const int32_t out_map = q->out_h * q->out_w;
    const int32_t pointwise = p->kernel_h == 1 && p->kernel_w == 1 && p->stride_h == 1 &&
                              p->stride_w == 1 && p->pad_h == 0 && p->pad_w == 0;
    int32_t *acc = (int32_t *)(void *)(scratch + ncols * k_padded);
    int32_t *off = acc + 2 * out_per_group;
    int32_t n, g, pos, j;

    nnc_tap_offsets(p, off);
    for (n = 0; n < p->batch; ++n) {
        for (g = 0; g < p->group; ++g) {
            const int8_t *xg = x + (n * p->in_c + g * in_per_group) * in_map;
            const int32_t c0 = g * out_per_group;
            const int8_t *wg = w + c0 * k_padded;
            int8_t *yg = y + (n * p->out_c + c0) * out_map;
            const int32_t down = nnc_requantize_down_applies(out_multiplier + c0, out_shift + c0,
                                                             out_per_group);
            const int32_t mmlar = nnc_requantize_mmlar_applies(bias + c0, out_multiplier + c0,
                                                               out_shift + c0, out_per_group, k);
            if (!pooled) {
                for (pos = 0; pos < out_map; pos += 2) {
                    const int32_t last = (pos + 1 < out_map) ? pos + 1 : pos;
                    if (pointwise && last != pos) {
                        nnc_pointwise_pair(xg + pos, in_map, k, scratch);
                    } else {
                        nnc_im2col_pair(p, xg, off, k, pos / q->out_w, pos % q->out_w,
                                        last / q->out_w, last % q->out_w, scratch);
                    }
                    nnc_conv_columns(wg, bias + c0, out_per_group, k_padded, scratch, 2, 0, acc);
                    if (last != pos && mmlar) {
                        nnc_conv_outputs_pair_mmlar(p, acc, out_per_group, out_multiplier + c0,
                                                    out_shift + c0, mmlar, yg + pos, out_map);
                    } else if (last != pos && down) {
                        nnc_conv_outputs_pair(p, acc, out_per_group, out_multiplier + c0,
                                              out_shift + c0, yg + pos, out_map);
                    } else {
                        nnc_conv_outputs(p, acc, 2, out_per_group, out_multiplier + c0,
                                         out_shift + c0, down, yg + pos, out_map);
                        if (last != pos) {
                            nnc_conv_outputs(p, acc + 1, 2, out_per_group, out_multiplier + c0,
                                             out_shift + c0, down, yg + last, out_map);
                        }
                    }
                }
            } else {
                for (pos = 0; pos < out_map; ++pos) {
                    const int32_t oh0 = (pos / q->out_w) * q->pool_h;
                    const int32_t ow0 = (pos % q->out_w) * q->pool_w;
                    for (j = 0; j < ncols; j += 2) {
                        /* An odd window repeats its last pixel: the max does not change. */
                        const int32_t i = (j + 1 < window) ? j + 1 : window - 1;
                        nnc_im2col_pair(p, xg, off, k, oh0 + j / q->pool_w, ow0 + j % q->pool_w,
                                        oh0 + i / q->pool_w, ow0 + i % q->pool_w, scratch + j * k_padded);
                    }
                    nnc_conv_columns(wg, bias + c0, out_per_group, k_padded, scratch, ncols, 1, acc);
                    nnc_conv_outputs(p, acc, 1, out_per_group, out_multiplier + c0, out_shift + c0,
                                     down, yg + pos, out_map);
                }
            }
        }
    }
}

/* ---- Affine ------------------------------------------------------------------------------------ */

/* nnc_requantize_down_applies without a branch per channel (affine layers have up to 640): the
 * sign bits of ~((shift + 1) & shift) (shift > -2, also where shift + 1 wraps), multiplier - 1
 * and multiplier (multiplier <= 0) are OR-ed over all channels; no sign bit set means every
 * channel qualifies. */
static int32_t nnc_affine_down_applies(const int32_t *multiplier, const int32_t *shift, int32_t n)
{
    uint32_t fails = 0;
    int32_t c;
    for (c = 0; c + 1 < n; c += 2) {
        const uint32_t m0 = (uint32_t)multiplier[c], m1 = (uint32_t)multiplier[c + 1];
        const uint32_t s0 = (uint32_t)shift[c], s1 = (uint32_t)shift[c + 1];
        fails |= ~((s0 + 1u) & s0) | (m0 - 1u) | m0 | ~((s1 + 1u) & s1) | (m1 - 1u) | m1;
    }
    if (c < n) {
        const uint32_t m0 = (uint32_t)multiplier[c], s0 = (uint32_t)shift[c];
        fails |= ~((s0 + 1u) & s0) | (m0 - 1u) | m0;
    }
    return (fails >> 31) == 0;
}


void nnc_affine_s8_opt(const nnc_affine_s8_opt_params *q, const int8_t *x, const int8_t *w,
                       const int32_t *bias, const int32_t *out_multiplier,
                       const int32_t *out_shift, int16_t *scratch, int8_t *y)
{
    const nnc_affine_s8_params *p = &q->affine;
    const int32_t k_padded = q->k_padded;
    const int32_t pairs = k_padded / 2;
    const int32_t offset = p->output_offset, lo = p->act_min, hi = p->act_max;
    const int32_t down = nnc_affine_down_applies(out_multiplier, out_shift, p->out_features);
    nnc_output_rule rule;
    int32_t r, o, i;

    rule.multiplier = out_multiplier;
    rule.shift = out_shift;
    rule.mode = down ? (hi == INT8_MAX ? 2 : 1) : 0;
    rule.offset = offset;
    rule.lo = lo;
    rule.hi = hi;

    for (r = 0; r < p->outer; ++r) {
        int8_t *yr = y + r * p->out_features;
        nnc_widen_s8(x + r * p->in_features, p->in_features, scratch);
        for (i = p->in_features; i < k_padded; ++i) {
            scratch[i] = 0;
        }
        o = p->out_features & ~3;
        nnc_affine_blocks4_raw(w, scratch, pairs, bias, o / 4, nnc_column_sum128(scratch, pairs), &rule, yr);
        if (o + 2 <= p->out_features) { /* a block of two */
            int32_t acc[2];
            acc[0] = bias[o];
            acc[1] = bias[o + 1];
            nnc_dot2x1(w + o * k_padded, scratch, pairs, acc);
            for (i = 0; i < 2; ++i) {
                yr[o + i] = nnc_output_s8(nnc_requantize(acc[i], out_multiplier[o + i], out_shift[o + i]),
                                          p->output_offset, p->act_min, p->act_max);
            }
            o += 2;
        }
        if (o < p->out_features) {
            const int32_t acc = nnc_dot1x1(w + o * k_padded, scratch, pairs, bias[o]);
            yr[o] = nnc_output_s8(nnc_requantize(acc, out_multiplier[o], out_shift[o]),
                                  p->output_offset, p->act_min, p->act_max);
        }
    }
}
