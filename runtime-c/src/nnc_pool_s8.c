/*
 * nnc_pool_s8.c — max / average / sum pooling and global average pooling, int8 reference.
 * Windows exactly as nnc_pool_f32.c; numbers in nnc_int8.h. Mirrors Int8Kernels.maxPooling,
 * averagePooling, sumPooling and globalAveragePooling in Swift.
 */
#include "nnc_dsp.h"
#include "nnc_int8.h"

enum { NNC_POOL_S8_SUM, NNC_POOL_S8_AVG };

static int32_t nnc_min_i32(int32_t a, int32_t b) { return a < b ? a : b; }
static int32_t nnc_max_i32(int32_t a, int32_t b) { return a > b ? a : b; }

/* x[0] + ... + x[n-1]. The kernels add the input offset once per window as count * input_offset:
 * the same int32 as adding it to every element (and as the Swift twin's wrapping sum, which
 * agrees modulo 2^32). On a DSP core four bytes at a time: SXTB16 twice, SMLAD with (1, 1). */
static int32_t nnc_sum_s8(const int8_t *x, int32_t n)
{
    int32_t acc = 0, i = 0;
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
    const uint32_t ones = UINT32_C(0x00010001);
    for (; i + 4 <= n; i += 4) {
        const uint32_t w = nnc_read_u32(x + i);
        acc = nnc_smlad(nnc_sxtb16(w), ones, acc);
        acc = nnc_smlad(nnc_sxtb16_ror8(w), ones, acc);
    }
#endif
    for (; i < n; ++i) {
        acc += x[i];
    }
    return acc;
}

/* acc / count rounded to nearest, ties away from zero (count > 0; 0 when count == 0). */
static int32_t nnc_rounded_divide(int32_t acc, int32_t count)
{
    const int32_t half = count / 2;
    if (count <= 0) {
        return 0;
    }
    return (acc >= 0) ? (acc + half) / count : (acc - half) / count;
}

void nnc_maxpool_s8(const nnc_pool_params *p, const int8_t *x, int8_t *y)
{
    const int32_t in_h = p->in_h, in_w = p->in_w;
    const int32_t in_map = in_h * in_w;
    int32_t r, oh, ow, ih, iw;

    for (r = 0; r < p->outer; ++r) {
        const int8_t *xc = x + r * in_map;
        for (oh = 0; oh < p->out_h; ++oh) {
            const int32_t h0 = oh * p->stride_h - p->pad_h;
            const int32_t hs = nnc_max_i32(h0, 0);
            const int32_t he = nnc_min_i32(nnc_min_i32(h0 + p->kernel_h, in_h + p->pad_h), in_h);
            for (ow = 0; ow < p->out_w; ++ow) {
                const int32_t w0 = ow * p->stride_w - p->pad_w;
                const int32_t ws = nnc_max_i32(w0, 0);
                const int32_t we = nnc_min_i32(nnc_min_i32(w0 + p->kernel_w, in_w + p->pad_w), in_w);
                int8_t m = INT8_MIN;
                for (ih = hs; ih < he; ++ih) {
                    const int8_t *row = xc + ih * in_w;
                    for (iw = ws; iw < we; ++iw) {
                        if (row[iw] > m) {
                            m = row[iw];
                        }
                    }
                }
                *y++ = m;
            }
        }
    }
}

static void nnc_pool_s8(const nnc_pool_s8_params *q, const int8_t *x, int8_t *y, int32_t mode)
{
    const nnc_pool_params *p = &q->geometry;
    const int32_t in_h = p->in_h, in_w = p->in_w;
    const int32_t in_map = in_h * in_w;
    const int32_t input_offset = q->input_offset;
    int32_t r, oh, ow, ih;

    for (r = 0; r < p->outer; ++r) {
        const int8_t *xc = x + r * in_map;
        for (oh = 0; oh < p->out_h; ++oh) {
            /* Window clipped to the padded input, then to the real input. */
            const int32_t h0 = oh * p->stride_h - p->pad_h;
            const int32_t h1 = nnc_min_i32(h0 + p->kernel_h, in_h + p->pad_h);
            const int32_t hs = nnc_max_i32(h0, 0);
            const int32_t he = nnc_min_i32(h1, in_h);
            for (ow = 0; ow < p->out_w; ++ow) {
                const int32_t w0 = ow * p->stride_w - p->pad_w;
                const int32_t w1 = nnc_min_i32(w0 + p->kernel_w, in_w + p->pad_w);
                const int32_t ws = nnc_max_i32(w0, 0);
                const int32_t we = nnc_min_i32(w1, in_w);
                const int32_t real = nnc_max_i32(he - hs, 0) * nnc_max_i32(we - ws, 0);
                int32_t acc = 0;
                if (ws == 0 && we == in_w && he > hs) {
                    acc = nnc_sum_s8(xc + hs * in_w, (he - hs) * in_w); /* whole rows: one run */
                } else if (we > ws) {
                    for (ih = hs; ih < he; ++ih) {
                        acc += nnc_sum_s8(xc + ih * in_w + ws, we - ws);
                    }
                }
                acc += real * input_offset;
                if (mode == NNC_POOL_S8_AVG) {
                    acc = nnc_rounded_divide(acc, p->including_pad ? (h1 - h0) * (w1 - w0) : real);
                }
                *y++ = nnc_output_s8(nnc_requantize(acc, q->multiplier, q->shift), q->output_offset,
                                     q->act_min, q->act_max);
            }
        }
    }
}

void nnc_avgpool_s8(const nnc_pool_s8_params *p, const int8_t *x, int8_t *y)
{
    nnc_pool_s8(p, x, y, NNC_POOL_S8_AVG);
}

void nnc_sumpool_s8(const nnc_pool_s8_params *p, const int8_t *x, int8_t *y)
{
    nnc_pool_s8(p, x, y, NNC_POOL_S8_SUM);
}

void nnc_global_avgpool_s8(const nnc_global_pool_s8_params *p, const int8_t *x, int8_t *y)
{
    const int32_t size = p->size, offset_sum = p->size * p->input_offset;
    int32_t r;
    for (r = 0; r < p->outer; ++r) {
        const int32_t acc = nnc_rounded_divide(nnc_sum_s8(x + r * size, size) + offset_sum, size);
        y[r] = nnc_output_s8(nnc_requantize(acc, p->multiplier, p->shift), p->output_offset,
                             INT8_MIN, INT8_MAX);
    }
}
