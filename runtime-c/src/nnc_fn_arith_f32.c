/*
 * nnc_fn_arith_f32.c — element-wise math of Sources/NNFunctions/Math, float32. Each kernel is its
 * Swift twin's `apply` (same operations, same order, same libm) and reads x[i] before writing
 * y[i], so y == x is allowed.
 */
#include <math.h>

#include "nnc_functions.h"

#if defined(__AVR__)
/* avr-libc has no asinhf, acoshf, atanhf or erff (C99): textbook formulas stand in there, within
 * a few float ulps (erf: Abramowitz-Stegun 7.1.26, |error| < 1.5e-7). Every other target calls
 * libm, as the Swift reference does, and matches it bit for bit. */
static float avr_asinhf(float v)
{
    const float a = fabsf(v);
    const float r = logf(a + sqrtf(a * a + 1.0f));
    return (v < 0.0f) ? -r : r;
}
static float avr_acoshf(float v) { return logf(v + sqrtf(v * v - 1.0f)); }
static float avr_atanhf(float v) { return 0.5f * logf((1.0f + v) / (1.0f - v)); }
static float avr_erff(float v)
{
    const float a = fabsf(v);
    const float t = 1.0f / (1.0f + 0.3275911f * a);
    const float poly = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
    const float r = 1.0f - poly * expf(-a * a);
    return (v < 0.0f) ? -r : r;
}
#define NNC_ASINHF avr_asinhf
#define NNC_ACOSHF avr_acoshf
#define NNC_ATANHF avr_atanhf
#define NNC_ERFF avr_erff
#else
#define NNC_ASINHF asinhf
#define NNC_ACOSHF acoshf
#define NNC_ATANHF atanhf
#define NNC_ERFF erff
#endif

/* NNC_UNARY_F32 / NNC_UNARY1_F32: nnc_functions.h. */
NNC_UNARY_F32(nnc_abs_f32, fabsf(v))
NNC_UNARY_F32(nnc_log_f32, logf(v))
NNC_UNARY_F32(nnc_round_f32, roundf(v))
NNC_UNARY_F32(nnc_ceil_f32, ceilf(v))
NNC_UNARY_F32(nnc_floor_f32, floorf(v))
NNC_UNARY1_F32(nnc_sign_f32, v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : a))
NNC_UNARY_F32(nnc_sin_f32, sinf(v))
NNC_UNARY_F32(nnc_cos_f32, cosf(v))
NNC_UNARY_F32(nnc_tan_f32, tanf(v))
NNC_UNARY_F32(nnc_sinh_f32, sinhf(v))
NNC_UNARY_F32(nnc_cosh_f32, coshf(v))
NNC_UNARY_F32(nnc_asin_f32, asinf(v))
NNC_UNARY_F32(nnc_acos_f32, acosf(v))
NNC_UNARY_F32(nnc_atan_f32, atanf(v))
NNC_UNARY_F32(nnc_asinh_f32, NNC_ASINHF(v))
NNC_UNARY_F32(nnc_acosh_f32, NNC_ACOSHF(v))
NNC_UNARY_F32(nnc_atanh_f32, NNC_ATANHF(v))
NNC_UNARY_F32(nnc_erf_f32, NNC_ERFF(v))
NNC_UNARY_F32(nnc_sqrt_f32, sqrtf(v))
NNC_UNARY1_F32(nnc_pow_scalar_f32, powf(v, a))
NNC_UNARY1_F32(nnc_r_sub_scalar_f32, a - v)
NNC_UNARY1_F32(nnc_r_div_scalar_f32, a / v)
NNC_UNARY1_F32(nnc_r_pow_scalar_f32, powf(a, v))
NNC_UNARY1_F32(nnc_minimum_scalar_f32, v < a ? v : a)
NNC_UNARY1_F32(nnc_maximum_scalar_f32, v > a ? v : a)
NNC_UNARY1_F32(nnc_reset_nan_f32, isnan(v) ? a : v)
NNC_UNARY1_F32(nnc_reset_inf_f32, isinf(v) ? a : v)

void nnc_pow2_f32(const nnc_binary_params *p, const float *a, const float *b, float *y)
NNC_BROADCAST_WALK(float, powf(va, vb))

void nnc_minimum2_f32(const nnc_binary_params *p, const float *a, const float *b, float *y)
NNC_BROADCAST_WALK(float, va < vb ? va : vb)

void nnc_maximum2_f32(const nnc_binary_params *p, const float *a, const float *b, float *y)
NNC_BROADCAST_WALK(float, va > vb ? va : vb)
