/*
 * nnc_softmax_s8.c — Softmax of int8 values on the FPU: dequantize, nnc_softmax_f32's algorithm,
 * quantize. See nnc_int8.h. Mirrors Int8Kernels.softmax in Swift.
 *
 * y is int8, so there is nowhere to keep exp(x - max) between the sum and the division: it is
 * computed again, which gives the same float (expf is a function), so every output equals
 * quantize(nnc_softmax_f32(dequantize(x))). Each x[k] is read before y[k] is written and never
 * after, so y == x (in place) is allowed.
 */
#include <math.h>

#include "nnc_int8.h"

void nnc_softmax_s8(const nnc_softmax_params *p, float in_scale, int32_t in_zero_point,
                    float out_scale, int32_t out_zero_point, const int8_t *x, int8_t *y)
{
    const int32_t size1 = p->axis_size, size2 = p->inner;
    int32_t i0, i1, i2;

    for (i0 = 0; i0 < p->outer; ++i0) {
        for (i2 = 0; i2 < size2; ++i2) {
            const int32_t j = i0 * size1 * size2 + i2;
            float max_x = nnc_dequantize_one_s8(x[j], in_scale, in_zero_point);
            float exp_sum = 0.0f;
            for (i1 = 0; i1 < size1; ++i1) {
                const float v = nnc_dequantize_one_s8(x[j + i1 * size2], in_scale, in_zero_point);
                max_x = (max_x >= v) ? max_x : v;
            }
            for (i1 = 0; i1 < size1; ++i1) {
                const float v = nnc_dequantize_one_s8(x[j + i1 * size2], in_scale, in_zero_point);
                const float e = expf(v - max_x);
                exp_sum += e;
            }
            for (i1 = 0; i1 < size1; ++i1) {
                const int32_t k = j + i1 * size2;
                const float v = nnc_dequantize_one_s8(x[k], in_scale, in_zero_point);
                const float e = expf(v - max_x);
                const float s = e / exp_sum;
                y[k] = nnc_quantize_one_s8(s, out_scale, out_zero_point);
            }
        }
    }
}
