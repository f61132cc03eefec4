/*
 * nnc_concat_f32.c — Concatenate, float32 reference: one call per input. See nnc_pointwise.h.
 * Mirrors FloatKernels.concatenate.
 */
#include "nnc_pointwise.h"

void nnc_concatenate_f32(const nnc_concatenate_params *p, const float *x, float *y)
{
    const int32_t inner = p->x_inner;
    int32_t o, j;
    for (o = 0; o < p->outer; ++o) {
        const float *src = x + o * inner;
        float *dst = y + o * p->y_inner + p->y_offset;
        for (j = 0; j < inner; ++j) {
            dst[j] = src[j];
        }
    }
}
