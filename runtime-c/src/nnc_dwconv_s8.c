/*
 * nnc_dwconv_s8.c — int8 depthwise convolution without im2col: one input plane at a time (copied
 * into a zero-point border when the convolution pads, so no tap needs a bounds check), SMLAD on
 * pairs of taps along kw, special cases for 3x3 stride 1 and stride 2, a plain loop for every
 * other geometry. Same bytes as nnc_conv_s8; see nnc_int8.h for the contract.
 */
#include "nnc_int8.h"
#include "nnc_dsp.h"

/* SMMULR: (a * b + 2^31) >> 32, the high word rounded. A DSP-extension instruction on the M4. */
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
static inline int32_t nnc_dw_smmulr(int32_t a, int32_t b)
{
    int32_t r;
    __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}
#else
static inline int32_t nnc_dw_smmulr(int32_t a, int32_t b)
{
    return (int32_t)(((int64_t)a * (int64_t)b + (INT64_C(1) << 31)) >> 32);
}
#endif

/* (lo, hi) as an SMLAD operand. */
static inline uint32_t nnc_dw_pair(int32_t lo, int32_t hi)
{
    return ((uint32_t)lo & UINT32_C(0xFFFF)) | ((uint32_t)hi << 16);
}

/* ---- Requantization of one output channel ------------------------------------------------------
 *
 * The fast form, for a channel whose accumulators stay below 2^29 in magnitude whatever the input
 * (|bias| + 128 * sum |w| < 2^29) and whose shift is negative (e = -shift in [1, 31]): the kernel
 * sums 2 * acc (weights and bias doubled), so that
 *   SRDHM(acc, m) = floor((acc * m + 2^30) / 2^31) = floor((2acc * m + 2^31) / 2^32) = SMMULR(2acc, m)
 * (no saturation: |acc| < 2^29, and no INT32_MIN operand), and, |v| < 2^30 so nothing overflows,
 *   RDBP(v, e) = (v + 2^(e-1) - (v < 0)) >> e     (ties away from zero, as the remainder test).
 * Every other channel sums acc itself and goes through nnc_requantize. */
typedef struct {
    int32_t fast;                /* 1: the fast form above; 0: nnc_requantize */
    int32_t scale;               /* 2 for the fast form, else 1: what weights and bias are multiplied by */
    int32_t multiplier, shift;
    int32_t exponent, half;      /* fast form: e = -shift, 2^(e-1) */
    int32_t offset, lo, hi;      /* clamp(v + offset, lo, hi) = clamp(v, lo - offset, hi - offset) + offset */
} nnc_dw_requant;

static void nnc_dw_requant_init(nnc_dw_requant *r, const nnc_conv_s8_params *p, const int8_t *w, int32_t taps,
                                int32_t bias, int32_t multiplier, int32_t shift)
{
    int32_t i, sum_abs = 0;
    for (i = 0; i < taps; ++i) {
        sum_abs += (w[i] < 0) ? -(int32_t)w[i] : (int32_t)w[i];
    }
    /* |bias| < 2^28 and sum |w| < 2^20 keep |acc| < 2^28 + 2^27 < 2^29. */
    r->fast = shift < 0 && bias > -(INT32_C(1) << 28) && bias < (INT32_C(1) << 28) && sum_abs < (INT32_C(1) << 20);
    r->scale = r->fast ? 2 : 1;
    r->multiplier = multiplier;
    r->shift = shift;
    r->exponent = r->fast ? -shift : 0;
    r->half = r->fast ? (INT32_C(1) << (-shift - 1)) : 0;
    r->offset = p->output_offset;
    r->lo = p->act_min;
    r->hi = p->act_max;
}

