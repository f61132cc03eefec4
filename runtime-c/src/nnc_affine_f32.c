/*
 * nnc_affine_f32.c — Affine (fully connected) layer, float32 reference. See nnc_spatial.h.
 * Mirrors FloatKernels.affine in Swift, block sums included.
 */
#include "nnc_spatial.h"

/* sum_{i < n} x[i] * w[i * stride], one accumulator from 0.0f: one block of the dot product.
 * Four products per step (then their four additions, in order: the same bits as one at a time)
 * halve the loop overhead on the Cortex-M4. */
static float nnc_affine_block(const float *x, const float *w, int32_t stride, int32_t n)
{
    float acc = 0.0f;
    int32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        /* Statements of their own: no contraction into an FMA. */
        const float p0 = x[i] * w[0];
        const float p1 = x[i + 1] * w[stride];
        const float p2 = x[i + 2] * w[2 * stride];
        const float p3 = x[i + 3] * w[3 * stride];
        acc += p0;
        acc += p1;
        acc += p2;
        acc += p3;
        w += 4 * stride;
    }
    for (; i < n; ++i) {
        const float prod = x[i] * w[0];
        acc += prod;
        w += stride;
    }
    return acc;
}

void nnc_affine_f32(const nnc_affine_params *p, const float *x, const float *w, const float *b,
                    float *y)
{
    const int32_t n_in = p->in_features;
    const int32_t n_out = p->out_features;
    int32_t r, o, i0;

    for (r = 0; r < p->outer; ++r) {
        const float *xr = x + r * n_in;
        float *yr = y + r * n_out;
        for (o = 0; o < n_out; ++o) {
            float acc = 0.0f;
            for (i0 = 0; i0 < n_in; i0 += NNC_F32_SUM_BLOCK) { /* a block sum per step */
                const int32_t n = n_in - i0 < NNC_F32_SUM_BLOCK ? n_in - i0 : NNC_F32_SUM_BLOCK;
                acc += nnc_affine_block(xr + i0, w + i0 * n_out + o, n_out, n);
            }
            yr[o] = (b != NULL) ? acc + b[o] : acc;
        }
    }
}
