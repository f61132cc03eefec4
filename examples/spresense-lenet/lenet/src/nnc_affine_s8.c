/*
 * nnc_affine_s8.c — Affine (fully connected) layer, int8 reference, output-major weights.
 * See nnc_int8.h for the numbers. Mirrors Int8Kernels.affine in Swift.
 */
#include "nnc_int8.h"

void nnc_affine_s8(const nnc_affine_s8_params *p, const int8_t *x, const int8_t *w,
                   const int32_t *bias, const int32_t *out_multiplier, const int32_t *out_shift,
                   int8_t *y)
{
    const int32_t n_in = p->in_features;
    const int32_t n_out = p->out_features;
    const int32_t input_offset = p->input_offset;
    int32_t r, o, i;

    for (r = 0; r < p->outer; ++r) {
        const int8_t *xr = x + r * n_in;
        int8_t *yr = y + r * n_out;
        for (o = 0; o < n_out; ++o) {
            const int8_t *wo = w + o * n_in;
            int32_t acc = (bias != NULL) ? bias[o] : 0;
            for (i = 0; i < n_in; ++i) {
                acc += ((int32_t)xr[i] + input_offset) * (int32_t)wo[i];
            }
            yr[o] = nnc_output_s8(nnc_requantize(acc, out_multiplier[o], out_shift[o]),
                                  p->output_offset, p->act_min, p->act_max);
        }
    }
}
