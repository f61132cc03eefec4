/*
 * nnc_functions.h — kernels of the nnabla functions described one file each in
 * Sources/NNFunctions/ (NNFunction types): activations, arithmetic and math, data movement,
 * reductions and matrix products. Same conventions as nnc_types.h.
 */
#ifndef NNC_FUNCTIONS_H
#define NNC_FUNCTIONS_H

#include "nnc_types.h"
#include "nnc_pointwise.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ==== element-wise activations (SELU, CELU, HardSigmoid, GELU, …), float32; all in place (y == x allowed). ==== */

/* SELU: y = (x > 0) ? scale * x : scale * (alpha * (expf(x) - 1)). */
void nnc_selu_f32(int32_t n, float scale, float alpha, const float *x, float *y);

/* The kernels below without a comment of their own compute their Swift twin's `apply`
 * (Sources/NNFunctions/Activations/<Name>.swift), nnabla's formula in float. */
void nnc_hard_sigmoid_f32(int32_t n, const float *x, float *y);
/* TFLite's HARD_SWISH (Sources/NNFunctions/Activations/HardSwish.swift). */
void nnc_hard_swish_f32(int32_t n, const float *x, float *y);
void nnc_hard_tanh_f32(int32_t n, const float *x, float *y);
void nnc_softplus_f32(int32_t n, float beta, const float *x, float *y);
void nnc_softsign_f32(int32_t n, const float *x, float *y);
/* nnabla's tanh approximation: (x / 2) * (1 + tanhf(0.7978846f * (x + 0.044715f * (x * x * x)))). */
void nnc_gelu_f32(int32_t n, const float *x, float *y);
void nnc_mish_f32(int32_t n, const float *x, float *y);
void nnc_log_sigmoid_f32(int32_t n, const float *x, float *y);
void nnc_tanh_shrink_f32(int32_t n, const float *x, float *y);
void nnc_sinc_f32(int32_t n, const float *x, float *y);
void nnc_binary_sigmoid_f32(int32_t n, const float *x, float *y);
void nnc_binary_tanh_f32(int32_t n, const float *x, float *y);

/* PReLU: y = (x >= 0) ? x : x * slope[(i / inner) % channels], x viewed as [outer, channels,
 * inner] (channels = 1: one shared slope). In place allowed. */
void nnc_prelu_f32(int32_t outer, int32_t channels, int32_t inner, const float *x, const float *slope, float *y);

/* int8 PReLU, per channel c (the slope is constant, folded into the multipliers):
 *   acc = x + input_offset;
 *   y = clamp(requantize(acc, acc >= 0 ? pos_multiplier : neg_multiplier[c],
 *                             acc >= 0 ? pos_shift : neg_shift[c]) + output_offset, -128, 127),
 * with pos = s_x / s_y and neg[c] = s_x * slope[c] / s_y. In place allowed. */
typedef struct {
    int32_t outer;
    int32_t channels;
    int32_t inner;
    int32_t input_offset;
    int32_t output_offset;
    int32_t pos_multiplier;
    int32_t pos_shift;
} nnc_prelu_s8_params;
void nnc_prelu_s8(const nnc_prelu_s8_params *p, const int32_t *neg_multiplier, const int32_t *neg_shift,
                  const int8_t *x, int8_t *y);

/* LogSoftmax over the middle axis of x viewed as [outer, axis_size, inner] (nnabla's
 * log_softmax.cpp): m = running max (m >= x ? m : x); y = x - m; s = sum of expf(y) in float,
 * k ascending; y -= logf(s). In place allowed. */
void nnc_log_softmax_f32(int32_t outer, int32_t axis_size, int32_t inner, const float *x, float *y);

/* ==== element-wise arithmetic and math (Pow2, Maximum2, Exp, Log, Sign, …), float32. ==== */

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

/* ==== data movement (Flip, Shift, Broadcast, Unpooling, Interpolate, …): float32 and int8. ==== */

/* ---- Axis gather (Unpooling, Flip, Shift, Broadcast, Tile, MatrixDiagPart, nearest Interpolate) ----
 * y[i0, i1, …] = x[offsets[i0] + offsets[Y0 + i1] + offsets[Y0 + Y1 + i2] + …]: one table of
 * Σ y_shape[d] input element offsets (already times the input strides), axis after axis. */
typedef struct {
    int32_t rank;
    int32_t y_shape[NNC_MAX_DIMS];
    const int32_t *offsets;
} nnc_axis_gather_params;

void nnc_axis_gather_f32(const nnc_axis_gather_params *p, const float *x, float *y);
void nnc_axis_gather_s8(const nnc_axis_gather_params *p, const int8_t *x, int8_t *y);

/* ---- MatrixDiag: x [outer, m] -> y [outer, m, m], zeros off the diagonal (float32) ---------- */
void nnc_matrix_diag_f32(int32_t outer, int32_t m, const float *x, float *y);

/* ---- OneHot: x [n, k] integer indices (as floats) -> y [n, d0 … dk-1] (float32) ------------ */
void nnc_one_hot_f32(int32_t n, int32_t k, const int32_t *dims, const float *x, float *y);

