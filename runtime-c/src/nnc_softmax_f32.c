/*
 * nnc_softmax_f32.c — Softmax along one axis, float32 reference. See nnc_pointwise.h.
 * nnabla's algorithm (src/nbla/function/generic/softmax.cpp), mirrored by FloatKernels.softmax:
 * max, then exp(x - max) summed in order, then one division per element.
 */
#include <math.h>

#include "nnc_pointwise.h"

void nnc_softmax_f32(const nnc_softmax_params *p, const float *x, float *y)
{
    const int32_t size1 = p->axis_size, size2 = p->inner;
    int32_t i0, i1, i2;

    for (i0 = 0; i0 < p->outer; ++i0) {
        for (i2 = 0; i2 < size2; ++i2) {
            const int32_t j = i0 * size1 * size2 + i2;
            float max_x = x[j];
            float exp_sum = 0.0f;
            for (i1 = 0; i1 < size1; ++i1) {
                const float v = x[j + i1 * size2];
                max_x = (max_x >= v) ? max_x : v;
            }
            for (i1 = 0; i1 < size1; ++i1) {
                const int32_t k = j + i1 * size2;
                const float e = expf(x[k] - max_x);
                y[k] = e;
                exp_sum += e;
            }
            for (i1 = 0; i1 < size1; ++i1) {
                const int32_t k = j + i1 * size2;
                y[k] = y[k] / exp_sum;
            }
        }
    }
}
