/*
 * layers.c — cycles of the optimized int8 kernels on MLPerf-Tiny-shaped layers (kws/vww 1x1,
 * ic 3x3 and strided 1x1, ad fully connected), each checked byte for byte against the reference
 * kernel. Build it with m4run and read region_K_cycles_est (K = the line's number):
 *
 *   m4run --src bench/int8-kernels/layers.c runtime-c/src/nnc_conv_s8.c \
 *      runtime-c/src/nnc_conv_s8_opt.c runtime-c/src/nnc_affine_s8.c --inc runtime-c/include \
 *      [--define ONLY=K] [--profile 8]
 *
 * MAC/cycle of a layer = its "macs" / region_K_cycles_est. The packing is sweep.c's (the layout
 * of nnc_int8.h); requantization shifts are in [-12, -2], as in the fixture models.
 */
#include <stdio.h>
#include <string.h>

#include "nnc_int8.h"
#include "sweep_support.h"

#ifndef ONLY /* -DONLY=K: only layer K (1-based) */
#define ONLY 0
#endif

#define MAX_BYTES 90000
#define MAX_C 1024

static int8_t xs[MAX_BYTES], ws[MAX_BYTES], w_packed[MAX_BYTES], y_ref[MAX_BYTES], y_opt[MAX_BYTES];
static int32_t bias[MAX_C], bias_folded[MAX_C], mult[MAX_C], shift[MAX_C];
static int16_t scratch[8192];
static int32_t layer = 0;

/* Random weights [channels][k], packed, bias folded; random requantization. */
static void random_layer(int32_t channels, int32_t k, int32_t k_padded, int32_t input_offset)
{
    int32_t c, i;
    for (i = 0; i < channels * k; ++i) {
        ws[i] = (int8_t)rnd(-127, 127);
    }
    for (c = 0; c < channels; ++c) {
        int32_t sum = 0;
        mult[c] = rnd(1 << 29, 0x7fffffff);
        shift[c] = rnd(-12, -2);
        bias[c] = rnd(-20000, 20000);
        for (i = 0; i < k_padded; ++i) {
            const int8_t v = (i < k) ? ws[c * k + i] : 0;
            w_packed[packed_at(c, i, channels, k_padded)] = v;
            sum += v;
        }
        bias_folded[c] = bias[c] + input_offset * sum;
    }
}

static void conv(const char *name, int32_t in_c, int32_t out_c, int32_t in_h, int32_t in_w,
                 int32_t kernel, int32_t stride, int32_t pad, int32_t act_min)
{
    nnc_conv_s8_opt_params q;
    nnc_conv_s8_params *p = &q.conv;
    int32_t k, i, n_y;
    if (ONLY != 0 && ONLY != ++layer) {
        return;
    }
    memset(&q, 0, sizeof q);
    p->batch = p->group = 1;
    p->in_c = in_c;
    p->in_h = in_h;
    p->in_w = in_w;
    p->out_c = out_c;
    p->kernel_h = p->kernel_w = kernel;
    p->stride_h = p->stride_w = stride;
    p->dilation_h = p->dilation_w = 1;
    p->pad_h = p->pad_w = pad;
    p->out_h = (in_h + 2 * pad - kernel) / stride + 1;
    p->out_w = (in_w + 2 * pad - kernel) / stride + 1;
    p->input_offset = 128;
    p->output_offset = act_min;
    p->act_min = act_min;
    p->act_max = 127;
    k = in_c * kernel * kernel;
    q.k_padded = k + (k & 1);
    q.pool_h = q.pool_w = 1;
    q.out_h = p->out_h;
    q.out_w = p->out_w;
    for (i = 0; i < in_c * in_h * in_w; ++i) {
        xs[i] = (int8_t)rnd(-128, 127);
    }
    random_layer(out_c, k, q.k_padded, p->input_offset);
    nnc_conv_s8(p, xs, ws, bias, mult, shift, y_ref);
    M4_BENCH(nnc_conv_s8_opt(&q, xs, w_packed, bias_folded, mult, shift, scratch, y_opt));
    n_y = out_c * p->out_h * p->out_w;
    printf("%s macs %ld %s\n", name, (long)out_c * k * p->out_h * p->out_w,
           memcmp(y_ref, y_opt, (size_t)n_y) ? "MISMATCH" : "same");
}

static void affine(const char *name, int32_t in, int32_t out)
{
    nnc_affine_s8_opt_params q;
    nnc_affine_s8_params *p = &q.affine;
    int32_t i;
    if (ONLY != 0 && ONLY != ++layer) {
        return;
    }
    p->outer = 1;
    p->in_features = in;
    p->out_features = out;
    p->input_offset = 128;
    p->output_offset = -128;
    p->act_min = -128;
    p->act_max = 127;
    q.k_padded = in + (in & 1);
    for (i = 0; i < in; ++i) {
        xs[i] = (int8_t)rnd(-128, 127);
    }
    random_layer(out, in, q.k_padded, p->input_offset);
    for (i = 0; i < (out & ~3) * q.k_padded; i += 2) { /* nnc_affine_s8_opt's biased even bytes */
        w_packed[i] = (int8_t)(uint8_t)((uint8_t)w_packed[i] ^ 0x80u);
    }
    nnc_affine_s8(p, xs, ws, bias, mult, shift, y_ref);
    M4_BENCH(nnc_affine_s8_opt(&q, xs, w_packed, bias_folded, mult, shift, scratch, y_opt));
    printf("%s macs %ld %s\n", name, (long)in * out, memcmp(y_ref, y_opt, (size_t)out) ? "MISMATCH" : "same");
}

int main(void)
{
    conv("kws_1x1_64", 64, 64, 25, 5, 1, 1, 0, -128);
    conv("vww_1x1_8_16", 8, 16, 48, 48, 1, 1, 0, -128);
    conv("vww_1x1_256", 256, 256, 3, 3, 1, 1, 0, -128);
    conv("ic_3x3_16", 16, 16, 32, 32, 3, 1, 1, -128);
    conv("ic_3x3_s2", 16, 32, 32, 32, 3, 2, 1, -128);
    conv("ic_3x3_64", 64, 64, 8, 8, 3, 1, 1, -128);
    conv("ic_1x1_s2", 32, 64, 16, 16, 1, 2, 0, 20);
    conv("ic_3x3_3", 3, 16, 32, 32, 3, 1, 1, -128);
    conv("vww_first_3x3_s2", 3, 8, 97, 97, 3, 2, 0, -128);
    conv("vww_1x1_16_32", 16, 32, 24, 24, 1, 1, 0, -128);
    conv("vww_1x1_128", 128, 128, 6, 6, 1, 1, 0, -128);
    affine("ad_640_128", 640, 128);
    affine("ad_128_128", 128, 128);
    affine("ad_128_640", 128, 640);
    affine("ad_8_128", 8, 128);
    return 0;
}
