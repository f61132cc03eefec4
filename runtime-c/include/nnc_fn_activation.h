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

#ifdef __cplusplus
}
#endif

#endif /* NNC_FN_ACTIVATION_H */
