/*
 * nnc_affine_f32.c — Affine (fully connected) layer, float32 reference. See nnc_spatial.h.
 */
#include "nnc_spatial.h"

void nnc_affine_f32(const nnc_affine_params *p, const float *x, const float *w, const float *b,
                    float *y)
{
    const int32_t n_in = p->in_features;
    const int32_t n_out = p->out_features;
    int32_t r, o, i;

    for (r = 0; r < p->outer; ++r) {
        const float *xr = x + r * n_in;
        float *yr = y + r * n_out;
        for (o = 0; o < n_out; ++o) {
            const float *wo = w + o;
            float acc = 0.0f;
            for (i = 0; i < n_in; ++i) {
                const float prod = xr[i] * wo[i * n_out];
                acc += prod;
            }
            yr[o] = (b != NULL) ? acc + b[o] : acc;
        }
    }
}
