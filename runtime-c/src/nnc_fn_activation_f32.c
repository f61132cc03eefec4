/*
 * nnc_fn_activation_f32.c — element-wise activations of Sources/NNFunctions/Activations, float32.
 * Each kernel is its Swift twin's `apply` (same operations, same order, same libm), and reads x[i]
 * once before writing y[i], so y == x (in place) is allowed.
 */
#include <math.h>

#include "nnc_functions.h"

void nnc_selu_f32(int32_t n, float scale, float alpha, const float *x, float *y)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        const float v = x[i];
        y[i] = (v > 0.0f) ? scale * v : scale * (alpha * (expf(v) - 1.0f));
    }
}

/* NNC_UNARY_F32 / NNC_UNARY1_F32: nnc_functions.h. */
NNC_UNARY_F32(nnc_hard_sigmoid_f32, v > 2.5f ? 1.0f : (v < -2.5f ? 0.0f : 0.2f * v + 0.5f))
NNC_UNARY_F32(nnc_hard_swish_f32, v * fminf(fmaxf(v + 3.0f, 0.0f), 6.0f) / 6.0f)
NNC_UNARY_F32(nnc_hard_tanh_f32, v > 1.0f ? 1.0f : (v < -1.0f ? -1.0f : v))
NNC_UNARY1_F32(nnc_softplus_f32, v > 0.0f ? v + logf(expf(-v * a) + 1.0f) / a : logf(expf(v * a) + 1.0f) / a)
NNC_UNARY_F32(nnc_softsign_f32, v / (1.0f + fabsf(v)))
NNC_UNARY_F32(nnc_gelu_f32, (v / 2.0f) * (1.0f + tanhf(0.7978846f * (v + 0.044715f * (v * v * v)))))
NNC_UNARY_F32(nnc_mish_f32, v * tanhf(logf(expf(v) + 1.0f)))
NNC_UNARY_F32(nnc_log_sigmoid_f32, v > 0.0f ? -logf(expf(-v) + 1.0f) : v - logf(expf(v) + 1.0f))
NNC_UNARY_F32(nnc_tanh_shrink_f32, v - tanhf(v))
NNC_UNARY_F32(nnc_sinc_f32, v == 0.0f ? 1.0f : sinf(v) / v)
NNC_UNARY_F32(nnc_binary_sigmoid_f32, v > 0.0f ? 1.0f : 0.0f)
NNC_UNARY_F32(nnc_binary_tanh_f32, v > 0.0f ? 1.0f : -1.0f)

void nnc_prelu_f32(int32_t outer, int32_t channels, int32_t inner, const float *x, const float *slope, float *y)
{
    int32_t o, c, j;
    for (o = 0; o < outer; ++o) {
        for (c = 0; c < channels; ++c) {
            const float a = slope[c];
            for (j = 0; j < inner; ++j) {
                const float v = *x++;
                *y++ = (v >= 0.0f) ? v : v * a;
            }
        }
    }
}

void nnc_log_softmax_f32(int32_t outer, int32_t axis_size, int32_t inner, const float *x, float *y)
{
    int32_t o, i, k;
    for (o = 0; o < outer; ++o) {
        for (i = 0; i < inner; ++i) {
            const int32_t base = o * axis_size * inner + i;
            float m = x[base];
            float sum = 0.0f;
            float log_sum;
            for (k = 0; k < axis_size; ++k) {
                const float v = x[base + k * inner];
                m = (m >= v) ? m : v;
            }
            for (k = 0; k < axis_size; ++k) {
                const float t = x[base + k * inner] - m;
                y[base + k * inner] = t;
                sum += expf(t);
            }
            log_sum = logf(sum);
            for (k = 0; k < axis_size; ++k) {
                y[base + k * inner] -= log_sum;
            }
        }
    }
}
