/*
 * dwconv_sweep.c — nnc_dwconv_s8 against the reference nnc_conv_s8 on seeded random depthwise
 * shapes (3x3 stride 1 and 2, other kernels, dilation, pad 0..2, odd widths, multiplier 1..3,
 * asymmetric padding as a folded Pad leaves it (more rows / columns after the input than before,
 * implied by out_h / out_w, also on even planes of 16 to 24 where a stride-2 convolution takes
 * edge strips), requantization on both of its paths), on the host (portable nnc_dsp.h) or on a Cortex-M4
 * (SMLAD/SXTB16/SMLABB/SMMLAR/SSAT): it prints the number of cases, the number of mismatching cases and an
 * FNV-1a checksum of every output byte, which must be the same on both. Then it times a
 * kws-shaped and a vww-shaped layer, reference vs depthwise kernel, when built with m4bench.h.
 * Tests/EmulationTests/Int8KernelSweepTests.swift runs it both ways in CI.
 *
 *   cc -std=c99 -O2 -Iruntime-c/include bench/int8-kernels/dwconv_sweep.c runtime-c/src/nnc_conv_s8.c \
 *      runtime-c/src/nnc_dwconv_s8.c -lm
 *   m4run --src bench/int8-kernels/dwconv_sweep.c runtime-c/src/nnc_conv_s8.c \
 *      runtime-c/src/nnc_dwconv_s8.c --inc runtime-c/include
 */
#include <stdio.h>
#include <string.h>

#include "nnc_int8.h"
#define SWEEP_SEED 2463534242u
#include "sweep_support.h"

#define MAX_X 20000
#define MAX_C 64
#define MAX_Y 20000
#ifndef SWEEP_ROUNDS
#define SWEEP_ROUNDS 400
#endif

static int8_t xs[MAX_X], ws[MAX_C * 49], y_ref[MAX_Y], y_dw[MAX_Y], scratch[MAX_X + 4];
static int32_t bias[MAX_C], bias_folded[MAX_C], mult[MAX_C], shift[MAX_C];

/* Random weights, bias and requantization for out_c channels of `taps` taps; the bias folded as
 * the code generator folds it (bias + input_offset * sum w, wrapping). Now and then a huge bias,
 * a non-negative shift or a big multiplier, so the kernel's exact fallback runs too. */
static void random_layer(int32_t out_c, int32_t taps, int32_t input_offset, int32_t use_bias)
{
    int32_t c, i;
    for (c = 0; c < out_c; ++c) {
        uint32_t sum = 0;
        for (i = 0; i < taps; ++i) {
            const int8_t v = (int8_t)(rnd(0, 7) == 0 ? (rnd(0, 1) ? 127 : -127) : rnd(-127, 127));
            ws[c * taps + i] = v;
            sum += (uint32_t)(int32_t)v;
        }
        mult[c] = rnd(1 << 29, 0x7fffffff);
        shift[c] = rnd(-12, -1);
        if (rnd(0, 7) == 0) {
            shift[c] = rnd(-31, 3);
        }
        bias[c] = rnd(-20000, 20000);
        if (rnd(0, 15) == 0) {
            bias[c] = (int32_t)next_u32();
        }
        bias_folded[c] = (int32_t)((uint32_t)(use_bias ? bias[c] : 0) + (uint32_t)input_offset * sum);
    }
}

/* Padding after the input: pad, or more where out implies it (as nnc_dwconv_s8 computes it). */
static int32_t pad_after(int32_t in, int32_t pad, int32_t out, int32_t stride, int32_t kernel, int32_t dilation)
{
    const int32_t reach = (out - 1) * stride + (kernel - 1) * dilation + 1 - in - pad;
    return reach > pad ? reach : pad;
}

/* nnc_dwconv_s8's scratch size (nnc_int8.h). */
static int32_t scratch_bytes(const nnc_conv_s8_params *p)
{
    const int32_t bottom = pad_after(p->in_h, p->pad_h, p->out_h, p->stride_h, p->kernel_h, p->dilation_h);
    const int32_t right = pad_after(p->in_w, p->pad_w, p->out_w, p->stride_w, p->kernel_w, p->dilation_w);
    return (p->pad_h + p->in_h + bottom) * (p->pad_w + p->in_w + right) + 4;
}

