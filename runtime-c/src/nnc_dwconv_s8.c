/*
 * nnc_dwconv_s8.c — int8 depthwise convolution without im2col: one input plane at a time (copied
 * into a zero-point border when the convolution pads, so no tap needs a bounds check), SMLAD on
 * pairs of taps along kw, special cases for 3x3 stride 1 and stride 2, a plain loop for every
 * other geometry. Same bytes as nnc_conv_s8; see nnc_int8.h for the contract.
 */
#include "nnc_int8.h"
#include "nnc_dsp.h"

/* (lo, hi) as an SMLAD operand. */
static inline uint32_t nnc_dw_pair(int32_t lo, int32_t hi)
{
    return ((uint32_t)lo & UINT32_C(0xFFFF)) | ((uint32_t)hi << 16);
}

/* ---- Requantization of one output channel ------------------------------------------------------
 *
 * The fast form, for a 3x3 channel whose accumulators stay below 2^29 in magnitude whatever the
 * input (|bias| < 2^28), whose multiplier is >= 0 and whose shift is in [-23, -1] (e = -shift):
 * the kernel sums
 * 2 * acc (weights and bias doubled), so that
 *   SRDHM(acc, m) = floor((acc * m + 2^30) / 2^31) = floor((2acc * m + 2^31) / 2^32) = SMMULR(2acc, m)
 * (no saturation: |acc| < 2^29, and no INT32_MIN operand), and, as |v| <= |acc| + 1 < 2^29 and
 * |offset * 2^e| <= 2^30, nothing overflows in
 *   RDBP(v, e) + offset = (v + 2^(e-1) - (v < 0) + offset * 2^e) >> e
 * (ties away from zero, as the remainder test; adding a multiple of 2^e commutes with the shift).
 * That is SMMLAR(2acc, m, 2^(e-1) + offset * 2^e) + (acc < 0), shifted: (v < 0) may be taken from
 * acc, because with m >= 0 the signs agree except where v = 0, and there the -1 cannot change
 * the shifted result (e >= 1). Every other channel takes the plain loop with nnc_requantize. */

/* ---- 3x3 -----------------------------------------------------------------------------------------
 * Weights doubled (see above). Stride 1, per kernel row: w02 = (w0, w2) and the unpaired w1.
 * Four outputs from the six bytes x0..x5 of a row: SXTB16 of the words at x0 and x2 gives
 * e = (x0, x2), o = (x1, x3), f = (x2, x4), g = (x3, x5), and
 *   out0 = e.w02 + o.lo w1, out1 = o.w02 + e.hi w1, out2 = f.w02 + g.lo w1, out3 = g.w02 + f.hi w1,
 * the w1 terms as SMLABB / SMLATB (the bottom or top half of o, e, g, f times w1).
 * Stride 2, per kernel row: w02 = (w0, w1) and the unpaired w2. Two outputs from the five bytes
 * x0..x4: the word at x0 gives e = (x0, x2), o = (x1, x3), PKH gives (x0, x1) and (x2, x3), and
 *   out0 = (x0, x1).w02 + e.hi w2, out1 = (x2, x3).w02 + x4 * w2.
 * The planes are walked a column block at a time, down all output rows (for the 5-wide planes of
 * kws that keeps the loop short). The loops read every constant through k after a scheduling
 * barrier: the M4 has too few registers for them all, and a load costs no more than a spill. */

typedef struct {
    uint32_t w02[3];     /* doubled (w0, w2) for stride 1, (w0, w1) for stride 2, per kernel row */
    int32_t w1[3];       /* the doubled tap without a pair: w1 for stride 1, w2 for stride 2 */
    const int8_t *taps;  /* the channel's 9 weights as they are, for the single columns */
    int32_t acc0;        /* 2 * bias */
    int32_t multiplier;
    int32_t rounding;    /* 2^(e-1) + output_offset * 2^e */
    int32_t exponent;    /* e = -shift */
    int32_t lo, hi;      /* act_min, act_max */
    int32_t ws;          /* the input plane's row stride */
    int32_t row_step;    /* stride_h * ws */
    int32_t out_w;       /* the output row stride */
    int32_t cols;        /* the columns a plane call computes: out_w, or fewer beside an edge strip */
} nnc_dw_3x3;

/* The layer's constants: the same for every channel. */
static void nnc_dw_3x3_layer(nnc_dw_3x3 *k, const nnc_conv_s8_params *p, int32_t ws)
{
    k->lo = p->act_min;
    k->hi = p->act_max;
    k->ws = ws;
    k->row_step = p->stride_h * ws;
    k->out_w = p->out_w;
    k->cols = p->out_w;
}