/* The output byte of acc (already multiplied by r->scale). */
static inline int8_t nnc_dw_output(const nnc_dw_requant *r, int32_t acc)
{
    int32_t v;
    if (!r->fast) {
        return nnc_output_s8(nnc_requantize(acc, r->multiplier, r->shift), r->offset, r->lo, r->hi);
    }
    v = nnc_dw_smmulr(acc, r->multiplier);
    v = (v + r->half + (v >> 31)) >> r->exponent;
    v += r->offset;
    v = v < r->lo ? r->lo : v;
    v = v > r->hi ? r->hi : v;
    return (int8_t)v;
}

/* ---- 3x3, stride 1 -------------------------------------------------------------------------------
 * Per kernel row: w02 = (w0, w2), w1l = (w1, 0), w1h = (0, w1). Four outputs from the six bytes
 * x0..x5 of a row: SXTB16 of the words at x0 and x2 gives e = (x0, x2), o = (x1, x3),
 * f = (x2, x4), g = (x3, x5), and
 *   out0 = e.w02 + o.w1l, out1 = o.w02 + e.w1h, out2 = f.w02 + g.w1l, out3 = g.w02 + f.w1h. */

typedef struct {
    uint32_t w02[3], w1l[3], w1h[3];
    int32_t w[9]; /* scaled taps, for the single column */
} nnc_dw_3x3;

static void nnc_dw_3x3_init(nnc_dw_3x3 *k, const int8_t *w, int32_t scale, int32_t stride)
{
    int32_t r;
    for (r = 0; r < 9; ++r) {
        k->w[r] = scale * (int32_t)w[r];
    }
    for (r = 0; r < 3; ++r) {
        const int32_t a = k->w[3 * r], b = k->w[3 * r + 1], c = k->w[3 * r + 2];
        if (stride == 1) {
            k->w02[r] = nnc_dw_pair(a, c);
            k->w1l[r] = nnc_dw_pair(b, 0);
            k->w1h[r] = nnc_dw_pair(0, b);
        } else { /* stride 2: w02 holds (w0, w1), w1h holds (0, w2) */
            k->w02[r] = nnc_dw_pair(a, b);
            k->w1l[r] = 0;
            k->w1h[r] = nnc_dw_pair(0, c);
        }
    }
}

/* One output row of a 3x3 stride-1 convolution: rows r0, r1, r2 (r1 = r0 + ws, ...), width out_w. */
static void nnc_dw_row_3x3_s1(const nnc_dw_3x3 *k, const nnc_dw_requant *q, int32_t acc0, const int8_t *r0,
                              int32_t ws, int32_t out_w, int8_t *y)
{
    int32_t ow = 0, r;
    for (; ow + 4 <= out_w; ow += 4) {
        int32_t a0 = acc0, a1 = acc0, a2 = acc0, a3 = acc0;
        const int8_t *s = r0 + ow;
        for (r = 0; r < 3; ++r) {
            const uint32_t u = nnc_read_u32(s), v = nnc_read_u32(s + 2);
            const uint32_t w02 = k->w02[r], w1l = k->w1l[r], w1h = k->w1h[r];
            const uint32_t e = nnc_sxtb16(u), o = nnc_sxtb16_ror8(u);
            const uint32_t f = nnc_sxtb16(v), g = nnc_sxtb16_ror8(v);
            a0 = nnc_smlad(e, w02, a0);
            a0 = nnc_smlad(o, w1l, a0);
            a1 = nnc_smlad(o, w02, a1);
            a1 = nnc_smlad(e, w1h, a1);
            a2 = nnc_smlad(f, w02, a2);
            a2 = nnc_smlad(g, w1l, a2);
            a3 = nnc_smlad(g, w02, a3);
            a3 = nnc_smlad(f, w1h, a3);
            s += ws;
        }
        y[ow] = nnc_dw_output(q, a0);
        y[ow + 1] = nnc_dw_output(q, a1);
        y[ow + 2] = nnc_dw_output(q, a2);
        y[ow + 3] = nnc_dw_output(q, a3);
    }
    if (ow + 2 <= out_w) {
        int32_t a0 = acc0, a1 = acc0;
        const int8_t *s = r0 + ow;
        for (r = 0; r < 3; ++r) {
            const uint32_t u = nnc_read_u32(s);
            const uint32_t e = nnc_sxtb16(u), o = nnc_sxtb16_ror8(u);
            a0 = nnc_smlad(e, k->w02[r], a0);
            a0 = nnc_smlad(o, k->w1l[r], a0);
            a1 = nnc_smlad(o, k->w02[r], a1);
            a1 = nnc_smlad(e, k->w1h[r], a1);
            s += ws;
        }
        y[ow] = nnc_dw_output(q, a0);
        y[ow + 1] = nnc_dw_output(q, a1);
        ow += 2;
    }
    if (ow < out_w) { /* bytes: a word would read past the row's last tap */
        int32_t a0 = acc0;
        const int8_t *s = r0 + ow;
        for (r = 0; r < 3; ++r) {
            a0 = (int32_t)((uint32_t)a0 + (uint32_t)(s[0] * k->w[3 * r]) + (uint32_t)(s[1] * k->w[3 * r + 1]) +
                           (uint32_t)(s[2] * k->w[3 * r + 2]));
            s += ws;
        }
        y[ow] = nnc_dw_output(q, a0);
    }
}

