/*
 * nnc_conv_s8.c — grouped 2-D convolution (also 1-D and depthwise), int8 reference.
 * See nnc_int8.h for the numbers. Mirrors Int8Kernels.convolution in Swift.
 */
#include "nnc_int8.h"

void nnc_conv_s8(const nnc_conv_s8_params *p, const int8_t *x, const int8_t *w,
                 const int32_t *bias, const int32_t *out_multiplier, const int32_t *out_shift,
                 int8_t *y)
{
    const int32_t in_h = p->in_h, in_w = p->in_w;
    const int32_t out_h = p->out_h, out_w = p->out_w;
    const int32_t k_h = p->kernel_h, k_w = p->kernel_w;
    const int32_t in_map = in_h * in_w;
    const int32_t k_size = k_h * k_w;
    const int32_t in_per_group = p->in_c / p->group;
    const int32_t out_per_group = p->out_c / p->group;
    const int32_t input_offset = p->input_offset;
    int32_t n, oc, oh, ow, icl, kh, kw;

    for (n = 0; n < p->batch; ++n) {
        for (oc = 0; oc < p->out_c; ++oc) {
            const int32_t g = oc / out_per_group;
            const int8_t *x_group = x + (n * p->in_c + g * in_per_group) * in_map;
            const int8_t *w_filter = w + oc * in_per_group * k_size;
            const int32_t multiplier = out_multiplier[oc];
            const int32_t shift = out_shift[oc];
            int8_t *y_map = y + (n * p->out_c + oc) * out_h * out_w;
            for (oh = 0; oh < out_h; ++oh) {
                const int32_t ih0 = oh * p->stride_h - p->pad_h;
                for (ow = 0; ow < out_w; ++ow) {
                    const int32_t iw0 = ow * p->stride_w - p->pad_w;
                    int32_t acc = (bias != NULL) ? bias[oc] : 0;
                    for (icl = 0; icl < in_per_group; ++icl) {
                        const int8_t *xc = x_group + icl * in_map;
                        const int8_t *wc = w_filter + icl * k_size;
                        for (kh = 0; kh < k_h; ++kh) {
                            const int32_t ih = ih0 + kh * p->dilation_h;
                            const int8_t *x_row;
                            const int8_t *w_row;
                            if (ih < 0 || ih >= in_h) {
                                continue;
                            }
                            x_row = xc + ih * in_w;
                            w_row = wc + kh * k_w;
                            for (kw = 0; kw < k_w; ++kw) {
                                const int32_t iw = iw0 + kw * p->dilation_w;
                                if (iw < 0 || iw >= in_w) {
                                    continue;
                                }
                                acc += ((int32_t)x_row[iw] + input_offset) * (int32_t)w_row[kw];
                            }
                        }
                    }
                    y_map[oh * out_w + ow] = nnc_output_s8(nnc_requantize(acc, multiplier, shift),
                                                           p->output_offset, p->act_min, p->act_max);
                }
            }
        }
    }
}