/* 1 (and the channel's constants set in *k) when the channel can take the fast form. */
static int32_t nnc_dw_3x3_channel(nnc_dw_3x3 *k, int32_t stride_w, int32_t output_offset, const int8_t *w,
                                  int32_t bias, int32_t multiplier, int32_t shift)
{
    /* |acc| <= |bias| + 9 * 128 * 127 < 2^28 + 2^17. */
    if (multiplier < 0 || shift > -1 || shift < -23 || bias <= -(INT32_C(1) << 28) || bias >= (INT32_C(1) << 28)) {
        return 0;
    }
    /* Unrolled per stride: this runs once per channel, and vww's late planes have only 9 or 36
     * outputs to share it. */
    if (stride_w == 1) {
        k->w02[0] = nnc_dw_pair(2 * (int32_t)w[0], 2 * (int32_t)w[2]);
        k->w02[1] = nnc_dw_pair(2 * (int32_t)w[3], 2 * (int32_t)w[5]);
        k->w02[2] = nnc_dw_pair(2 * (int32_t)w[6], 2 * (int32_t)w[8]);
        k->w1[0] = 2 * (int32_t)w[1];
        k->w1[1] = 2 * (int32_t)w[4];
        k->w1[2] = 2 * (int32_t)w[7];
    } else {
        k->w02[0] = nnc_dw_pair(2 * (int32_t)w[0], 2 * (int32_t)w[1]);
        k->w02[1] = nnc_dw_pair(2 * (int32_t)w[3], 2 * (int32_t)w[4]);
        k->w02[2] = nnc_dw_pair(2 * (int32_t)w[6], 2 * (int32_t)w[7]);
        k->w1[0] = 2 * (int32_t)w[2];
        k->w1[1] = 2 * (int32_t)w[5];
        k->w1[2] = 2 * (int32_t)w[8];
    }
    k->taps = w;
    k->acc0 = 2 * bias;
    k->multiplier = multiplier;
    k->exponent = -shift;
    k->rounding = (INT32_C(1) << (-shift - 1)) + output_offset * (INT32_C(1) << -shift);
    return 1;
}

#if defined(__GNUC__)
#define NNC_DW_NOINLINE __attribute__((noinline))
#else
#define NNC_DW_NOINLINE
#endif

/* SRDHM and RDBP of the fast form plus the output offset, not yet clamped. */
static inline int32_t nnc_dw_scaled(int32_t acc2, int32_t multiplier, int32_t rounding, int32_t exponent)
{
    return (nnc_smmlar(acc2, multiplier, rounding) + (acc2 >> 31)) >> exponent;
}

/* The requantization constants as locals: read once per block of outputs, not once per byte
 * (every int8 store may alias *k as far as C knows). */
#define NNC_DW_REQUANT_LOCALS(k)                                                                   \
    const int32_t mul_ = (k)->multiplier, rnd_ = (k)->rounding, exp_ = (k)->exponent
#define NNC_DW_SCALED(acc) nnc_dw_scaled((acc), mul_, rnd_, exp_)

static inline int8_t nnc_dw_clamp_act(const nnc_dw_3x3 *k, int32_t v)
{
    v = v < k->lo ? k->lo : v;
    return (int8_t)(v > k->hi ? k->hi : v);
}

/* Without a fused activation (act_min = -128, act_max = 127) the clamp is one SSAT. */
#define NNC_DW_CLAMP_FULL(k, v) ((int8_t)nnc_ssat8(v))
#define NNC_DW_CLAMP_ACT(k, v) nnc_dw_clamp_act((k), (v))

/* Stride 1, kernel row r of four outputs from s. */
#define NNC_DW_S1_ROW4(r)                                                                          \
    do {                                                                                           \
        const uint32_t u_ = nnc_read_u32(s + (r) * k->ws), v_ = nnc_read_u32(s + (r) * k->ws + 2); \
        const uint32_t e_ = nnc_sxtb16(u_), o_ = nnc_sxtb16_ror8(u_);                              \
        const uint32_t f_ = nnc_sxtb16(v_), g_ = nnc_sxtb16_ror8(v_);                              \
        const uint32_t w02_ = k->w02[r];                                                           \
        const int32_t w1_ = k->w1[r];                                                     \
        a0 = nnc_smlad(e_, w02_, a0);                                                              \
        a0 = nnc_smlabb(o_, w1_, a0);                                                           \
        a1 = nnc_smlad(o_, w02_, a1);                                                              \
        a1 = nnc_smlatb(e_, w1_, a1);                                                           \
        a2 = nnc_smlad(f_, w02_, a2);                                                              \
        a2 = nnc_smlabb(g_, w1_, a2);                                                           \
        a3 = nnc_smlad(g_, w02_, a3);                                                              \
        a3 = nnc_smlatb(f_, w1_, a3);                                                           \
        NNC_DSP_SCHEDULE_BARRIER();                                                                \
    } while (0)

/* NNC_DW_S1_ROW4 plus a fifth output from the word at x4: (x4, x6).w02 + x5 * w1. */
#define NNC_DW_S1_ROW5(r)                                                                          \
    do {                                                                                           \
        const int8_t *row_ = s + (r) * k->ws;                                                      \
        const uint32_t u_ = nnc_read_u32(row_), v_ = nnc_read_u32(row_ + 2);                       \
        const uint32_t t_ = nnc_read_u32(row_ + 4);                                                \
        const uint32_t w02_ = k->w02[r];                                                           \
        const int32_t w1_ = k->w1[r];                                                     \
        uint32_t e_ = nnc_sxtb16(u_), o_ = nnc_sxtb16_ror8(u_);                                    \
        a0 = nnc_smlad(e_, w02_, a0);                                                              \
        a0 = nnc_smlabb(o_, w1_, a0);                                                           \
        a1 = nnc_smlad(o_, w02_, a1);                                                              \
        a1 = nnc_smlatb(e_, w1_, a1);                                                           \
        e_ = nnc_sxtb16(v_);                                                                       \
        o_ = nnc_sxtb16_ror8(v_);                                                                  \
        a2 = nnc_smlad(e_, w02_, a2);                                                              \
        a2 = nnc_smlabb(o_, w1_, a2);                                                           \
        a3 = nnc_smlad(o_, w02_, a3);                                                              \
        a3 = nnc_smlatb(e_, w1_, a3);                                                           \
        a4 = nnc_smlad(nnc_sxtb16(t_), w02_, a4);                                                  \
        a4 = nnc_smlabb(nnc_sxtb16_ror8(t_), w1_, a4);                                          \
        NNC_DSP_SCHEDULE_BARRIER();                                                                \
    } while (0)