/* ---- Embed: y[i, :] = w[x[i], :] (x integer indices as floats, rows of `row` floats) --------- */
void nnc_embed_f32(int32_t n, int32_t rows, int32_t row, const float *x, const float *w, float *y);

/* ---- Linear Interpolate over the last 1, 2 or 3 axes (nnabla's linear_interpolate_{1,2,3}d) --
 * Per interpolated axis (outermost first): i0, i1 (input element offsets, times the input
 * strides) and l1 (the weight of i1; l0 = 1 - l1) of each output index. */
typedef struct {
    int32_t outer;          /* product of the axes not interpolated */
    int32_t axes;           /* 1, 2 or 3 */
    int32_t y_shape[3];     /* the interpolated output axes */
    int32_t x_plane;        /* input elements per outer index */
    const int32_t *i0;      /* Σ y_shape entries, axis after axis */
    const int32_t *i1;
    const float *l1;
} nnc_interpolate_linear_params;

void nnc_interpolate_linear_f32(const nnc_interpolate_linear_params *p, const float *x, float *y);

/* ==== reductions and matrix products (Sum, Mean, Max, Min, Prod, BatchMatmul, …), float32. ==== */

/* Reductions: the output in row-major order of the kept (outer) axes; each output folds its
 * reduced (inner) elements in row-major order from the first one. Sizes and element strides of
 * the input, NNC_FN_MAX_DIMS at most each. */
#define NNC_FN_MAX_DIMS 6
typedef struct {
    int32_t outer_rank;
    int32_t outer_size[NNC_FN_MAX_DIMS];
    int32_t outer_stride[NNC_FN_MAX_DIMS];
    int32_t inner_rank;
    int32_t inner_size[NNC_FN_MAX_DIMS];
    int32_t inner_stride[NNC_FN_MAX_DIMS];
} nnc_reduce_params;

void nnc_reduce_sum_f32(const nnc_reduce_params *p, const float *x, float *y);
/* The sum, then one division by the element count. */
void nnc_reduce_mean_f32(const nnc_reduce_params *p, const float *x, float *y);
void nnc_reduce_prod_f32(const nnc_reduce_params *p, const float *x, float *y);
void nnc_reduce_max_f32(const nnc_reduce_params *p, const float *x, float *y);
void nnc_reduce_min_f32(const nnc_reduce_params *p, const float *x, float *y);
/* int8 Sum and Mean: acc = sum of (x + input_offset) in int32, then
 * y = nnc_output_s8(nnc_requantize(acc, multiplier, shift), output_offset, -128, 127)
 * (Mean's count is in the multiplier). */
typedef struct {
    int32_t input_offset;
    int32_t multiplier;
    int32_t shift;
    int32_t output_offset;
} nnc_reduce_s8_params;

void nnc_reduce_sum_s8(const nnc_reduce_params *p, const nnc_reduce_s8_params *q, const int8_t *x, int8_t *y);
/* int8 selection on codes (exact: one scale and zero point for input and output). */
void nnc_reduce_max_s8(const nnc_reduce_params *p, const int8_t *x, int8_t *y);
void nnc_reduce_min_s8(const nnc_reduce_params *p, const int8_t *x, int8_t *y);

/* y[b] = op(a[b]) * op(b[b]): a is [.., m, k] (or [.., k, m] transposed), b [.., k, n] (or [.., n, k]);
 * per batch axis the element stride of each operand, 0 where it repeats (broadcast). */
typedef struct {
    int32_t m, n, k;
    int32_t transpose_a, transpose_b;
    int32_t batch_rank;
    int32_t batch[NNC_FN_MAX_DIMS];
    int32_t a_stride[NNC_FN_MAX_DIMS];
    int32_t b_stride[NNC_FN_MAX_DIMS];
} nnc_batch_matmul_params;

void nnc_batch_matmul_f32(const nnc_batch_matmul_params *p, const float *a, const float *b, float *y);

/* Exp: y = expf(x); in place allowed (the softmax of ONNX converters is written with it). */
void nnc_exp_f32(int32_t n, const float *x, float *y);

/* The loop of the element-wise kernels above, for the runtime's own .c files (nnc_fn_activation_f32.c,
 * nnc_fn_arith_f32.c): defines NAME(n, x, y), or NAME(n, a, x, y) with a scalar `a`, as y[i] = EXPR,
 * EXPR reading v = x[i] (read before y[i] is written, so y == x is allowed). */
#define NNC_UNARY_F32(NAME, EXPR)                                 \
    void NAME(int32_t n, const float *x, float *y)                \
    {                                                             \
        int32_t i;                                                \
        for (i = 0; i < n; ++i) {                                 \
            const float v = x[i];                                 \
            y[i] = (EXPR);                                        \
        }                                                         \
    }
#define NNC_UNARY1_F32(NAME, EXPR)                                \
    void NAME(int32_t n, float a, const float *x, float *y)       \
    {                                                             \
        int32_t i;                                                \
        for (i = 0; i < n; ++i) {                                 \
            const float v = x[i];                                 \
            y[i] = (EXPR);                                        \
        }                                                         \
    }

#ifdef __cplusplus
}
#endif

#endif /* NNC_FUNCTIONS_H */
