/*
 * nnc_deconv_f32.c — grouped 2-D transposed convolution (also 1-D), float32 reference.
 * See nnc_spatial.h. Mirrors FloatKernels.deconvolution in Swift, block sums included.
 */
#include "nnc_spatial.h"

void nnc_deconv_f32(const nnc_deconv_params *p, const float *x, const float *w, const float *b,
                    float *y)
{
    const int32_t in_h = p->in_h, in_w = p->in_w;
    const int32_t out_h = p->out_h, out_w = p->out_w;
    const int32_t k_h = p->kernel_h, k_w = p->kernel_w;
    const int32_t s_h = p->stride_h, s_w = p->stride_w;
    const int32_t in_map = in_h * in_w;
    const int32_t k_size = k_h * k_w;
    const int32_t in_per_group = p->in_c / p->group;
    const int32_t out_per_group = p->out_c / p->group;
    const int32_t block = NNC_F32_SUM_CHANNELS(k_size);
    int32_t n, oc, oh, ow, c0, icl, kh, kw;

    for (n = 0; n < p->batch; ++n) {
        for (oc = 0; oc < p->out_c; ++oc) {
            const int32_t g = oc / out_per_group;
            const int32_t ocl = oc - g * out_per_group;
            float *y_map = y + (n * p->out_c + oc) * out_h * out_w;
            for (oh = 0; oh < out_h; ++oh) {
                for (ow = 0; ow < out_w; ++ow) {
                    float acc = 0.0f;
                    for (c0 = 0; c0 < in_per_group; c0 += block) { /* a block sum per step */
                        const int32_t c1 = in_per_group - c0 < block ? in_per_group : c0 + block;
                        float part = 0.0f;
                        for (icl = c0; icl < c1; ++icl) {
                            const int32_t ic = g * in_per_group + icl;
                            const float *xc = x + (n * p->in_c + ic) * in_map;
                            const float *wc = w + (ic * out_per_group + ocl) * k_size;
                            for (kh = 0; kh < k_h; ++kh) {
                                const int32_t th = oh + p->pad_h - kh * p->dilation_h;
                                int32_t ih;
                                const float *x_row;
                                const float *w_row;
                                if (th < 0 || th % s_h != 0) {
                                    continue;
                                }
                                ih = th / s_h;
                                if (ih >= in_h) {
                                    continue;
                                }
                                x_row = xc + ih * in_w;
                                w_row = wc + kh * k_w;
                                for (kw = 0; kw < k_w; ++kw) {
                                    const int32_t tw = ow + p->pad_w - kw * p->dilation_w;
                                    int32_t iw;
                                    float prod;
                                    if (tw < 0 || tw % s_w != 0) {
                                        continue;
                                    }
                                    iw = tw / s_w;
                                    if (iw >= in_w) {
                                        continue;
                                    }
                                    prod = x_row[iw] * w_row[kw];
                                    part += prod;
                                }
                            }
                        }
                        acc += part;
                    }
                    y_map[oh * out_w + ow] = (b != NULL) ? acc + b[oc] : acc;
                }
            }
        }
    }
}