#define NNC_DW_S1_ROW2(r)                                                                          \
    do {                                                                                           \
        const uint32_t u_ = nnc_read_u32(s + (r) * k->ws);                                         \
        const uint32_t e_ = nnc_sxtb16(u_), o_ = nnc_sxtb16_ror8(u_);                              \
        a0 = nnc_smlad(e_, k->w02[r], a0);                                                         \
        a0 = nnc_smlabb(o_, k->w1[r], a0);                                             \
        a1 = nnc_smlad(o_, k->w02[r], a1);                                                         \
        a1 = nnc_smlatb(e_, k->w1[r], a1);                                             \
        NNC_DSP_SCHEDULE_BARRIER();                                                                \
    } while (0)

/* One output from the word at x0 (x3 unused): e = (x0, x2), o = (x1, x3). No barrier: the
 * single column's loop has the registers to keep its weights. */
#define NNC_DW_S1_ROW1(r)                                                                          \
    do {                                                                                           \
        const uint32_t u_ = nnc_read_u32(s + (r) * ws);                                            \
        a0 = nnc_smlad(nnc_sxtb16(u_), w02[r], a0);                                                \
        a0 = nnc_smlabb(nnc_sxtb16_ror8(u_), w1[r], a0);                                           \
    } while (0)

#define NNC_DW_S2_ROW2(r)                                                                          \
    do {                                                                                           \
        const uint32_t u_ = nnc_read_u32(s + (r) * k->ws);                                         \
        const uint32_t e_ = nnc_sxtb16(u_), o_ = nnc_sxtb16_ror8(u_);                              \
        a0 = nnc_smlad(nnc_pkhbt_lsl16(e_, o_), k->w02[r], a0);                                    \
        a0 = nnc_smlatb(e_, k->w1[r], a0);                                                         \
        a1 = nnc_smlad(nnc_pkhtb_asr16(o_, e_), k->w02[r], a1);                                    \
        a1 = nnc_smlabb((uint32_t)(int32_t)s[(r) * k->ws + 4], k->w1[r], a1);                      \
        NNC_DSP_SCHEDULE_BARRIER();                                                                \
    } while (0)

/* Stride 2, kernel row r of four outputs from the nine bytes x0..x8: words at x0 and x4 give
 * eA = (x0, x2), oA = (x1, x3), eB = (x4, x6), oB = (x5, x7), and
 *   out0 = (x0, x1).w02 + eA.hi * w2, out1 = (x2, x3).w02 + eB.lo * w2,
 *   out2 = (x4, x5).w02 + eB.hi * w2, out3 = (x6, x7).w02 + x8 * w2. */
#define NNC_DW_S2_ROW4(r)                                                                          \
    do {                                                                                           \
        const int8_t *row_ = s + (r) * k->ws;                                                      \
        const uint32_t u_ = nnc_read_u32(row_), v_ = nnc_read_u32(row_ + 4);                       \
        const uint32_t ea_ = nnc_sxtb16(u_), oa_ = nnc_sxtb16_ror8(u_);                            \
        const uint32_t eb_ = nnc_sxtb16(v_), ob_ = nnc_sxtb16_ror8(v_);                            \
        const uint32_t w01_ = k->w02[r];                                                           \
        const int32_t w2_ = k->w1[r];                                                     \
        a0 = nnc_smlad(nnc_pkhbt_lsl16(ea_, oa_), w01_, a0);                                       \
        a0 = nnc_smlatb(ea_, w2_, a0);                                                          \
        a1 = nnc_smlad(nnc_pkhtb_asr16(oa_, ea_), w01_, a1);                                       \
        a1 = nnc_smlabb(eb_, w2_, a1);                                                          \
        a2 = nnc_smlad(nnc_pkhbt_lsl16(eb_, ob_), w01_, a2);                                       \
        a2 = nnc_smlatb(eb_, w2_, a2);                                                          \
        a3 = nnc_smlad(nnc_pkhtb_asr16(ob_, eb_), w01_, a3);                                       \
        a3 = nnc_smlabb((uint32_t)(int32_t)row_[8], w2_, a3);                                      \
        NNC_DSP_SCHEDULE_BARRIER();                                                                \
    } while (0)

/* Two stride-1 outputs from the word at x (bytes x0..x3), with w02_ and w1_ of the row in scope:
 * aa += (x0, x2).w02 + x1 * w1, ab += (x1, x3).w02 + x2 * w1. */
#define NNC_DW_S1_PAIR(x, aa, ab)                                                                  \
    do {                                                                                           \
        const uint32_t u_ = nnc_read_u32(x);                                                       \
        const uint32_t e_ = nnc_sxtb16(u_), o_ = nnc_sxtb16_ror8(u_);                              \
        aa = nnc_smlad(e_, w02_, aa);                                                              \
        aa = nnc_smlabb(o_, w1_, aa);                                                              \
        ab = nnc_smlad(o_, w02_, ab);                                                              \
        ab = nnc_smlatb(e_, w1_, ab);                                                              \
    } while (0)

/* Stride 1, kernel row r of six outputs from the words at x0, x2 and x4 (bytes x0..x7, all taps:
 * vww's 6-wide planes). */
#define NNC_DW_S1_ROW6(r)                                                                          \
    do {                                                                                           \
        const int8_t *row_ = s + (r) * k->ws;                                                      \
        const uint32_t w02_ = k->w02[r];                                                           \
        const int32_t w1_ = k->w1[r];                                                     \
        NNC_DW_S1_PAIR(row_, a0, a1);                                                              \
        NNC_DW_S1_PAIR(row_ + 2, a2, a3);                                                          \
        NNC_DW_S1_PAIR(row_ + 4, a4, a5);                                                          \
        NNC_DSP_SCHEDULE_BARRIER();                                                                \
    } while (0)

