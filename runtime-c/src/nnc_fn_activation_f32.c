/*
 * nnc_fn_activation_f32.c — element-wise activations of Sources/NNFunctions/Activations, float32.
 * Each kernel is its Swift twin's `apply` (same operations, same order, same libm), and reads x[i]
 * once before writing y[i], so y == x (in place) is allowed.
 */
#include <math.h>

#include "nnc_fn_activation.h"

void nnc_selu_f32(int32_t n, float scale, float alpha, const float *x, float *y)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        const float v = x[i];
        y[i] = (v > 0.0f) ? scale * v : scale * (alpha * (expf(v) - 1.0f));
    }
}
