/*
 * nnc_quantize_s8.c — float32 <-> int8 conversion at the edges of an int8 model. The rule is
 * written once, in nnc_int8.h (nnc_quantize_one_s8 / nnc_dequantize_one_s8). Mirrors
 * QuantParams.quantize / dequantize in Swift.
 */
#include "nnc_int8.h"

void nnc_quantize_s8(int32_t n, float scale, int32_t zero_point, const float *x, int8_t *y)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        y[i] = nnc_quantize_one_s8(x[i], scale, zero_point);
    }
}

void nnc_dequantize_s8(int32_t n, float scale, int32_t zero_point, const int8_t *x, float *y)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        y[i] = nnc_dequantize_one_s8(x[i], scale, zero_point);
    }
}