/* Stride 1, kernel row r of three outputs from the words at x0 and x2 (x5, past the taps, unused:
 * padded scratch only). */
#define NNC_DW_S1_ROW3(r)                                                                          \
    do {                                                                                           \
        const int8_t *row_ = s + (r) * k->ws;                                                      \
        const uint32_t w02_ = k->w02[r];                                                           \
        const int32_t w1_ = k->w1[r];                                                     \
        const uint32_t v_ = nnc_read_u32(row_ + 2);                                                \
        NNC_DW_S1_PAIR(row_, a0, a1);                                                              \
        a2 = nnc_smlad(nnc_sxtb16(v_), w02_, a2);                                                  \
        a2 = nnc_smlabb(nnc_sxtb16_ror8(v_), w1_, a2);                                             \
        NNC_DSP_SCHEDULE_BARRIER();                                                                \
    } while (0)

/* Stride 2, kernel row r of three outputs: NNC_DW_S2_ROW4 without out3 (x7, past the taps,
 * unused: padded scratch only). */
#define NNC_DW_S2_ROW3(r)                                                                          \
    do {                                                                                           \
        const int8_t *row_ = s + (r) * k->ws;                                                      \
        const uint32_t u_ = nnc_read_u32(row_), v_ = nnc_read_u32(row_ + 4);                       \
        const uint32_t ea_ = nnc_sxtb16(u_), oa_ = nnc_sxtb16_ror8(u_);                            \
        const uint32_t eb_ = nnc_sxtb16(v_), ob_ = nnc_sxtb16_ror8(v_);                            \
        const uint32_t w01_ = k->w02[r];                                                           \
        const int32_t w2_ = k->w1[r];                                                     \
        a0 = nnc_smlad(nnc_pkhbt_lsl16(ea_, oa_), w01_, a0);                                       \
        a0 = nnc_smlatb(ea_, w2_, a0);                                                             \
        a1 = nnc_smlad(nnc_pkhtb_asr16(oa_, ea_), w01_, a1);                                       \
        a1 = nnc_smlabb(eb_, w2_, a1);                                                             \
        a2 = nnc_smlad(nnc_pkhbt_lsl16(eb_, ob_), w01_, a2);                                       \
        a2 = nnc_smlatb(eb_, w2_, a2);                                                             \
        NNC_DSP_SCHEDULE_BARRIER();                                                                \
    } while (0)

/* Bytes: a word would read past the row's last tap (w: the doubled taps, in order). */
#define NNC_DW_ROW1(r)                                                                             \
    ((uint32_t)(s[(r) * k->ws] * w[3 * (r)]) + (uint32_t)(s[(r) * k->ws + 1] * w[3 * (r) + 1]) +       \
     (uint32_t)(s[(r) * k->ws + 2] * w[3 * (r) + 2]))

/* The column blocks, down the output rows from y to end (exclusive, a multiple of out_w on), in
 * two versions: CLAMP is NNC_DW_CLAMP_FULL or NNC_DW_CLAMP_ACT. */
