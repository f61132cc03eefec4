/*
 * nnc_pool_f32.c — max / average / sum pooling and global average pooling, float32 reference.
 * See nnc_spatial.h. Mirrors FloatKernels.pool / globalAveragePooling in Swift (nnabla semantics).
 */
#include <math.h>

#include "nnc_spatial.h"

enum { NNC_POOL_MAX, NNC_POOL_SUM, NNC_POOL_AVG };

static int32_t nnc_min_i32(int32_t a, int32_t b) { return a < b ? a : b; }
static int32_t nnc_max_i32(int32_t a, int32_t b) { return a > b ? a : b; }

static void nnc_pool_f32(const nnc_pool_params *p, const float *x, float *y, int32_t mode)
{
    const int32_t in_h = p->in_h, in_w = p->in_w;
    const int32_t in_map = in_h * in_w;
    int32_t r, oh, ow, ih, iw;

    for (r = 0; r < p->outer; ++r) {
        const float *xc = x + r * in_map;
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
                if (mode == NNC_POOL_MAX) {
                    float m = -INFINITY;
                    for (ih = hs; ih < he; ++ih) {
                        const float *row = xc + ih * in_w;
                        for (iw = ws; iw < we; ++iw) {
                            if (row[iw] > m) {
                                m = row[iw];
                            }
                        }
                    }
                    *y++ = m;
                } else {
                    float sum = 0.0f;
                    for (ih = hs; ih < he; ++ih) {
                        const float *row = xc + ih * in_w;
                        for (iw = ws; iw < we; ++iw) {
                            sum += row[iw];
                        }
                    }
                    if (mode == NNC_POOL_AVG) {
                        const int32_t count = p->including_pad
                            ? (h1 - h0) * (w1 - w0)
                            : nnc_max_i32(he - hs, 0) * nnc_max_i32(we - ws, 0);
                        sum = sum / (float)count;
                    }
                    *y++ = sum;
                }
            }
        }
    }
}

void nnc_maxpool_f32(const nnc_pool_params *p, const float *x, float *y)
{
    nnc_pool_f32(p, x, y, NNC_POOL_MAX);
}

void nnc_avgpool_f32(const nnc_pool_params *p, const float *x, float *y)
{
    nnc_pool_f32(p, x, y, NNC_POOL_AVG);
}

void nnc_sumpool_f32(const nnc_pool_params *p, const float *x, float *y)
{
    nnc_pool_f32(p, x, y, NNC_POOL_SUM);
}

void nnc_global_avgpool_f32(const nnc_global_pool_params *p, const float *x, float *y)
{
    int32_t r, i;
    for (r = 0; r < p->outer; ++r) {
        const float *xr = x + r * p->size;
        float sum = 0.0f;
        for (i = 0; i < p->size; ++i) {
            sum += xr[i];
        }
        y[r] = sum / (float)p->size;
    }
}
