/*
 * nnc_activation_f32.c — element-wise activations, float32 reference. See nnc_pointwise.h.
 * Mirrors FloatKernels.relu / relu6 / leakyReLU / elu / sigmoid / tanh / swish in Swift, with
 * nnabla's formulas written the same way (same comparisons, same operation order).
 * Every kernel reads x[i] once before writing y[i], so y == x (in place) is allowed.
 */
#include <math.h>

#include "nnc_pointwise.h"

void nnc_relu_f32(int32_t n, const float *x, float *y)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        const float v = x[i];
        y[i] = (0.0f < v) ? v : 0.0f;
    }
}

void nnc_relu6_f32(int32_t n, const float *x, float *y)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        float v = x[i];
        v = (v < 0.0f) ? 0.0f : v;
        y[i] = (6.0f < v) ? 6.0f : v;
    }
}

void nnc_leaky_relu_f32(int32_t n, float alpha, const float *x, float *y)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        const float v = x[i];
        y[i] = (v > 0.0f) ? v : alpha * v;
    }
}

void nnc_elu_f32(int32_t n, float alpha, const float *x, float *y)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        const float v = x[i];
        if (v >= 0.0f) {
            y[i] = v;
        } else {
            const float e = expf(v) - 1.0f;
            y[i] = alpha * e;
        }
    }
}

void nnc_sigmoid_f32(int32_t n, const float *x, float *y)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        const float d = 1.0f + expf(-x[i]);
        y[i] = 1.0f / d;
    }
}

void nnc_tanh_f32(int32_t n, const float *x, float *y)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        y[i] = tanhf(x[i]);
    }
}

void nnc_swish_f32(int32_t n, const float *x, float *y)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        const float v = x[i];
        const float d = 1.0f + expf(-v);
        y[i] = v / d;
    }
}