#define NNC_DW_DEFINE_COLUMNS(suffix, CLAMP)                                                       \
    static NNC_DW_NOINLINE void nnc_dw_s1_cols4_##suffix(const nnc_dw_3x3 *k, const int8_t *s, int8_t *y, \
                                                         const int8_t *end)                        \
    {                                                                                              \
        for (; y != end; y += k->out_w, s += k->ws) {                                              \
            int32_t a0 = k->acc0, a1 = a0, a2 = a0, a3 = a0;                                       \
            NNC_DW_S1_ROW4(0);                                                                     \
            NNC_DW_S1_ROW4(1);                                                                     \
            NNC_DW_S1_ROW4(2);                                                                     \
            NNC_DW_REQUANT_LOCALS(k);                                                           \
            y[0] = CLAMP(k, NNC_DW_SCALED(a0));                                                 \
            y[1] = CLAMP(k, NNC_DW_SCALED(a1));                                                 \
            y[2] = CLAMP(k, NNC_DW_SCALED(a2));                                                 \
            y[3] = CLAMP(k, NNC_DW_SCALED(a3));                                                 \
        }                                                                                          \
    }                                                                                              \
    /* Five columns (the last by a word past its taps: padded scratch only), for widths 4n + 1. */ \
    static NNC_DW_NOINLINE void nnc_dw_s1_cols5_##suffix(const nnc_dw_3x3 *k, const int8_t *s, int8_t *y, \
                                                         const int8_t *end)                        \
    {                                                                                              \
        for (; y != end; y += k->out_w, s += k->ws) {                                              \
            int32_t a0 = k->acc0, a1 = a0, a2 = a0, a3 = a0, a4 = a0;                              \
            NNC_DW_S1_ROW5(0);                                                                     \
            NNC_DW_S1_ROW5(1);                                                                     \
            NNC_DW_S1_ROW5(2);                                                                     \
            NNC_DW_REQUANT_LOCALS(k);                                                              \
            y[0] = CLAMP(k, NNC_DW_SCALED(a0));                                                    \
            y[1] = CLAMP(k, NNC_DW_SCALED(a1));                                                    \
            y[2] = CLAMP(k, NNC_DW_SCALED(a2));                                                    \
            y[3] = CLAMP(k, NNC_DW_SCALED(a3));                                                    \
            y[4] = CLAMP(k, NNC_DW_SCALED(a4));                                                    \
        }                                                                                          \
    }                                                                                              \
    static NNC_DW_NOINLINE void nnc_dw_s1_cols6_##suffix(const nnc_dw_3x3 *k, const int8_t *s, int8_t *y, \
                                                         const int8_t *end)                        \
    {                                                                                              \
        for (; y != end; y += k->out_w, s += k->ws) {                                              \
            int32_t a0 = k->acc0, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;                     \
            NNC_DW_S1_ROW6(0);                                                                     \
            NNC_DW_S1_ROW6(1);                                                                     \
            NNC_DW_S1_ROW6(2);                                                                     \
            NNC_DW_REQUANT_LOCALS(k);                                                              \
            y[0] = CLAMP(k, NNC_DW_SCALED(a0));                                                    \
            y[1] = CLAMP(k, NNC_DW_SCALED(a1));                                                    \
            y[2] = CLAMP(k, NNC_DW_SCALED(a2));                                                    \
            y[3] = CLAMP(k, NNC_DW_SCALED(a3));                                                    \
            y[4] = CLAMP(k, NNC_DW_SCALED(a4));                                                    \
            y[5] = CLAMP(k, NNC_DW_SCALED(a5));                                                    \
        }                                                                                          \
    }                                                                                              \
    /* Three columns (the last by a word past its taps: padded scratch only). */                 \
    static NNC_DW_NOINLINE void nnc_dw_s1_cols3_##suffix(const nnc_dw_3x3 *k, const int8_t *s, int8_t *y, \
                                                         const int8_t *end)                        \
    {                                                                                              \
        for (; y != end; y += k->out_w, s += k->ws) {                                              \
            int32_t a0 = k->acc0, a1 = a0, a2 = a0;                                                \
            NNC_DW_S1_ROW3(0);                                                                     \
            NNC_DW_S1_ROW3(1);                                                                     \
            NNC_DW_S1_ROW3(2);                                                                     \
            NNC_DW_REQUANT_LOCALS(k);                                                              \
            y[0] = CLAMP(k, NNC_DW_SCALED(a0));                                                    \
            y[1] = CLAMP(k, NNC_DW_SCALED(a1));                                                    \
            y[2] = CLAMP(k, NNC_DW_SCALED(a2));                                                    \
        }                                                                                          \
    }                                                                                              \
    static NNC_DW_NOINLINE void nnc_dw_s2_cols3_##suffix(const nnc_dw_3x3 *k, const int8_t *s, int8_t *y, \
                                                         const int8_t *end)                        \
    {                                                                                              \
        for (; y != end; y += k->out_w, s += k->row_step) {                                        \
            int32_t a0 = k->acc0, a1 = a0, a2 = a0;                                                \
            NNC_DW_S2_ROW3(0);                                                                     \
            NNC_DW_S2_ROW3(1);                                                                     \
            NNC_DW_S2_ROW3(2);                                                                     \
            NNC_DW_REQUANT_LOCALS(k);                                                              \
            y[0] = CLAMP(k, NNC_DW_SCALED(a0));                                                    \
            y[1] = CLAMP(k, NNC_DW_SCALED(a1));                                                    \
            y[2] = CLAMP(k, NNC_DW_SCALED(a2));                                                    \
        }                                                                                          \
    }                                                                                              \
    static NNC_DW_NOINLINE void nnc_dw_s1_cols2_##suffix(const nnc_dw_3x3 *k, const int8_t *s, int8_t *y, \
                                                         const int8_t *end)                        \
    {                                                                                              \
        for (; y != end; y += k->out_w, s += k->ws) {                                              \
            int32_t a0 = k->acc0, a1 = a0;                                                         \
            NNC_DW_S1_ROW2(0);                                                                     \
            NNC_DW_S1_ROW2(1);                                                                     \
            NNC_DW_S1_ROW2(2);                                                                     \
            NNC_DW_REQUANT_LOCALS(k);                                                           \
            y[0] = CLAMP(k, NNC_DW_SCALED(a0));                                                 \
            y[1] = CLAMP(k, NNC_DW_SCALED(a1));                                                 \
        }                                                                                          \
    }                                                                                              \
    static NNC_DW_NOINLINE void nnc_dw_s2_cols4_##suffix(const nnc_dw_3x3 *k, const int8_t *s, int8_t *y, \
                                                         const int8_t *end)                        \
    {                                                                                              \
        for (; y != end; y += k->out_w, s += k->row_step) {                                        \
            int32_t a0 = k->acc0, a1 = a0, a2 = a0, a3 = a0;                                       \
            NNC_DW_S2_ROW4(0);                                                                     \
            NNC_DW_S2_ROW4(1);                                                                     \
            NNC_DW_S2_ROW4(2);                                                                     \
            NNC_DW_REQUANT_LOCALS(k);                                                              \
            y[0] = CLAMP(k, NNC_DW_SCALED(a0));                                                    \
            y[1] = CLAMP(k, NNC_DW_SCALED(a1));                                                    \
            y[2] = CLAMP(k, NNC_DW_SCALED(a2));                                                    \
            y[3] = CLAMP(k, NNC_DW_SCALED(a3));                                                    \
        }                                                                                          \
    }                                                                                              \
    static NNC_DW_NOINLINE void nnc_dw_s2_cols2_##suffix(const nnc_dw_3x3 *k, const int8_t *s, int8_t *y, \
                                                         const int8_t *end)                        \
    {                                                                                              \
        for (; y != end; y += k->out_w, s += k->row_step) {                                        \
            int32_t a0 = k->acc0, a1 = a0;                                                         \
            NNC_DW_S2_ROW2(0);                                                                     \
            NNC_DW_S2_ROW2(1);                                                                     \
            NNC_DW_S2_ROW2(2);                                                                     \
            NNC_DW_REQUANT_LOCALS(k);                                                           \
            y[0] = CLAMP(k, NNC_DW_SCALED(a0));                                                 \
            y[1] = CLAMP(k, NNC_DW_SCALED(a1));                                                 \
        }                                                                                          \
    }                                                                                              \
    static NNC_DW_NOINLINE void nnc_dw_col1_##suffix(const nnc_dw_3x3 *k, const int8_t *s, int8_t *y, \
                                                     const int8_t *end)                            \
    {                                                                                              \
        int32_t w[9], i;                                                                           \
        for (i = 0; i < 9; ++i) {                                                                  \
            w[i] = 2 * (int32_t)k->taps[i];                                                        \
        }                                                                                          \
        for (; y != end; y += k->out_w, s += k->row_step) {                                        \
            const int32_t a0 = (int32_t)((uint32_t)k->acc0 + NNC_DW_ROW1(0) + NNC_DW_ROW1(1) + NNC_DW_ROW1(2)); \
            NNC_DW_REQUANT_LOCALS(k);                                                           \
            y[0] = CLAMP(k, NNC_DW_SCALED(a0));                                                 \
        }                                                                                          \
    }                                                                                              \
    static NNC_DW_NOINLINE void nnc_dw_s1_col1_word_##suffix(const nnc_dw_3x3 *k, const int8_t *s, int8_t *y, \
                                                             const int8_t *end)                    \
    {                                                                                              \
        const uint32_t w02[3] = {k->w02[0], k->w02[1], k->w02[2]};                                 \
        const int32_t w1[3] = {k->w1[0], k->w1[1], k->w1[2]};                                      \
        const int32_t ws = k->ws, out_w = k->out_w, acc0 = k->acc0;                                \
        NNC_DW_REQUANT_LOCALS(k);                                                                  \
        for (; y != end; y += out_w, s += ws) {                                                    \
            int32_t a0 = acc0;                                                                     \
            NNC_DW_S1_ROW1(0);                                                                     \
            NNC_DW_S1_ROW1(1);                                                                     \
            NNC_DW_S1_ROW1(2);                                                                     \
            y[0] = CLAMP(k, NNC_DW_SCALED(a0));                                                    \
        }                                                                                          \
    }                                                                                              \
    /* words: the source is the padded scratch, whose slack lets a word read past the last tap. */ \
    static NNC_DW_NOINLINE void nnc_dw_3x3_plane_##suffix(const nnc_dw_3x3 *k, int32_t stride, int32_t out_h,     \
                                          const int8_t *src, int32_t words, int8_t *y)             \
    {                                                                                              \
        const int32_t out_w = k->out_w, cols = k->cols;                                            \
        int32_t ow = 0;                                                                            \
        if (stride == 1) {                                                                         \
            for (; ow + 4 <= cols; ow += 4) {                                                     \
                if (words && ow + 5 == cols) {                                                    \
                    nnc_dw_s1_cols5_##suffix(k, src + ow, y + ow, y + ow + out_h * out_w);         \
                    ow += 1;                                                                       \
                    continue;                                                                      \
                }                                                                                  \
                if (ow + 6 == cols) {                                                             \
                    nnc_dw_s1_cols6_##suffix(k, src + ow, y + ow, y + ow + out_h * out_w);         \
                    ow += 2;                                                                       \
                    continue;                                                                      \
                }                                                                                  \
                nnc_dw_s1_cols4_##suffix(k, src + ow, y + ow, y + ow + out_h * out_w);             \
            }                                                                                      \
            if (words && ow + 3 == cols) {                                                        \
                nnc_dw_s1_cols3_##suffix(k, src + ow, y + ow, y + ow + out_h * out_w);             \
                ow += 3;                                                                           \
            }                                                                                      \
            if (ow + 2 <= cols) {                                                                 \
                nnc_dw_s1_cols2_##suffix(k, src + ow, y + ow, y + ow + out_h * out_w);             \
                ow += 2;                                                                           \
            }                                                                                      \
        } else {                                                                                   \
            for (; ow + 4 <= cols; ow += 4) {                                                     \
                nnc_dw_s2_cols4_##suffix(k, src + 2 * ow, y + ow, y + ow + out_h * out_w);         \
            }                                                                                      \
            if (words && ow + 3 == cols) {                                                        \
                nnc_dw_s2_cols3_##suffix(k, src + 2 * ow, y + ow, y + ow + out_h * out_w);         \
                ow += 3;                                                                           \
            }                                                                                      \
            for (; ow + 2 <= cols; ow += 2) {                                                     \
                nnc_dw_s2_cols2_##suffix(k, src + 2 * ow, y + ow, y + ow + out_h * out_w);         \
            }                                                                                      \
        }                                                                                          \
        if (ow < cols && stride == 1 && words) {                                                  \
            nnc_dw_s1_col1_word_##suffix(k, src + ow, y + ow, y + ow + out_h * out_w);             \
        } else if (ow < cols) {                                                                   \
            nnc_dw_col1_##suffix(k, src + stride * ow, y + ow, y + ow + out_h * out_w);            \
        }                                                                                          \
    }

