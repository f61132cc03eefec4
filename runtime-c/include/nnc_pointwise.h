/*
 * nnc_pointwise.h — float32 reference kernels for the element-wise and data-movement ops:
 * ReLU, ReLU6, LeakyReLU, ELU, Sigmoid, Tanh, Swish, Softmax, Add2/Sub2/Mul2/Div2 (numpy-style
 * broadcasting), AddScalar, MulScalar, Concatenate, Transpose, Slice and Pad.
 * Reshape, Dropout (inference) and Identity move no data: the generator aliases or copies them.
 *
 * Every kernel computes exactly nnabla's formula (src/nbla/function/generic, include/nbla/function)
 * and matches its Swift twin in NNInterpreter (FloatKernels) operation for operation, so host
 * results agree bit for bit (both sides call the same libm expf / tanhf).
 *
 * Shared conventions:
 *   - Tensors are dense and row-major. Sizes, shapes, strides and indices are int32_t.
 *   - Shapes of rank 0 ... NNC_MAX_DIMS are accepted by the generic kernels (rank 0 = one element).
 *   - The caller (the code generator) computes every size, stride and output shape; kernels do no
 *     checking.
 *   - Outputs must not alias inputs unless the kernel says "in place".
 */
#ifndef NNC_POINTWISE_H
#define NNC_POINTWISE_H

#include "nnc_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Element-wise activations (all in place: y == x allowed) ---------------------------------- */

/* y = (0 < x) ? x : 0   (nnabla: std::max(0, x); NaN gives 0). */
void nnc_relu_f32(int32_t n, const float *x, float *y);

/* y = min(max(x, 0), 6) as nnabla writes it: v = (x < 0) ? 0 : x; y = (6 < v) ? 6 : v. */
void nnc_relu6_f32(int32_t n, const float *x, float *y);

/* y = (x > 0) ? x : alpha * x. */
void nnc_leaky_relu_f32(int32_t n, float alpha, const float *x, float *y);

/* y = (x >= 0) ? x : alpha * (expf(x) - 1). */
void nnc_elu_f32(int32_t n, float alpha, const float *x, float *y);

/* y = 1 / (1 + expf(-x)). */
void nnc_sigmoid_f32(int32_t n, const float *x, float *y);

/* y = tanhf(x). */
void nnc_tanh_f32(int32_t n, const float *x, float *y);

/* y = x / (1 + expf(-x))  (nnabla's Swish formula, not x * sigmoid(x): the rounding differs). */
void nnc_swish_f32(int32_t n, const float *x, float *y);

/* ---- Scalar arithmetic (in place: y == x allowed) --------------------------------------------- */

/* y = x + val. nnabla stores `val` as a double and casts it to float before the add: the code
 * generator passes (float)val. */
void nnc_add_scalar_f32(int32_t n, float val, const float *x, float *y);

/* y = x * val, with val = (float)the double attribute. */
void nnc_mul_scalar_f32(int32_t n, float val, const float *x, float *y);

/* ---- Softmax ---------------------------------------------------------------------------------- */

typedef struct {
    int32_t outer;      /* product of the axes before `axis` */
    int32_t axis_size;  /* x.shape[axis] */
    int32_t inner;      /* product of the axes after `axis` */
} nnc_softmax_params;

/* Softmax over the middle axis of x viewed as [outer, axis_size, inner] (nnabla's algorithm):
 * for each (o, i): m = x[o][0][i], then m = (m >= x[o][k][i]) ? m : x[o][k][i] for k ascending;
 * y[o][k][i] = expf(x[o][k][i] - m) summed in float for k ascending; then y[o][k][i] /= sum.
 * In place (y == x) is allowed. */
void nnc_softmax_f32(const nnc_softmax_params *p, const float *x, float *y);

/* ---- Binary arithmetic with numpy-style broadcasting ------------------------------------------ */

typedef struct {
    int32_t rank;                     /* output rank, 0 ... NNC_MAX_DIMS */
    int32_t shape[NNC_MAX_DIMS];      /* output shape */
    int32_t a_strides[NNC_MAX_DIMS];  /* element stride of `a` along each output axis; 0 where `a`
                                       * is broadcast (size 1 or missing leading axis) */
    int32_t b_strides[NNC_MAX_DIMS];  /* same for `b` */
} nnc_binary_params;

/* y[i] = a[ia] OP b[ib], walking the output in row-major order. Equal shapes are the special case
 * rank 1, shape {n}, strides {1} and {1}. In place (y == a, or y == b) is allowed when that input
 * is not broadcast (its strides are the output's contiguous strides). */
void nnc_add2_f32(const nnc_binary_params *p, const float *a, const float *b, float *y);
void nnc_sub2_f32(const nnc_binary_params *p, const float *a, const float *b, float *y);
void nnc_mul2_f32(const nnc_binary_params *p, const float *a, const float *b, float *y);
void nnc_div2_f32(const nnc_binary_params *p, const float *a, const float *b, float *y);

/* The walk of every broadcasting binary kernel (Add2 … Div2 in nnc_arith_f32.c, Pow2, Minimum2,
 * Maximum2 in nnc_fn_arith_*.c), the body of a function with `p`, `a`, `b` and `y` (elements of
 * type T): the output row by row (last axis innermost) with an odometer over the outer axes
 * keeping a's and b's offsets up to date; the innermost loop has a contiguous fast path. EXPR
 * computes y from `va` and `vb`, both read before y is written (so in place works). */
