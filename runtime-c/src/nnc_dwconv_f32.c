/*
 * nnc_dwconv_f32.c — depthwise convolution, float32: the same bits as nnc_conv_f32 with
 * group = in_c (see nnc_spatial.h), faster. Every output sums its taps in nnc_conv_f32's order
 * (kernel row, then column, ascending, from 0.0f, bias last); what changes is the bookkeeping:
 * the pixels whose window lies inside the input skip all bounds work, and a 3x3 window keeps its
 * nine weights in registers and computes two outputs side by side (two independent chains of
 * additions, so the FPU's result latency overlaps).
 */
#include "nnc_spatial.h"

/* One output pixel exactly as nnc_conv_f32 computes it (taps in the padding skipped). */
static float nnc_dwf_pixel(const nnc_conv_params *p, const float *xc, const float *wc, int32_t oh, int32_t ow)
{
    const int32_t ih0 = oh * p->stride_h - p->pad_h, iw0 = ow * p->stride_w - p->pad_w;
    const int32_t k_w = p->kernel_w, dil_w = p->dilation_w;
    int32_t kw_lo = 0, kw_hi = k_w, kh, kw;
    float acc = 0.0f;
    while (kw_lo < k_w && iw0 + kw_lo * dil_w < 0) {
        ++kw_lo;
    }
    while (kw_hi > kw_lo && iw0 + (kw_hi - 1) * dil_w >= p->in_w) {
        --kw_hi;
    }
    for (kh = 0; kh < p->kernel_h; ++kh) {
        const int32_t ih = ih0 + kh * p->dilation_h;
        const float *x_row;
        const float *w_row;
        int32_t iw;
        if (ih < 0 || ih >= p->in_h) {
            continue;
        }
        x_row = xc + ih * p->in_w;
        w_row = wc + kh * k_w;
        iw = iw0 + kw_lo * dil_w;
        for (kw = kw_lo; kw < kw_hi; ++kw) {
            const float prod = x_row[iw] * w_row[kw]; /* no contraction into an FMA */
            acc += prod;
            iw += dil_w;
        }
    }
    return acc;
}

/* The first output index whose window starts inside the input, and one past the last whose
 * window ends inside it, along one axis (lo >= hi when there is none). */
static void nnc_dwf_inside(int32_t in, int32_t out, int32_t k, int32_t stride, int32_t pad, int32_t dil,
                           int32_t *lo, int32_t *hi)
{
    int32_t o = 0;
    while (o < out && o * stride - pad < 0) {
        ++o;
    }
    *lo = o;
    *hi = o;
    while (*hi < out && *hi * stride - pad + (k - 1) * dil < in) {
        ++*hi;
    }
}

/* One tap of two outputs: the products first, then the additions, each chain in its own order. */
#define NNC_DWF_TAP(i, wv)                                                                         \
    do {                                                                                           \
        const float p0_ = s0[i] * (wv);                                                            \
        const float p1_ = s1[i] * (wv);                                                            \
        acc0 += p0_;                                                                               \
        acc1 += p1_;                                                                               \
    } while (0)

void nnc_dwconv_f32(const nnc_conv_params *p, const float *x, const float *w, const float *b, float *y)
{
    const int32_t in_map = p->in_h * p->in_w, out_w = p->out_w, out_map = p->out_h * p->out_w;
    const int32_t taps = p->kernel_h * p->kernel_w;
    const int32_t multiplier = p->out_c / p->in_c;
    const int32_t in_w = p->in_w, sw = p->stride_w;
    const int32_t three = p->kernel_h == 3 && p->kernel_w == 3 && p->dilation_h == 1 && p->dilation_w == 1;
    int32_t oh_lo, oh_hi, ow_lo, ow_hi, n, oc, oh, ow, kh, kw;

    nnc_dwf_inside(p->in_h, p->out_h, p->kernel_h, p->stride_h, p->pad_h, p->dilation_h, &oh_lo, &oh_hi);
    nnc_dwf_inside(p->in_w, p->out_w, p->kernel_w, p->stride_w, p->pad_w, p->dilation_w, &ow_lo, &ow_hi);
    for (n = 0; n < p->batch; ++n) {
        for (oc = 0; oc < p->out_c; ++oc) {
            const float *xc = x + (n * p->in_c + oc / multiplier) * in_map;
            const float *wc = w + oc * taps;
            float *yc = y + (n * p->out_c + oc) * out_map;
            const float w0 = wc[0], w1 = wc[1 % taps], w2 = wc[2 % taps], w3 = wc[3 % taps];
            const float w4 = wc[4 % taps], w5 = wc[5 % taps], w6 = wc[6 % taps], w7 = wc[7 % taps];
            const float w8 = wc[8 % taps];
            for (oh = 0; oh < p->out_h; ++oh) {
                float *yr = yc + oh * out_w;
                const int32_t rows_inside = oh >= oh_lo && oh < oh_hi;
                for (ow = 0; ow < out_w; ++ow) {
                    if (!rows_inside || ow < ow_lo || ow >= ow_hi) {
                        const float acc = nnc_dwf_pixel(p, xc, wc, oh, ow);
                        yr[ow] = (b != NULL) ? acc + b[oc] : acc;
                        continue;
                    }
                    {
                        const float *s0 = xc + (oh * p->stride_h - p->pad_h) * in_w + ow * sw - p->pad_w;
                        if (three && ow + 1 < ow_hi) { /* two outputs, nine taps in registers */
                            const float *s1 = s0 + sw;
                            float acc0 = 0.0f, acc1 = 0.0f;
                            NNC_DWF_TAP(0, w0);
                            NNC_DWF_TAP(1, w1);
                            NNC_DWF_TAP(2, w2);
                            s0 += in_w;
                            s1 += in_w;
                            NNC_DWF_TAP(0, w3);
                            NNC_DWF_TAP(1, w4);
                            NNC_DWF_TAP(2, w5);
                            s0 += in_w;
                            s1 += in_w;
                            NNC_DWF_TAP(0, w6);
                            NNC_DWF_TAP(1, w7);
                            NNC_DWF_TAP(2, w8);
                            yr[ow] = (b != NULL) ? acc0 + b[oc] : acc0;
                            yr[ow + 1] = (b != NULL) ? acc1 + b[oc] : acc1;
                            ++ow;
                        } else { /* inside: no bounds work */
                            float acc = 0.0f;
                            for (kh = 0; kh < p->kernel_h; ++kh) {
                                const float *x_row = s0 + kh * p->dilation_h * in_w;
                                const float *w_row = wc + kh * p->kernel_w;
                                for (kw = 0; kw < p->kernel_w; ++kw) {
                                    const float prod = x_row[kw * p->dilation_w] * w_row[kw];
                                    acc += prod;
                                }
                            }
                            yr[ow] = (b != NULL) ? acc + b[oc] : acc;
                        }
                    }
                }
            }
        }
    }
}
