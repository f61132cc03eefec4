/*
 * nnc_conv_f32.c — grouped 2-D convolution (also 1-D and depthwise), float32 reference.
 * See nnc_spatial.h. Mirrors FloatKernels.groupedConvolution in Swift, block sums included.
 */
#include "nnc_spatial.h"

/* The first and one past the last kernel index whose tap lands inside [0, in) when the window
 * starts at `start` (lo >= hi when none does). */
static void nnc_conv_taps_inside(int32_t start, int32_t k, int32_t dil, int32_t in, int32_t *lo, int32_t *hi)
{
    *lo = 0;
    *hi = k;
    while (*lo < k && start + *lo * dil < 0) {
        ++*lo;
    }
    while (*hi > *lo && start + (*hi - 1) * dil >= in) {
        --*hi;
    }
}

void nnc_conv_f32(const nnc_conv_params *p, const float *x, const float *w, const float *b,
                  float *y)
{
    const int32_t in_w = p->in_w;
    const int32_t out_h = p->out_h, out_w = p->out_w;
    const int32_t k_w = p->kernel_w;
    const int32_t in_map = p->in_h * in_w;
    const int32_t k_size = p->kernel_h * k_w;
    const int32_t in_per_group = p->in_c / p->group;
    const int32_t out_per_group = p->out_c / p->group;
    const int32_t dil_w = p->dilation_w;
    const int32_t x_row_step = p->dilation_h * in_w;
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
                int32_t kh_lo, kh_hi;
                /* The kernel rows (per output row) and columns (per output pixel) that fall inside
                 * the input, found up front, so the loops over the taps have no bounds test. */
                nnc_conv_taps_inside(ih0, p->kernel_h, p->dilation_h, p->in_h, &kh_lo, &kh_hi);
                for (ow = 0; ow < out_w; ++ow) {
                    const int32_t iw0 = ow * p->stride_w - p->pad_w;
                    int32_t kw_lo, kw_hi;
                    float acc = 0.0f;
                    nnc_conv_taps_inside(iw0, k_w, dil_w, in_w, &kw_lo, &kw_hi);
                    if (kh_lo < kh_hi && kw_lo < kw_hi) {
                        /* The first tap inside, in channel 0 of the group. */
                        const float *x_first = x_group + (ih0 + kh_lo * p->dilation_h) * in_w + iw0 + kw_lo * dil_w;
                        const float *w_first = w_filter + kh_lo * k_w + kw_lo;
                        const int32_t taps = kw_hi - kw_lo;
                        for (c0 = 0; c0 < in_per_group; c0 += block) { /* a block sum per step */
                            const int32_t c1 = in_per_group - c0 < block ? in_per_group : c0 + block;
                            float part = 0.0f;
                            for (icl = c0; icl < c1; ++icl) {
                                const float *x_row = x_first + icl * in_map;
                                const float *w_row = w_first + icl * k_size;
                                for (kh = kh_lo; kh < kh_hi; ++kh) {
                                    int32_t iw = 0;
                                    for (kw = 0; kw < taps; ++kw) {
                                        /* A statement of its own: no contraction into a fused
                                         * multiply-add, so every compiler rounds as the interpreter. */
                                        const float prod = x_row[iw] * w_row[kw];
                                        part += prod;
                                        iw += dil_w;
                                    }
                                    x_row += x_row_step;
                                    w_row += k_w;
                                }
                            }
                            acc += part;
                        }
                    }
                    y_map[oh * out_w + ow] = (b != NULL) ? acc + b[oc] : acc;
                }
            }
        }
    }
}
