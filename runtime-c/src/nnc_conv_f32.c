/*
 * nnc_conv_f32.c — grouped 2-D convolution (also 1-D and depthwise), float32 reference.
 * See nnc_spatial.h. Mirrors FloatKernels.groupedConvolution in Swift, block sums included.
 */
#include "nnc_spatial.h"

void nnc_conv_f32(const nnc_conv_params *p, const float *x, const float *w, const float *b,
                  float *y)
{
    const int32_t in_h = p->in_h, in_w = p->in_w;
    const int32_t out_h = p->out_h, out_w = p->out_w;
    const int32_t k_h = p->kernel_h, k_w = p->kernel_w;
    const int32_t in_map = in_h * in_w;
    const int32_t k_size = k_h * k_w;
    const int32_t in_per_group = p->in_c / p->group;
    const int32_t out_per_group = p->out_c / p->group;
    const int32_t dil_w = p->dilation_w;
    const int32_t block = NNC_F32_SUM_CHANNELS(k_size);
    int32_t n, oc, oh, ow, c0, icl, kh, kw;

    for (n = 0; n < p->batch; ++n) {
        for (oc = 0; oc < p->out_c; ++oc) {
            const int32_t g = oc / out_per_group;
            const float *x_group = x + (n * p->in_c + g * in_per_group) * in_map;
            const float *w_filter = w + oc * in_per_group * k_size;
            float *y_map = y + (n * p->out_c + oc) * out_h * out_w;
            for (oh = 0; oh < out_h; ++oh) {
                const int32_t ih0 = oh * p->stride_h - p->pad_h;
                for (ow = 0; ow < out_w; ++ow) {
                    const int32_t iw0 = ow * p->stride_w - p->pad_w;
                    int32_t kw_lo = 0, kw_hi = k_w;
                    float acc = 0.0f;
                    /* The taps that fall inside a row, found once per output pixel, so the inner
                     * loop has no bounds test; the sum runs in the same order as before. */
                    while (kw_lo < k_w && iw0 + kw_lo * dil_w < 0) {
                        ++kw_lo;
                    }
                    while (kw_hi > kw_lo && iw0 + (kw_hi - 1) * dil_w >= in_w) {
                        --kw_hi;
                    }
                    for (c0 = 0; c0 < in_per_group; c0 += block) { /* a block sum per step */
                        const int32_t c1 = in_per_group - c0 < block ? in_per_group : c0 + block;
                        float part = 0.0f;
                        for (icl = c0; icl < c1; ++icl) {
                            const float *xc = x_group + icl * in_map;
                            const float *wc = w_filter + icl * k_size;
                            for (kh = 0; kh < k_h; ++kh) {
                                const int32_t ih = ih0 + kh * p->dilation_h;
                                const float *x_row;
                                const float *w_row;
                                int32_t iw;
                                if (ih < 0 || ih >= in_h) {
                                    continue;
                                }
                                x_row = xc + ih * in_w;
                                w_row = wc + kh * k_w;
                                iw = iw0 + kw_lo * dil_w;
                                for (kw = kw_lo; kw < kw_hi; ++kw) {
                                    /* A statement of its own: no contraction into a fused
                                     * multiply-add, so every compiler rounds as the interpreter. */
                                    const float prod = x_row[iw] * w_row[kw];
                                    part += prod;
                                    iw += dil_w;
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
