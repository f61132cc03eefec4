/*
 * nnc_fn_arith_f32.c — element-wise math of Sources/NNFunctions/Math, float32. Each kernel is its
 * Swift twin's `apply` (same operations, same order, same libm) and reads x[i] before writing
 * y[i], so y == x is allowed.
 */
#include <math.h>

#include "nnc_fn_arith.h"

#define NNC_MATH_F32(NAME, EXPR)                                  \
    void NAME(int32_t n, const float *x, float *y)                \
    {                                                             \
        int32_t i;                                                \
        for (i = 0; i < n; ++i) {                                 \
            const float v = x[i];                                 \
            y[i] = (EXPR);                                        \
        }                                                         \
    }
#define NNC_MATH1_F32(NAME, EXPR)                                 \
    void NAME(int32_t n, float a, const float *x, float *y)       \
    {                                                             \
        int32_t i;                                                \
        for (i = 0; i < n; ++i) {                                 \
            const float v = x[i];                                 \
            y[i] = (EXPR);                                        \
        }                                                         \
    }

NNC_MATH_F32(nnc_abs_f32, fabsf(v))
NNC_MATH_F32(nnc_log_f32, logf(v))
NNC_MATH_F32(nnc_round_f32, roundf(v))
NNC_MATH_F32(nnc_ceil_f32, ceilf(v))
NNC_MATH_F32(nnc_floor_f32, floorf(v))
NNC_MATH1_F32(nnc_sign_f32, v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : a))
NNC_MATH_F32(nnc_sin_f32, sinf(v))
NNC_MATH_F32(nnc_cos_f32, cosf(v))
NNC_MATH_F32(nnc_tan_f32, tanf(v))
NNC_MATH_F32(nnc_sinh_f32, sinhf(v))
NNC_MATH_F32(nnc_cosh_f32, coshf(v))
NNC_MATH_F32(nnc_asin_f32, asinf(v))
NNC_MATH_F32(nnc_acos_f32, acosf(v))
NNC_MATH_F32(nnc_atan_f32, atanf(v))
NNC_MATH_F32(nnc_asinh_f32, asinhf(v))
NNC_MATH_F32(nnc_acosh_f32, acoshf(v))
NNC_MATH_F32(nnc_atanh_f32, atanhf(v))
NNC_MATH_F32(nnc_erf_f32, erff(v))
NNC_MATH_F32(nnc_sqrt_f32, sqrtf(v))
NNC_MATH1_F32(nnc_pow_scalar_f32, powf(v, a))
NNC_MATH1_F32(nnc_r_sub_scalar_f32, a - v)
NNC_MATH1_F32(nnc_r_div_scalar_f32, a / v)
NNC_MATH1_F32(nnc_r_pow_scalar_f32, powf(a, v))
NNC_MATH1_F32(nnc_minimum_scalar_f32, v < a ? v : a)
NNC_MATH1_F32(nnc_maximum_scalar_f32, v > a ? v : a)
NNC_MATH1_F32(nnc_reset_nan_f32, v != v ? a : v)
NNC_MATH1_F32(nnc_reset_inf_f32, (v == HUGE_VALF || v == -HUGE_VALF) ? a : v)

void nnc_pow2_f32(const nnc_binary_params *p, const float *a, const float *b, float *y)
NNC_FN_BINARY_WALK(float, powf(va, vb))

void nnc_minimum2_f32(const nnc_binary_params *p, const float *a, const float *b, float *y)
NNC_FN_BINARY_WALK(float, va < vb ? va : vb)

void nnc_maximum2_f32(const nnc_binary_params *p, const float *a, const float *b, float *y)
NNC_FN_BINARY_WALK(float, va > vb ? va : vb)
