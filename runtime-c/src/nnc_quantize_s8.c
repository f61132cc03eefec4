/*
 * nnc_quantize_s8.c — float32 <-> int8 conversion at the edges of an int8 model. The rule is
 * written once, in nnc_int8.h (nnc_quantize_one_s8 / nnc_dequantize_one_s8). Mirrors
 * QuantParams.quantize / dequantize in Swift.
 */
#include "nnc_int8.h"

/* nnc_quantize_one_s8 without the call to roundf (a library call on the Cortex-M4): q = x / scale
 * is the same division; for |q| < 2^23 the truncation t = (int32_t)q is one VCVT and q - t is
 * exact (Sterbenz), so the half-away-from-zero step is a comparison of that fraction; t + zero
 * point is then exact in int32, as r + zero point is in float. |q| >= 2^23 is already an integer
 * and clamps to the end its sign points at; NaN fails every comparison and gives the zero point. */
static int8_t nnc_quantize_fast_s8(float x, float scale, int32_t zero_point)
{
    const float q = x / scale;
    int32_t t;
    float f;
    if (!(q < 8388608.0f && q > -8388608.0f)) {
        if (q != q) {
            return (int8_t)zero_point;
        }
        return q > 0.0f ? INT8_MAX : INT8_MIN;
    }
    t = (int32_t)q;
    f = q - (float)t;
    t += (f >= 0.5f) ? 1 : 0;
    t -= (f <= -0.5f) ? 1 : 0;
    t += zero_point;
    if (t < -128) {
        return INT8_MIN;
    }
    if (t > 127) {
        return INT8_MAX;
    }
    return (int8_t)t;
}

void nnc_quantize_s8(int32_t n, float scale, int32_t zero_point, const float *x, int8_t *y)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        y[i] = nnc_quantize_fast_s8(x[i], scale, zero_point);
    }
}

void nnc_dequantize_s8(int32_t n, float scale, int32_t zero_point, const int8_t *x, float *y)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        y[i] = nnc_dequantize_one_s8(x[i], scale, zero_point);
    }
}