NNC_DW_DEFINE_COLUMNS(full, NNC_DW_CLAMP_FULL)
NNC_DW_DEFINE_COLUMNS(act, NNC_DW_CLAMP_ACT)

/* ---- Any geometry, any channel ------------------------------------------------------------------- */

static void nnc_dw_plane_any(const nnc_conv_s8_params *p, const int8_t *w, int32_t bias, int32_t multiplier,
                             int32_t shift, const int8_t *src, int32_t ws, int8_t *y)
{
    int32_t oh, ow, kh, kw;
    for (oh = 0; oh < p->out_h; ++oh) {
        for (ow = 0; ow < p->out_w; ++ow) {
            const int8_t *s = src + oh * p->stride_h * ws + ow * p->stride_w;
            uint32_t acc = (uint32_t)bias;
            for (kh = 0; kh < p->kernel_h; ++kh) {
                const int8_t *row = s + kh * p->dilation_h * ws;
                const int8_t *wr = w + kh * p->kernel_w;
                for (kw = 0; kw < p->kernel_w; ++kw) {
                    acc += (uint32_t)((int32_t)row[kw * p->dilation_w] * (int32_t)wr[kw]);
                }
            }
            *y++ = nnc_output_s8(nnc_requantize((int32_t)acc, multiplier, shift), p->output_offset, p->act_min,
                                 p->act_max);
        }
    }
}

