/*
 * nnc_batchnorm_f32.c — inference BatchNormalization, float32 reference. See nnc_spatial.h.
 * Mirrors FloatKernels.batchNormalization in Swift.
 */
#include <math.h>

#include "nnc_spatial.h"

void nnc_batchnorm_f32(const nnc_batchnorm_params *p, const float *x, const float *beta,
                       const float *gamma, const float *mean, const float *variance, float *y)
{
    int32_t o, c, i;
    for (c = 0; c < p->channels; ++c) {
        const float m = mean[c];
        const float sd = sqrtf(variance[c] + p->eps);
        const float g = gamma[c];
        const float bt = beta[c];
        for (o = 0; o < p->outer; ++o) {
            const int32_t base = (o * p->channels + c) * p->inner;
            for (i = base; i < base + p->inner; ++i) {
                const float t = (x[i] - m) / sd;
                const float s = t * g;
                y[i] = s + bt;
            }
        }
    }
}
