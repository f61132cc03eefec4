/*
 * nnc_conv_s8_opt.c — int8 convolution (any geometry, groups, depthwise) with an optional fused
 * max pooling, and int8 affine, built on SMLAD (nnc_dsp.h). Same bytes as nnc_conv_s8 followed by
 * nnc_maxpool_s8, and as nnc_affine_s8; see nnc_int8.h for the layouts the code generator
 * prepares (int16 weights in blocks of four channels, input offset folded into the bias).
 */
#include "nnc_int8.h"
#include "nnc_dsp.h"

/* ---- Dot products over int16 pairs ----------------------------------------------------------- */

/* Four channels (weights interleaved per k pair: [k/2][channel][2]) by two columns (interleaved
 * per k pair too: [k/2][column][2]), unrolled by two pairs. */
static void nnc_dot4x2(const int16_t *w, const int16_t *c, int32_t pairs, int32_t acc[8])
{
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    int32_t a4 = acc[4], a5 = acc[5], a6 = acc[6], a7 = acc[7];
    const int16_t *end = c + 4 * pairs;
    if (pairs & 1) {
        const uint32_t x0 = nnc_read_u32(c);
        const uint32_t x1 = nnc_read_u32(c + 2);
        uint32_t v = nnc_read_u32(w);
        a0 = nnc_smlad(v, x0, a0);
        a1 = nnc_smlad(v, x1, a1);
        v = nnc_read_u32(w + 2);
        a2 = nnc_smlad(v, x0, a2);
        a3 = nnc_smlad(v, x1, a3);
        v = nnc_read_u32(w + 4);
        a4 = nnc_smlad(v, x0, a4);
        a5 = nnc_smlad(v, x1, a5);
        v = nnc_read_u32(w + 6);
        a6 = nnc_smlad(v, x0, a6);
        a7 = nnc_smlad(v, x1, a7);
        w += 8;
        c += 4;
    }
    while (c != end) {
        uint32_t x0 = nnc_read_u32(c);
        uint32_t x1 = nnc_read_u32(c + 2);
        uint32_t v = nnc_read_u32(w);
        a0 = nnc_smlad(v, x0, a0);
        a1 = nnc_smlad(v, x1, a1);
        v = nnc_read_u32(w + 2);
        a2 = nnc_smlad(v, x0, a2);
        a3 = nnc_smlad(v, x1, a3);
        v = nnc_read_u32(w + 4);
        a4 = nnc_smlad(v, x0, a4);
        a5 = nnc_smlad(v, x1, a5);
        v = nnc_read_u32(w + 6);
        a6 = nnc_smlad(v, x0, a6);
        a7 = nnc_smlad(v, x1, a7);
        x0 = nnc_read_u32(c + 4);
        x1 = nnc_read_u32(c + 6);
        v = nnc_read_u32(w + 8);
        a0 = nnc_smlad(v, x0, a0);
        a1 = nnc_smlad(v, x1, a1);
        v = nnc_read_u32(w + 10);
        a2 = nnc_smlad(v, x0, a2);
        a3 = nnc_smlad(v, x1, a3);
        v = nnc_read_u32(w + 12);
        a4 = nnc_smlad(v, x0, a4);
        a5 = nnc_smlad(v, x1, a5);
        v = nnc_read_u32(w + 14);
        a6 = nnc_smlad(v, x0, a6);
        a7 = nnc_smlad(v, x1, a7);
        w += 16;
        c += 8;
    }
    acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3;
    acc[4] = a4; acc[5] = a5; acc[6] = a6; acc[7] = a7;
}

/* One channel (a plain weight row) by two interleaved columns. */
static void nnc_dot1x2(const int16_t *w, const int16_t *c, int32_t pairs, int32_t acc[2])
{
    int32_t a0 = acc[0], a1 = acc[1];
    int32_t i;
    for (i = 0; i < pairs; ++i) {
        const uint32_t v = nnc_read_u32(w + 2 * i);
        a0 = nnc_smlad(v, nnc_read_u32(c + 4 * i), a0);
        a1 = nnc_smlad(v, nnc_read_u32(c + 4 * i + 2), a1);
    }
    acc[0] = a0;
    acc[1] = a1;
}

/* Four channels (interleaved) by one column. */
static void nnc_dot4x1(const int16_t *w, const int16_t *c, int32_t pairs, int32_t acc[4])
{
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    const int16_t *end = c + 2 * pairs;
    while (c != end) {
        const uint32_t x = nnc_read_u32(c);
        a0 = nnc_smlad(nnc_read_u32(w), x, a0);
        a1 = nnc_smlad(nnc_read_u32(w + 2), x, a1);
        a2 = nnc_smlad(nnc_read_u32(w + 4), x, a2);
        a3 = nnc_smlad(nnc_read_u32(w + 6), x, a3);
        w += 8;
        c += 2;
    }
    acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3;
}

/* One channel by one column. */
static int32_t nnc_dot1x1(const int16_t *w, const int16_t *c, int32_t pairs, int32_t acc)
{
    int32_t i;
    for (i = 0; i < pairs; ++i) {
        acc = nnc_smlad(nnc_read_u32(w + 2 * i), nnc_read_u32(c + 2 * i), acc);
    }
    return acc;
}