/* ---- The kernel ---------------------------------------------------------------------------------- */

/* The zero-point rows (columns) after the plane: pad, or more where out_h (out_w) implies it,
 * as for a folded asymmetric Pad (TensorFlow's SAME before a stride-2 convolution: (0, 1)). */
static int32_t nnc_dw_pad_after(int32_t in, int32_t pad, int32_t out, int32_t stride, int32_t kernel,
                                int32_t dilation)
{
    const int32_t reach = (out - 1) * stride + (kernel - 1) * dilation + 1 - in - pad;
    return reach > pad ? reach : pad;
}

/* The plane x [in_h][in_w] into dst [pad_h + in_h + bottom][ws], ws = pad_w + in_w + right, whose
 * border already holds the input zero point. */
static void nnc_dw_copy_plane(const nnc_conv_s8_params *p, int32_t ws, const int8_t *x, int8_t *dst)
{
    const int32_t in_h = p->in_h, in_w = p->in_w;
    int32_t h, i;
    dst += p->pad_h * ws + p->pad_w;
    if (in_w >= 16) {
        for (h = 0; h < in_h; ++h) {
            memcpy(dst + h * ws, x + h * in_w, (size_t)in_w);
        }
    } else if (in_w >= 4 && in_w <= 8) {
        /* Short rows (kws's are 5 bytes) as two overlapping words: cheaper than a call. */
        const int8_t *end = x + in_h * in_w;
        for (; x != end; x += in_w, dst += ws) {
            const uint32_t head = nnc_read_u32(x), tail = nnc_read_u32(x + in_w - 4);
            nnc_write_u32(dst, head);
            nnc_write_u32(dst + in_w - 4, tail);
        }
    } else if (in_w >= 4) {
        for (h = 0; h < in_h; ++h) {
            for (i = 0; i + 4 < in_w; i += 4) {
                nnc_write_u32(dst + i, nnc_read_u32(x + i));
            }
            nnc_write_u32(dst + in_w - 4, nnc_read_u32(x + in_w - 4));
            dst += ws;
            x += in_w;
        }
    } else if (in_w == 3) {
        /* vww's last 3 x 3 planes: three bytes a row, without a loop over them. */
        const int8_t *end = x + 3 * in_h;
        for (; x != end; x += 3, dst += ws) {
            const int8_t a = x[0], b = x[1], c = x[2];
            dst[0] = a;
            dst[1] = b;
            dst[2] = c;
        }
    } else {
        for (h = 0; h < in_h; ++h) {
            for (i = 0; i < in_w; ++i) {
                dst[i] = x[i];
            }
            dst += ws;
            x += in_w;
        }
    }
}

/* 1 when a 3x3 stride-2 layer pads only one row and one column after an even plane of at least
 * 16 x 16 (so that the strips, 3 rows of ws and in_h - 1 rows of at most 9, fit in the plane's
 * scratch with the slack for a word read past the last tap). */
static int32_t nnc_dw_edge_strips(const nnc_conv_s8_params *p, int32_t bottom, int32_t right, int32_t ws)
{
    return p->stride_h == 2 && p->stride_w == 2 && p->pad_h == 0 && p->pad_w == 0 && bottom == 1 && right == 1 &&
           p->in_h >= 16 && p->in_w >= 16 && p->in_h == 2 * p->out_h && p->in_w == 2 * p->out_w &&
           3 * ws + 9 * (p->in_h - 1) <= (p->in_h + 1) * ws;
}

