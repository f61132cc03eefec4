/*
 * nnc_arith_f32.c — Add2 / Sub2 / Mul2 / Div2 with numpy-style broadcasting, AddScalar and
 * MulScalar, float32 reference. See nnc_pointwise.h. Mirrors FloatKernels.add2 ... mulScalar.
 */
#include "nnc_pointwise.h"

void nnc_add_scalar_f32(int32_t n, float val, const float *x, float *y)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        y[i] = x[i] + val;
    }
}

void nnc_mul_scalar_f32(int32_t n, float val, const float *x, float *y)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        y[i] = x[i] * val;
    }
}

/* Walks the output row by row (the last axis innermost) with an odometer over the outer axes,
 * keeping the offsets of a and b up to date; the innermost loop has a contiguous fast path. */
#define NNC_BINARY_KERNEL(NAME, OP)                                                               \
    void NAME(const nnc_binary_params *p, const float *a, const float *b, float *y)              \
    {                                                                                             \
        int32_t idx[NNC_MAX_DIMS];                                                                \
        const int32_t rank = p->rank;                                                             \
        int32_t last, n, sa, sb, d, j;                                                            \
        int32_t ao = 0, bo = 0;                                                                   \
        if (rank <= 0) {                                                                          \
            y[0] = a[0] OP b[0];                                                                  \
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
            const float *ap = a + ao;                                                             \
            const float *bp = b + bo;                                                             \
            if (sa == 1 && sb == 1) {                                                             \
                for (j = 0; j < n; ++j) {                                                         \
                    y[j] = ap[j] OP bp[j];                                                        \
                }                                                                                 \
            } else {                                                                              \
                for (j = 0; j < n; ++j) {                                                         \
                    y[j] = ap[j * sa] OP bp[j * sb];                                              \
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

NNC_BINARY_KERNEL(nnc_add2_f32, +)
NNC_BINARY_KERNEL(nnc_sub2_f32, -)
NNC_BINARY_KERNEL(nnc_mul2_f32, *)
NNC_BINARY_KERNEL(nnc_div2_f32, /)