#define NNC_BROADCAST_WALK(T, EXPR)                                                               \
    {                                                                                             \
        int32_t idx[NNC_MAX_DIMS];                                                                \
        const int32_t rank = p->rank;                                                             \
        int32_t last, n, sa, sb, d, j;                                                            \
        int32_t ao = 0, bo = 0;                                                                   \
        if (rank <= 0) {                                                                          \
            const T va = a[0];                                                                    \
            const T vb = b[0];                                                                    \
            y[0] = (EXPR);                                                                        \
            return;                                                                               \
        }                                                                                         \
        for (d = 0; d < rank; ++d) {                                                              \
            if (p->shape[d] <= 0) {                                                               \
                return;                                                                           \
            }                                                                                     \
            idx[d] = 0;                                                                           \
        }                                                                                         \
        last = rank - 1;                                                                          \
        n = p->shape[last];                                                                       \
        sa = p->a_strides[last];                                                                  \
        sb = p->b_strides[last];                                                                  \
        for (;;) {                                                                                \
            const T *ap = a + ao;                                                                 \
            const T *bp = b + bo;                                                                 \
            if (sa == 1 && sb == 1) {                                                             \
                for (j = 0; j < n; ++j) {                                                         \
                    const T va = ap[j];                                                           \
                    const T vb = bp[j];                                                           \
                    y[j] = (EXPR);                                                                \
                }                                                                                 \
            } else {                                                                              \
                for (j = 0; j < n; ++j) {                                                         \
                    const T va = ap[j * sa];                                                      \
                    const T vb = bp[j * sb];                                                      \
                    y[j] = (EXPR);                                                                \
                }                                                                                 \
            }                                                                                     \
            y += n;                                                                               \
            for (d = last - 1; d >= 0; --d) {                                                     \
                ao += p->a_strides[d];                                                            \
                bo += p->b_strides[d];                                                            \
                if (++idx[d] < p->shape[d]) {                                                     \
                    break;                                                                        \
                }                                                                                 \
                ao -= p->a_strides[d] * p->shape[d];                                              \
                bo -= p->b_strides[d] * p->shape[d];                                              \
                idx[d] = 0;                                                                       \
            }                                                                                     \
            if (d < 0) {                                                                          \
                return;                                                                           \
            }                                                                                     \
        }                                                                                         \
    }

/* ---- Concatenate ------------------------------------------------------------------------------ */

typedef struct {
    int32_t outer;     /* product of the axes before the concatenation axis */
    int32_t x_inner;   /* x.shape[axis] * product of the axes after it */
    int32_t y_inner;   /* y.shape[axis] * product of the axes after it */
    int32_t y_offset;  /* sum of x_inner of the inputs before this one */
} nnc_concatenate_params;

/* Copies one input of a Concatenate into its place in y: for o < outer, j < x_inner:
 * y[o * y_inner + y_offset + j] = x[o * x_inner + j]. Called once per input, in input order. */
void nnc_concatenate_f32(const nnc_concatenate_params *p, const float *x, float *y);

/* ---- Transpose -------------------------------------------------------------------------------- */

typedef struct {
    int32_t rank;                     /* 0 ... NNC_MAX_DIMS */
    int32_t y_shape[NNC_MAX_DIMS];    /* y.shape[i] = x.shape[axes[i]] */
    int32_t x_strides[NNC_MAX_DIMS];  /* x_strides[i] = row-major stride of input axis axes[i] */
} nnc_transpose_params;

/* y[j0..jr] = x[sum_i j_i * x_strides[i]], walking y in row-major order. */
void nnc_transpose_f32(const nnc_transpose_params *p, const float *x, float *y);

/* ---- Slice ------------------------------------------------------------------------------------ */

typedef struct {
    int32_t rank;                     /* 0 ... NNC_MAX_DIMS */
    int32_t x_shape[NNC_MAX_DIMS];
    int32_t start[NNC_MAX_DIMS];      /* first input index per axis */
    int32_t step[NNC_MAX_DIMS];       /* non-zero; negative walks backwards */
    int32_t y_shape[NNC_MAX_DIMS];    /* elements per axis: step > 0 ? ceil((stop-start)/step)
                                       * : ceil((start-stop)/-step), at least 0 */
} nnc_slice_params;

/* y[j0..jr] = x[start_0 + j0*step_0, ..., start_r + jr*step_r], walking y in row-major order. */
void nnc_slice_f32(const nnc_slice_params *p, const float *x, float *y);

/* ---- Pad -------------------------------------------------------------------------------------- */

#define NNC_PAD_CONSTANT 0  /* outside positions take constant_value */
#define NNC_PAD_REFLECT 1   /* mirror without repeating the edge, bouncing if the pad is wider */
#define NNC_PAD_REPEAT 2    /* repeat the edge element (clamp) */

typedef struct {
    int32_t rank;                       /* 0 ... NNC_MAX_DIMS */
    int32_t x_shape[NNC_MAX_DIMS];
    int32_t pad_before[NNC_MAX_DIMS];   /* per axis; 0 for the leading axes nnabla leaves alone */
    int32_t pad_after[NNC_MAX_DIMS];
    int32_t mode;                       /* NNC_PAD_CONSTANT, NNC_PAD_REFLECT or NNC_PAD_REPEAT */
    float constant_value;
} nnc_pad_params;

/* y.shape[a] = pad_before[a] + x_shape[a] + pad_after[a]. For output index o along axis a, with
 * len = x_shape[a] and b = pad_before[a], the source index is (nnabla's pad.cpp):
 *   constant: o - b if 0 <= o - b < len, else the whole element is constant_value;
 *   reflect:  i = |o - b|, L = len - 1, src = L > 0 ? |((i / L) & 1) * L - i % L| : 0;
 *   repeat:   src = min(max(o - b, 0), len - 1). */
void nnc_pad_f32(const nnc_pad_params *p, const float *x, float *y);

#ifdef __cplusplus
}
#endif

#endif /* NNC_POINTWISE_H */