void nnc_dwconv_s8(const nnc_conv_s8_params *p, const int8_t *x, const int8_t *w, const int32_t *bias,
                   const int32_t *out_multiplier, const int32_t *out_shift, int8_t *scratch, int8_t *y)
{
    const int32_t bottom = nnc_dw_pad_after(p->in_h, p->pad_h, p->out_h, p->stride_h, p->kernel_h, p->dilation_h);
    const int32_t right = nnc_dw_pad_after(p->in_w, p->pad_w, p->out_w, p->stride_w, p->kernel_w, p->dilation_w);
    const int32_t padded = p->pad_h > 0 || p->pad_w > 0 || bottom > 0 || right > 0;
    const int32_t ws = p->pad_w + p->in_w + right;
    const int32_t in_map = p->in_h * p->in_w;
    const int32_t out_map = p->out_h * p->out_w;
    const int32_t taps = p->kernel_h * p->kernel_w;
    const int32_t multiplier = p->out_c / p->in_c;
    const int32_t three = p->kernel_h == 3 && p->kernel_w == 3 && p->dilation_h == 1 && p->dilation_w == 1;
    const int32_t s1 = three && p->stride_h == 1 && p->stride_w == 1;
    const int32_t s2 = three && p->stride_h == 2 && p->stride_w == 2;
    const int32_t stride_w = p->stride_w, output_offset = p->output_offset, out_h = p->out_h;
    const int32_t full = p->act_min == -128 && p->act_max == 127;
    nnc_dw_3x3 k;
    int32_t n, ic, m;

    nnc_dw_3x3_layer(&k, p, ws);
    if (padded) {
        memset(scratch, (int)(int8_t)(-p->input_offset), (size_t)((p->pad_h + p->in_h + bottom) * ws));
    }
    if ((s1 || s2) && multiplier == 1) {
        /* One output channel per input channel: the layer's choices made once, a short loop. */
        void (*const plane_3x3)(const nnc_dw_3x3 *, int32_t, int32_t, const int8_t *, int32_t, int8_t *) =
            full ? nnc_dw_3x3_plane_full : nnc_dw_3x3_plane_act;
        const int32_t channels = p->batch * p->in_c;
        int32_t c;
        if (nnc_dw_edge_strips(p, bottom, right, ws)) {
            /* A folded (0, 1) Pad before a stride-2 convolution on a wide plane: only the last
             * output row and column read the padding. Whole blocks of four columns read the plane
             * where it is; the last row reads a copy of the last two input rows above a row of the
             * zero point, the last (1 to 4) columns a strip of the last input columns beside a
             * column of it. Copying the whole plane costs more (vww's 48 x 48: 4.8k cycles per
             * channel). */
            const int32_t in_h = p->in_h, in_w = p->in_w, out_w = p->out_w;
            const int32_t inner = 4 * ((out_w - 1) / 4), tail = out_w - inner, sw = 2 * tail, ss = sw + 1;
            int8_t *rows = scratch, *strip = scratch + 3 * ws;
            for (c = 0; c < channels; ++c) {
                const int32_t oc = c % p->in_c;
                int32_t h;
                if (!nnc_dw_3x3_channel(&k, stride_w, output_offset, w + 9 * oc, bias[oc], out_multiplier[oc],
                                        out_shift[oc])) {
                    memset(scratch, (int)(int8_t)(-p->input_offset), (size_t)((in_h + 1) * ws));
                    nnc_dw_copy_plane(p, ws, x, scratch);
                    nnc_dw_plane_any(p, w + 9 * oc, bias[oc], out_multiplier[oc], out_shift[oc], scratch, ws, y);
                    memset(scratch, (int)(int8_t)(-p->input_offset), (size_t)((in_h + 1) * ws));
                } else {
                    k.ws = in_w;
                    k.row_step = 2 * in_w;
                    k.cols = inner;
                    plane_3x3(&k, 2, out_h - 1, x, 0, y);
                    memcpy(rows, x + (in_h - 2) * in_w, (size_t)in_w);
                    memcpy(rows + ws, x + (in_h - 1) * in_w, (size_t)in_w);
                    k.ws = ws;
                    k.row_step = 2 * ws;
                    k.cols = out_w;
                    plane_3x3(&k, 2, 1, rows, 1, y + (out_h - 1) * out_w);
                    for (h = 0; h < in_h - 1; ++h) {
                        const int8_t *from = x + h * in_w + 2 * inner;
                        if (sw >= 4) { /* two overlapping words, as nnc_dw_copy_plane */
                            const uint32_t head = nnc_read_u32(from), last = nnc_read_u32(from + sw - 4);
                            nnc_write_u32(strip + h * ss, head);
                            nnc_write_u32(strip + h * ss + sw - 4, last);
                        } else {
                            strip[h * ss] = from[0];
                            strip[h * ss + 1] = from[1];
                        }
                    }
                    k.ws = ss;
                    k.row_step = 2 * ss;
                    k.cols = tail;
                    plane_3x3(&k, 2, out_h - 1, strip, 1, y + inner);
                }
                x += in_map;
                y += out_map;
            }
            return;
        }
        for (c = 0; c < channels; ++c) {
            const int32_t oc = c % p->in_c;
            const int8_t *src = x;
            if (padded) {
                nnc_dw_copy_plane(p, ws, x, scratch);
                src = scratch;
            }
            if (nnc_dw_3x3_channel(&k, stride_w, output_offset, w + 9 * oc, bias[oc], out_multiplier[oc], out_shift[oc])) {
                plane_3x3(&k, stride_w, out_h, src, padded, y);
            } else {
                nnc_dw_plane_any(p, w + 9 * oc, bias[oc], out_multiplier[oc], out_shift[oc], src, ws, y);
            }
            x += in_map;
            y += out_map;
        }
        return;
    }
    for (n = 0; n < p->batch; ++n) {
        for (ic = 0; ic < p->in_c; ++ic) {
            const int8_t *plane = x + (n * p->in_c + ic) * in_map;
            const int8_t *src = padded ? scratch : plane;
            if (padded) {
                nnc_dw_copy_plane(p, ws, plane, scratch);
            }
            for (m = 0; m < multiplier; ++m) {
                const int32_t oc = ic * multiplier + m;
                const int8_t *wc = w + oc * taps;
                int8_t *yc = y + (n * p->out_c + oc) * out_map;
                if ((s1 || s2) && nnc_dw_3x3_channel(&k, stride_w, output_offset, wc, bias[oc], out_multiplier[oc],
                                                     out_shift[oc])) {
                    if (full) {
                        nnc_dw_3x3_plane_full(&k, stride_w, out_h, src, padded, yc);
                    } else {
                        nnc_dw_3x3_plane_act(&k, stride_w, out_h, src, padded, yc);
                    }
                } else {
                    nnc_dw_plane_any(p, wc, bias[oc], out_multiplier[oc], out_shift[oc], src, ws, yc);
                }
            }
        }
    }
}
