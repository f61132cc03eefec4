/*
 * nnc_quantize_s8.c — float32 <-> int8 conversion at the edges of an int8 model. The rule is
 * written once, in nnc_int8.h (nnc_quantize_one_s8 / nnc_dequantize_one_s8). Mirrors
 * QuantParams.quantize / dequantize in Swift.
 */
#include "nnc_int8.h"

#if defined(__GNUC__) && defined(__ARM_FP) && (__ARM_FP & 4) && defined(__ARM_FEATURE_SAT)
/* nnc_quantize_one_s8 on a single-precision FPU, without roundf (a library call) and without a
 * range check: q = x / scale is the same division; VCVT to fixed point with one fraction bit is
 * u = trunc(2q) (exact scaling), saturated to int32, NaN to 0. roundf(q) (half away from zero) is
 * (u + 1) >> 1 for u >= 0 (floor((floor(2q) + 1) / 2) = floor(q + 1/2)) and u >> 1 for u < 0 (the
 * mirror image), written as (u >> 1) + (u & 1 when u >= 0), which cannot overflow. Where VCVT
 * saturated (|q| >= 2^30), |r| >= 2^30 - 1 and SSAT gives the end the sign points at, as the
 * float clamp; NaN gives r = 0, the zero point. Checked against nnc_quantize_one_s8 on the M4 by
 * bench/int8-kernels/sweep.c. */
static int8_t nnc_quantize_vcvt_s8(float x, float scale, int32_t zero_point)
{
    float q = x / scale;
    int32_t u;
    __asm__("vcvt.s32.f32 %0, %0, #1" : "+t"(q));
    __asm__("vmov %0, %1" : "=r"(u) : "t"(q));
    u = (u >> 1) + (int32_t)((uint32_t)u & (~(uint32_t)u >> 31)) + zero_point;
    __asm__("ssat %0, #8, %1" : "=r"(u) : "r"(u));
    return (int8_t)u;
}

void nnc_quantize_s8(int32_t n, float scale, int32_t zero_point, const float *x, int8_t *y)
{
    int32_t i;
    for (i = 0; i + 1 < n; i += 2) { /* two per step: half the loop overhead */
        y[i] = nnc_quantize_vcvt_s8(x[i], scale, zero_point);
        y[i + 1] = nnc_quantize_vcvt_s8(x[i + 1], scale, zero_point);
    }
    if (i < n) {
        y[i] = nnc_quantize_vcvt_s8(x[i], scale, zero_point);
    }
}
#else
/* nnc_quantize_one_s8 without the call to roundf (a library call on the Cortex-M4): q = x / scale
 * is the same division. For |q| < 2^30, u = (int32_t)(2q) is exact doubling then one VCVT
 * (truncation toward zero), and roundf(q) (half away from zero) = (u + 1) >> 1 for u >= 0
 * (floor((floor(2q) + 1) / 2) = floor(q + 1/2)) and u >> 1 for u < 0 (the mirror image: there
 * u = ceil(2q) and ceil((u - 1) / 2) = floor(u / 2)). r + zero point is then exact in int32, as
 * in float, and is clamped by one SSAT where the target has it. |q| >= 2^30 clamps to the end its
 * sign points at; NaN fails every comparison and gives the zero point. */
static int8_t nnc_quantize_fast_s8(float x, float scale, int32_t zero_point)
{
    const float q = x / scale;
    int32_t u;
    if (!(fabsf(q) < 1073741824.0f)) {
        if (q != q) {
            return (int8_t)zero_point;
        }
        return q > 0.0f ? INT8_MAX : INT8_MIN;
    }
    u = (int32_t)(q + q);
    u = ((u + 1 + (u >> 31)) >> 1) + zero_point;
#if defined(__ARM_FEATURE_SAT) && defined(__GNUC__)
    __asm__("ssat %0, #8, %1" : "=r"(u) : "r"(u));
#else
    u = u < -128 ? -128 : u;
    u = u > 127 ? 127 : u;
#endif
    return (int8_t)u;
}

void nnc_quantize_s8(int32_t n, float scale, int32_t zero_point, const float *x, int8_t *y)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        y[i] = nnc_quantize_fast_s8(x[i], scale, zero_point);
    }
}
#endif

void nnc_dequantize_s8(int32_t n, float scale, int32_t zero_point, const int8_t *x, float *y)
{
    int32_t i;
    for (i = 0; i + 3 < n; i += 4) { /* four per step: the byte loads back to back, less loop */
        const int8_t a = x[i], b = x[i + 1], c = x[i + 2], d = x[i + 3];
        y[i] = nnc_dequantize_one_s8(a, scale, zero_point);
        y[i + 1] = nnc_dequantize_one_s8(b, scale, zero_point);
        y[i + 2] = nnc_dequantize_one_s8(c, scale, zero_point);
        y[i + 3] = nnc_dequantize_one_s8(d, scale, zero_point);
    }
    for (; i < n; ++i) {
        y[i] = nnc_dequantize_one_s8(x[i], scale, zero_point);
    }
}
