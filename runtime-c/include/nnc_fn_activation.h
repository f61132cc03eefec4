/*
 * nnc_fn_activation.h — element-wise activations (SELU, CELU, HardSigmoid, GELU, …), float32; all in place (y == x allowed).
 */
#ifndef NNC_FN_ACTIVATION_H
#define NNC_FN_ACTIVATION_H

#include "nnc_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* SELU: y = (x > 0) ? scale * x : scale * (alpha * (expf(x) - 1)). */
void nnc_selu_f32(int32_t n, float scale, float alpha, const float *x, float *y);

/* The kernels below without a comment of their own compute their Swift twin's `apply`
 * (Sources/NNFunctions/Activations/<Name>.swift), nnabla's formula in float. */
void nnc_hard_sigmoid_f32(int32_t n, const float *x, float *y);
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

#ifdef __cplusplus
}
#endif

#endif /* NNC_FN_ACTIVATION_H */
