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

/* The broadcast walk is NNC_BROADCAST_WALK (nnc_pointwise.h), shared with Pow2, Minimum2, Maximum2. */
#define NNC_BINARY_KERNEL(NAME, OP)                                                               \
    void NAME(const nnc_binary_params *p, const float *a, const float *b, float *y)              \
    NNC_BROADCAST_WALK(float, va OP vb)

NNC_BINARY_KERNEL(nnc_add2_f32, +)
NNC_BINARY_KERNEL(nnc_sub2_f32, -)
NNC_BINARY_KERNEL(nnc_mul2_f32, *)
NNC_BINARY_KERNEL(nnc_div2_f32, /)