/* ---- Columns ----------------------------------------------------------------------------------- */

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

/* The column of output pixel (oh, ow) of one group: its taps in weight order [ic][kh][kw] as
 * int16, the input zero point where a tap falls in the padding (so that with the input offset
 * folded into the bias it adds exactly nothing), zero up to k_padded. Written interleaved with
 * the other column of its pair: tap k at col[2k - k % 2] (col is the pair's base, + 2 for the
 * second column). */
static void nnc_im2col_s16(const nnc_conv_s8_params *p, const int8_t *x_group, int32_t oh,
                           int32_t ow, int16_t *col)
{
    const int32_t in_per_group = p->in_c / p->group;
    const int32_t in_map = p->in_h * p->in_w;
    const int32_t k_h = p->kernel_h, k_w = p->kernel_w, d_w = p->dilation_w;
    const int32_t ih0 = oh * p->stride_h - p->pad_h;
    const int32_t iw0 = ow * p->stride_w - p->pad_w;
    const int32_t cols_inside = iw0 >= 0 && iw0 + (k_w - 1) * d_w < p->in_w;
    const int16_t pad = (int16_t)(-p->input_offset);
    int16_t *d = col;
    int32_t step = 1; /* 1 after an even tap, 3 after an odd one */
    int32_t icl, kh, kw;

    for (icl = 0; icl < in_per_group; ++icl) {
        const int8_t *xc = x_group + icl * in_map;
        for (kh = 0; kh < k_h; ++kh) {
            const int32_t ih = ih0 + kh * p->dilation_h;
            if (ih < 0 || ih >= p->in_h) {
                for (kw = 0; kw < k_w; ++kw) {
                    *d = pad;
                    d += step;
                    step ^= 2;
                }
            } else if (cols_inside) {
                const int8_t *row = xc + ih * p->in_w + iw0;
                for (kw = 0; kw < k_w; ++kw) {
                    *d = row[kw * d_w];
                    d += step;
                    step ^= 2;
                }
            } else {
                const int8_t *row = xc + ih * p->in_w;
                for (kw = 0; kw < k_w; ++kw) {
                    const int32_t iw = iw0 + kw * d_w;
                    *d = (iw < 0 || iw >= p->in_w) ? pad : (int16_t)row[iw];
                    d += step;
                    step ^= 2;
                }
            }
        }
    }
    if (step == 3) { /* K odd: the last pair's second tap */
        *d = 0;
    }
}

/* ---- Convolution ------------------------------------------------------------------------------- */

static int32_t nnc_max2_i32(int32_t a, int32_t b) { return a > b ? a : b; }

/* Accumulators of every channel of one group over `ncols` columns (ncols even, the pair of
 * columns j, j + 1 interleaved at cols + j * k_padded), reduced: with `pooled`, the max over all columns goes to out[c];
 * otherwise columns 0 and 1 go to out[2c] and out[2c + 1]. */
static void nnc_conv_columns(const int16_t *w, const int32_t *bias, int32_t channels,
                             int32_t k_padded, const int16_t *cols, int32_t ncols, int32_t pooled,
                             int32_t *out)
{
    const int32_t pairs = k_padded / 2;
    int32_t c = 0, j, i;
    for (; c + 4 <= channels; c += 4) {
        const int16_t *wb = w + c * k_padded;
        int32_t best[4];
        for (j = 0; j < ncols; j += 2) {
            int32_t acc[8];
            for (i = 0; i < 4; ++i) {
                acc[2 * i] = bias[c + i];
                acc[2 * i + 1] = bias[c + i];
            }
            nnc_dot4x2(wb, cols + j * k_padded, pairs, acc);
            if (!pooled) {
                for (i = 0; i < 8; ++i) {
                    out[2 * c + i] = acc[i];
                }
                break;
            }
            for (i = 0; i < 4; ++i) {
                const int32_t m = nnc_max2_i32(acc[2 * i], acc[2 * i + 1]);
                best[i] = (j == 0) ? m : nnc_max2_i32(best[i], m);
            }
        }
        if (pooled) {
            for (i = 0; i < 4; ++i) {
                out[c + i] = best[i];
            }
        }
    }
    for (; c < channels; ++c) {
        const int16_t *wr = w + c * k_padded;
        int32_t best = 0;
        for (j = 0; j < ncols; j += 2) {
            int32_t acc[2];
            acc[0] = bias[c];
            acc[1] = bias[c];
            nnc_dot1x2(wr, cols + j * k_padded, pairs, acc);
            if (!pooled) {
                out[2 * c] = acc[0];
                out[2 * c + 1] = acc[1];
                break;
            }
            best = (j == 0) ? nnc_max2_i32(acc[0], acc[1]) : nnc_max2_i32(best, nnc_max2_i32(acc[0], acc[1]));
        }
        if (pooled) {
            out[c] = best;
        }
    }
}