static int32_t dw_case(int32_t round)
{
    nnc_conv_s8_params p;
    int32_t i, n_x, n_y, multiplier, use_bias = rnd(0, 3) != 0;
    memset(&p, 0, sizeof p);
    p.batch = rnd(0, 5) == 0 ? 2 : 1;
    p.in_c = p.group = rnd(1, 5);
    multiplier = rnd(0, 3) == 0 ? rnd(2, 3) : 1;
    p.out_c = p.in_c * multiplier;
    switch (round % 4) {
    case 0: /* 3x3 stride 1 */
    case 1: /* 3x3 stride 2 */
        p.kernel_h = p.kernel_w = 3;
        p.stride_h = p.stride_w = 1 + round % 4;
        p.dilation_h = p.dilation_w = 1;
        break;
    default: /* anything */
        p.kernel_h = rnd(1, 5);
        p.kernel_w = rnd(1, 5);
        p.stride_h = rnd(1, 3);
        p.stride_w = rnd(1, 3);
        p.dilation_h = rnd(0, 3) == 0 ? 2 : 1;
        p.dilation_w = rnd(0, 3) == 0 ? 2 : 1;
        break;
    }
    p.pad_h = rnd(0, 2);
    p.pad_w = rnd(0, 3) == 0 ? rnd(0, 2) : p.pad_h;
    p.in_h = (p.kernel_h - 1) * p.dilation_h + 1 + rnd(0, 12) - (p.pad_h > 0 ? rnd(0, 1) : 0);
    p.in_w = (p.kernel_w - 1) * p.dilation_w + 1 + rnd(0, 12) - (p.pad_w > 0 ? rnd(0, 1) : 0);
    p.out_h = (p.in_h + 2 * p.pad_h - (p.kernel_h - 1) * p.dilation_h - 1) / p.stride_h + 1;
    p.out_w = (p.in_w + 2 * p.pad_w - (p.kernel_w - 1) * p.dilation_w - 1) / p.stride_w + 1;
    if (rnd(0, 3) == 0) {
        /* A folded Pad: 1 or 2 more rows and columns of padding after the input than before. */
        p.out_h = (p.in_h + 2 * p.pad_h + rnd(1, 2) - (p.kernel_h - 1) * p.dilation_h - 1) / p.stride_h + 1;
        p.out_w = (p.in_w + 2 * p.pad_w + rnd(1, 2) - (p.kernel_w - 1) * p.dilation_w - 1) / p.stride_w + 1;
    }
    if (round % 4 == 1 && rnd(0, 3) == 0) {
        /* vww's folded Pad (0, 1) before a stride-2 3x3 on an even plane of 16 or more: the
         * kernel's edge strips. */
        p.pad_h = p.pad_w = 0;
        p.in_h = 2 * rnd(8, 12);
        p.in_w = 2 * rnd(8, 12);
        p.out_h = p.in_h / 2;
        p.out_w = p.in_w / 2;
    }
    p.input_offset = rnd(-127, 128);
    p.output_offset = rnd(-128, 127);
    p.act_min = rnd(0, 1) ? -128 : rnd(-128, 0);
    p.act_max = rnd(0, 1) ? 127 : rnd(p.act_min, 127);
    n_x = p.batch * p.in_c * p.in_h * p.in_w;
    n_y = p.batch * p.out_c * p.out_h * p.out_w;
    for (i = 0; i < n_x; ++i) {
        xs[i] = (int8_t)rnd(-128, 127);
    }
    random_layer(p.out_c, p.kernel_h * p.kernel_w, p.input_offset, use_bias);
    nnc_conv_s8(&p, xs, ws, use_bias ? bias : NULL, mult, shift, y_ref);
    /* The scratch at the end of its array, so that a sanitizer sees any read past its size. */
    nnc_dwconv_s8(&p, xs, ws, bias_folded, mult, shift,
                  scratch + sizeof scratch - (size_t)scratch_bytes(&p), y_dw);
    hash(y_dw, n_y);
    return memcmp(y_ref, y_dw, (size_t)n_y) != 0;
}

/* A layer of the MLPerf Tiny models: c channels of h x w, 3x3, stride s, padding `pad` before and
 * `after` after the input. */
static void timing(const char *name, int32_t c, int32_t h, int32_t w, int32_t s, int32_t pad, int32_t after)
{
    nnc_conv_s8_params p;
    int32_t i;
    memset(&p, 0, sizeof p);
    p.batch = 1;
    p.in_c = p.out_c = p.group = c;
    p.in_h = h;
    p.in_w = w;
    p.kernel_h = p.kernel_w = 3;
    p.stride_h = p.stride_w = s;
    p.dilation_h = p.dilation_w = 1;
    p.pad_h = p.pad_w = pad;
    p.out_h = (h + pad + after - 3) / s + 1;
    p.out_w = (w + pad + after - 3) / s + 1;
    p.input_offset = 128;
    p.output_offset = -128;
    p.act_min = -128;
    p.act_max = 127;
    for (i = 0; i < c * h * w; ++i) xs[i] = (int8_t)rnd(-128, 127);
    random_layer(c, 9, p.input_offset, 1);
    for (i = 0; i < c; ++i) {
        bias[i] = rnd(-20000, 20000);
        shift[i] = rnd(-10, -5);
    }
    for (i = 0; i < c; ++i) {
        int32_t k;
        uint32_t sum = 0;
        for (k = 0; k < 9; ++k) sum += (uint32_t)(int32_t)ws[i * 9 + k];
        bias_folded[i] = (int32_t)((uint32_t)bias[i] + (uint32_t)p.input_offset * sum);
    }
    M4_BENCH(nnc_conv_s8(&p, xs, ws, bias, mult, shift, y_ref));
    M4_BENCH(nnc_dwconv_s8(&p, xs, ws, bias_folded, mult, shift, scratch, y_dw));
    printf("%s (%d MACs): %s\n", name, (int)(c * p.out_h * p.out_w * 9),
           memcmp(y_ref, y_dw, (size_t)(c * p.out_h * p.out_w)) ? "MISMATCH" : "same");
}

int main(void)
{
    int32_t cases = 0, bad = 0, i;
    for (i = 0; i < SWEEP_ROUNDS; ++i) {
        bad += dw_case(i);
        cases += 1;
    }
    printf("kernels %s\n", SWEEP_DSP_PATH);
    printf("cases %d mismatches %d checksum %08lx\n", (int)cases, (int)bad, (unsigned long)*sweep_checksum());
    timing("kws dw 64x25x5 s1", 64, 25, 5, 1, 1, 1);
    timing("vww dw 8x48x48 s1", 8, 48, 48, 1, 1, 1);
    timing("vww dw 8x49x49 s2", 8, 49, 49, 2, 0, 0);
    timing("vww dw 8x48x48 s2 pad (0, 1)", 8, 48, 48, 2, 0, 1);
    timing("vww-like dw 64x6x6 s1", 64, 6, 6, 1, 1, 1);
    return bad != 0;
}
