/*
 * nnc_fn_arith.h — element-wise arithmetic and math (Pow2, Maximum2, Exp, Log, Sign, …), float32.
 */
#ifndef NNC_FN_ARITH_H
#define NNC_FN_ARITH_H

#include "nnc_pointwise.h"
#include "nnc_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Element-wise math of Sources/NNFunctions/Math, float32: each computes its Swift twin's `apply`
 * (nnabla's formula, the same libm call in float); y == x allowed. `a` is the function's scalar
 * attribute as float (Sign's alpha, the *Scalar functions' val, ResetNaN/ResetInf's val). */
void nnc_abs_f32(int32_t n, const float *x, float *y);
void nnc_log_f32(int32_t n, const float *x, float *y);
void nnc_round_f32(int32_t n, const float *x, float *y); /* roundf: half away from zero */
void nnc_ceil_f32(int32_t n, const float *x, float *y);
void nnc_floor_f32(int32_t n, const float *x, float *y);
void nnc_sign_f32(int32_t n, float a, const float *x, float *y);
void nnc_sin_f32(int32_t n, const float *x, float *y);
void nnc_cos_f32(int32_t n, const float *x, float *y);
void nnc_tan_f32(int32_t n, const float *x, float *y);
void nnc_sinh_f32(int32_t n, const float *x, float *y);
void nnc_cosh_f32(int32_t n, const float *x, float *y);
void nnc_asin_f32(int32_t n, const float *x, float *y);
void nnc_acos_f32(int32_t n, const float *x, float *y);
void nnc_atan_f32(int32_t n, const float *x, float *y);
void nnc_asinh_f32(int32_t n, const float *x, float *y);
void nnc_acosh_f32(int32_t n, const float *x, float *y);
void nnc_atanh_f32(int32_t n, const float *x, float *y);
void nnc_erf_f32(int32_t n, const float *x, float *y);
void nnc_sqrt_f32(int32_t n, const float *x, float *y); /* PowScalar with val 0.5, as nnabla */
void nnc_pow_scalar_f32(int32_t n, float a, const float *x, float *y);
void nnc_r_sub_scalar_f32(int32_t n, float a, const float *x, float *y);
void nnc_r_div_scalar_f32(int32_t n, float a, const float *x, float *y);
void nnc_r_pow_scalar_f32(int32_t n, float a, const float *x, float *y);
void nnc_minimum_scalar_f32(int32_t n, float a, const float *x, float *y);
void nnc_maximum_scalar_f32(int32_t n, float a, const float *x, float *y);
void nnc_reset_nan_f32(int32_t n, float a, const float *x, float *y);
void nnc_reset_inf_f32(int32_t n, float a, const float *x, float *y);

/* Pow2, Minimum2, Maximum2 with numpy-style broadcasting: nnc_binary_params (nnc_pointwise.h)
 * gives the output shape and each input's strides; y[i] = f(a[ia], b[ib]). nnabla's rules:
 * powf(a, b); (a < b) ? a : b; (a > b) ? a : b. In place allowed where that input is not
 * broadcast. */
void nnc_pow2_f32(const nnc_binary_params *p, const float *a, const float *b, float *y);
void nnc_minimum2_f32(const nnc_binary_params *p, const float *a, const float *b, float *y);
void nnc_maximum2_f32(const nnc_binary_params *p, const float *a, const float *b, float *y);

/* int8 Minimum2 / Maximum2: each input rescaled to y's quantization, then the smaller / larger
 * code (rescaling is monotonic, so this is the rescaled min / max, exactly):
 *   ra = clamp(requantize(qa + a_offset, a_multiplier, a_shift) + output_offset, -128, 127),
 *   rb likewise, y = (ra < rb) ? ra : rb  /  (ra > rb) ? ra : rb. */
typedef struct {
    int32_t a_offset;
    int32_t a_multiplier;
    int32_t a_shift;
    int32_t b_offset;
    int32_t b_multiplier;
    int32_t b_shift;
    int32_t output_offset;
} nnc_select2_s8_params;
void nnc_minimum2_s8(const nnc_binary_params *p, const nnc_select2_s8_params *q, const int8_t *a, const int8_t *b,
                     int8_t *y);
void nnc_maximum2_s8(const nnc_binary_params *p, const nnc_select2_s8_params *q, const int8_t *a, const int8_t *b,
                     int8_t *y);

/* The walk of the kernels above (one definition for float and int8), inside a function with
 * `p`, `a`, `b` and `y`: the output in row-major order with an odometer over its axes, a and b
 * addressed through their strides; EXPR computes y from `va` and `vb`. */
#define NNC_FN_BINARY_WALK(T, EXPR)                                             \
    {                                                                           \
        int32_t idx[NNC_MAX_DIMS];                                              \
        int32_t d, ao = 0, bo = 0;                                              \
        const int32_t rank = p->rank;                                           \
        for (d = 0; d < rank; ++d) {                                            \
            if (p->shape[d] <= 0) {                                             \
                return;                                                         \
            }                                                                   \
            idx[d] = 0;                                                         \
        }                                                                       \
        for (;;) {                                                              \
            const T va = a[ao];                                                 \
            const T vb = b[bo];                                                 \
            *y++ = (EXPR);                                                      \
            for (d = rank - 1; d >= 0; --d) {                                   \
                ao += p->a_strides[d];                                          \
                bo += p->b_strides[d];                                          \
                if (++idx[d] < p->shape[d]) {                                   \
                    break;                                                      \
                }                                                               \
                ao -= p->a_strides[d] * p->shape[d];                            \
                bo -= p->b_strides[d] * p->shape[d];                            \
                idx[d] = 0;                                                     \
            }                                                                   \
            if (d < 0) {                                                        \
                return;                                                         \
            }                                                                   \
        }                                                                       \
    }

#ifdef __cplusplus
}
#endif

#endif /* NNC_FN_ARITH_H */
