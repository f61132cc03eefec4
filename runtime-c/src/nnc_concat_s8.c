/*
 * nnc_concat_s8.c — Concatenate, int8 reference: one call per input, copied or rescaled to the
 * output's quantization. See nnc_int8.h. Mirrors Int8Kernels.concatenate in Swift.
 */
#include "nnc_int8.h"

void nnc_concatenate_s8(const nnc_concatenate_params *p, const nnc_rescale_s8_params *r,
                        const int8_t *x, int8_t *y)
{
    const int32_t inner = p->x_inner;
    int32_t o, j;
    for (o = 0; o < p->outer; ++o) {
        const int8_t *src = x + o * inner;
        int8_t *dst = y + o * p->y_inner + p->y_offset;
        if (r == NULL) {
            for (j = 0; j < inner; ++j) {
                dst[j] = src[j];
            }
        } else {
            for (j = 0; j < inner; ++j) {
                const int32_t v = nnc_requantize((int32_t)src[j] + r->input_offset, r->multiplier,
                                                 r->shift);
                dst[j] = nnc_output_s8(v, r->output_offset, INT8_MIN, INT8_MAX);
            }
        }
    }
}