/* ---- 3x3, stride 2 -------------------------------------------------------------------------------
 * Two outputs from the five bytes x0..x4 of a row: the word at x0 gives e = (x0, x2), o = (x1, x3),
 * PKH gives (x0, x1) and (x2, x3), and
 *   out0 = (x0, x1).(w0, w1) + e.(0, w2), out1 = (x2, x3).(w0, w1) + x4 * w2. */
static void nnc_dw_row_3x3_s2(const nnc_dw_3x3 *k, const nnc_dw_requant *q, int32_t acc0, const int8_t *r0,
                              int32_t ws, int32_t out_w, int8_t *y)
{
    int32_t ow = 0, r;
    for (; ow + 2 <= out_w; ow += 2) {
        int32_t a0 = acc0, a1 = acc0;
        const int8_t *s = r0 + 2 * ow;
        for (r = 0; r < 3; ++r) {
            const uint32_t u = nnc_read_u32(s);
            const uint32_t e = nnc_sxtb16(u), o = nnc_sxtb16_ror8(u);
            a0 = nnc_smlad(nnc_pkhbt_lsl16(e, o), k->w02[r], a0);
            a0 = nnc_smlad(e, k->w1h[r], a0);
            a1 = nnc_smlad(nnc_pkhtb_asr16(o, e), k->w02[r], a1);
            a1 = (int32_t)((uint32_t)a1 + (uint32_t)(s[4] * k->w[3 * r + 2]));
            s += ws;
        }
        y[ow] = nnc_dw_output(q, a0);
        y[ow + 1] = nnc_dw_output(q, a1);
    }
    if (ow < out_w) {
        int32_t a0 = acc0;
        const int8_t *s = r0 + 2 * ow;
        for (r = 0; r < 3; ++r) {
            a0 = (int32_t)((uint32_t)a0 + (uint32_t)(s[0] * k->w[3 * r]) + (uint32_t)(s[1] * k->w[3 * r + 1]) +
                           (uint32_t)(s[2] * k->w[3 * r + 2]));
            s += ws;
        }
        y[ow] = nnc_dw_output(q, a0);
    }
}

/* ---- Any geometry --------------------------------------------------------------------------------- */

static void nnc_dw_plane_any(const nnc_conv_s8_params *p, const int8_t *w, const nnc_dw_requant *q, int32_t acc0,
                             const int8_t *src, int32_t ws, int8_t *y)
{
    int32_t oh, ow, kh, kw;
    for (oh = 0; oh < p->out_h; ++oh) {
        for (ow = 0; ow < p->out_w; ++ow) {
            const int8_t *s = src + oh * p->stride_h * ws + ow * p->stride_w;
            uint32_t acc = (uint32_t)acc0;
            for (kh = 0; kh < p->kernel_h; ++kh) {
                const int8_t *row = s + kh * p->dilation_h * ws;
                const int8_t *wr = w + kh * p->kernel_w;
                for (kw = 0; kw < p->kernel_w; ++kw) {
                    acc += (uint32_t)((int32_t)row[kw * p->dilation_w] * (q->scale * (int32_t)wr[kw]));
                }
            }
            *y++ = nnc_dw_output(q, (int32_t)acc);
        }
    }
}