static int8_t nnc_conv_output(const nnc_conv_s8_params *p, int32_t acc, int32_t multiplier,
                              int32_t shift)
{
    return nnc_output_s8(nnc_requantize(acc, multiplier, shift), p->output_offset, p->act_min,
                         p->act_max);
}

void nnc_conv_s8_opt(const nnc_conv_s8_opt_params *q, const int8_t *x, const int16_t *w,
                     const int32_t *bias, const int32_t *out_multiplier, const int32_t *out_shift,
                     int16_t *scratch, int8_t *y)
{
    const nnc_conv_s8_params *p = &q->conv;
    const int32_t in_per_group = p->in_c / p->group;
    const int32_t out_per_group = p->out_c / p->group;
    const int32_t in_map = p->in_h * p->in_w;
    const int32_t k_padded = q->k_padded;
    const int32_t window = q->pool_h * q->pool_w;
    const int32_t pooled = window > 1;
    const int32_t ncols = pooled ? window + (window & 1) : 2;
    const int32_t out_map = q->out_h * q->out_w;
    int32_t *acc = (int32_t *)(void *)(scratch + ncols * k_padded);
    int32_t n, g, oc, pos, j;

    for (n = 0; n < p->batch; ++n) {
        for (g = 0; g < p->group; ++g) {
            const int8_t *xg = x + (n * p->in_c + g * in_per_group) * in_map;
            const int32_t c0 = g * out_per_group;
            const int16_t *wg = w + c0 * k_padded;
            int8_t *yg = y + (n * p->out_c + c0) * out_map;
            if (!pooled) {
                for (pos = 0; pos < out_map; pos += 2) {
                    const int32_t last = (pos + 1 < out_map) ? pos + 1 : pos;
                    nnc_im2col_s16(p, xg, pos / q->out_w, pos % q->out_w, scratch);
                    nnc_im2col_s16(p, xg, last / q->out_w, last % q->out_w, scratch + 2);
                    nnc_conv_columns(wg, bias + c0, out_per_group, k_padded, scratch, 2, 0, acc);
                    for (oc = 0; oc < out_per_group; ++oc) {
                        const int32_t m = out_multiplier[c0 + oc], s = out_shift[c0 + oc];
                        yg[oc * out_map + pos] = nnc_conv_output(p, acc[2 * oc], m, s);
                        yg[oc * out_map + last] = nnc_conv_output(p, acc[2 * oc + 1], m, s);
                    }
                }
            } else {
                for (pos = 0; pos < out_map; ++pos) {
                    const int32_t oh0 = (pos / q->out_w) * q->pool_h;
                    const int32_t ow0 = (pos % q->out_w) * q->pool_w;
                    for (j = 0; j < ncols; ++j) {
                        /* An odd window repeats its last pixel: the max does not change. */
                        const int32_t i = (j < window) ? j : window - 1;
                        nnc_im2col_s16(p, xg, oh0 + i / q->pool_w, ow0 + i % q->pool_w,
                                       scratch + (j / 2) * 2 * k_padded + (j % 2) * 2);
                    }
                    nnc_conv_columns(wg, bias + c0, out_per_group, k_padded, scratch, ncols, 1, acc);
                    for (oc = 0; oc < out_per_group; ++oc) {
                        yg[oc * out_map + pos] = nnc_conv_output(p, acc[oc], out_multiplier[c0 + oc],
                                                                 out_shift[c0 + oc]);
                    }
                }
            }
        }
    }
}

/* ---- Affine ------------------------------------------------------------------------------------ */

void nnc_affine_s8_opt(const nnc_affine_s8_opt_params *q, const int8_t *x, const int16_t *w,
                       const int32_t *bias, const int32_t *out_multiplier,
                       const int32_t *out_shift, int16_t *scratch, int8_t *y)
{
    const nnc_affine_s8_params *p = &q->affine;
    const int32_t k_padded = q->k_padded;
    const int32_t pairs = k_padded / 2;
    int32_t r, o, i;

    for (r = 0; r < p->outer; ++r) {
        int8_t *yr = y + r * p->out_features;
        nnc_widen_s8(x + r * p->in_features, p->in_features, scratch);
        for (i = p->in_features; i < k_padded; ++i) {
            scratch[i] = 0;
        }
        for (o = 0; o + 4 <= p->out_features; o += 4) {
            int32_t acc[4];
            for (i = 0; i < 4; ++i) {
                acc[i] = bias[o + i];
            }
            nnc_dot4x1(w + o * k_padded, scratch, pairs, acc);
            for (i = 0; i < 4; ++i) {
                yr[o + i] = nnc_output_s8(nnc_requantize(acc[i], out_multiplier[o + i], out_shift[o + i]),
                                          p->output_offset, p->act_min, p->act_max);
            }
        }
        for (; o < p->out_features; ++o) {
            const int32_t acc = nnc_dot1x1(w + o * k_padded, scratch, pairs, bias[o]);
            yr[o] = nnc_output_s8(nnc_requantize(acc, out_multiplier[o], out_shift[o]),
                                  p->output_offset, p->act_min, p->act_max);
        }
    }
}