/* ---- The kernel ---------------------------------------------------------------------------------- */

/* The plane x [in_h][in_w] into dst [in_h + 2 pad_h][in_w + 2 pad_w], whose border already holds
 * the input zero point. */
static void nnc_dw_copy_plane(const nnc_conv_s8_params *p, const int8_t *x, int8_t *dst)
{
    const int32_t ws = p->in_w + 2 * p->pad_w;
    int32_t h;
    dst += p->pad_h * ws + p->pad_w;
    for (h = 0; h < p->in_h; ++h) {
        memcpy(dst, x, (size_t)p->in_w);
        dst += ws;
        x += p->in_w;
    }
}

void nnc_dwconv_s8(const nnc_conv_s8_params *p, const int8_t *x, const int8_t *w, const int32_t *bias,
                   const int32_t *out_multiplier, const int32_t *out_shift, int8_t *scratch, int8_t *y)
{
    const int32_t padded = p->pad_h > 0 || p->pad_w > 0;
    const int32_t ws = p->in_w + 2 * p->pad_w;
    const int32_t in_map = p->in_h * p->in_w;
    const int32_t out_map = p->out_h * p->out_w;
    const int32_t taps = p->kernel_h * p->kernel_w;
    const int32_t multiplier = p->out_c / p->in_c;
    const int32_t three = p->kernel_h == 3 && p->kernel_w == 3 && p->dilation_h == 1 && p->dilation_w == 1;
    const int32_t s1 = three && p->stride_h == 1 && p->stride_w == 1;
    const int32_t s2 = three && p->stride_h == 2 && p->stride_w == 2;
    int32_t n, ic, m, oh;

    if (padded) {
        memset(scratch, (int)(int8_t)(-p->input_offset), (size_t)((p->in_h + 2 * p->pad_h) * ws));
    }
    for (n = 0; n < p->batch; ++n) {
        for (ic = 0; ic < p->in_c; ++ic) {
            const int8_t *plane = x + (n * p->in_c + ic) * in_map;
            const int8_t *src = padded ? scratch : plane;
            if (padded) {
                nnc_dw_copy_plane(p, plane, scratch);
            }
            for (m = 0; m < multiplier; ++m) {
                const int32_t oc = ic * multiplier + m;
                const int8_t *wc = w + oc * taps;
                int8_t *yc = y + (n * p->out_c + oc) * out_map;
                nnc_dw_requant q;
                int32_t acc0;
                nnc_dw_requant_init(&q, p, wc, taps, bias[oc], out_multiplier[oc], out_shift[oc]);
                acc0 = (int32_t)((uint32_t)bias[oc] * (uint32_t)q.scale);
                if (s1 || s2) {
                    nnc_dw_3x3 k;
                    nnc_dw_3x3_init(&k, wc, q.scale, s1 ? 1 : 2);
                    for (oh = 0; oh < p->out_h; ++oh) {
                        const int8_t *r0 = src + oh * p->stride_h * ws;
                        if (s1) {
                            nnc_dw_row_3x3_s1(&k, &q, acc0, r0, ws, p->out_w, yc + oh * p->out_w);
                        } else {
                            nnc_dw_row_3x3_s2(&k, &q, acc0, r0, ws, p->out_w, yc + oh * p->out_w);
                        }
                    }
                } else {
                    nnc_dw_plane_any(p, wc, &q, acc0, src, ws, yc);
                }
            }
        }
    }
}
