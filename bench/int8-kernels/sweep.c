/*
 * sweep.c — the optimized int8 kernels (nnc_conv_s8_opt, nnc_affine_s8_opt) against the
 * reference ones (nnc_conv_s8 [+ nnc_maxpool_s8], nnc_affine_s8) on seeded random shapes, on the
 * host (portable nnc_dsp.h) or on a Cortex-M4 (SMLAD/SXTB16): it prints the number of cases,
 * the number of mismatching cases and an FNV-1a checksum of every output byte, which must be the
 * same on both. Then it times LeNet's layers once each when built with m4bench.h (m4run).
 * Tests/EmulationTests/Int8KernelSweepTests.swift runs it both ways in CI.
 *
 *   cc -std=c99 -O2 -Iruntime-c/include bench/int8-kernels/sweep.c runtime-c/src/nnc_conv_s8.c \
 *      runtime-c/src/nnc_conv_s8_opt.c runtime-c/src/nnc_affine_s8.c runtime-c/src/nnc_pool_s8.c \
 *      runtime-c/src/nnc_quantize_s8.c -lm
 *   m4run --src bench/int8-kernels/sweep.c runtime-c/src/nnc_conv_s8.c runtime-c/src/nnc_conv_s8_opt.c \
 *      runtime-c/src/nnc_affine_s8.c runtime-c/src/nnc_pool_s8.c runtime-c/src/nnc_quantize_s8.c --inc runtime-c/include
 *
 * The packing below is this harness's own (the code generator's is Swift, NNCodegen); both follow
 * the layout documented in nnc_int8.h.
 */
#include <stdio.h>
#include <string.h>

#include "nnc_int8.h"
#include "sweep_support.h"

#define MAX_X 8192
#define MAX_W 16384
#define MAX_Y 16384
#define MAX_C 64
#define MAX_SCRATCH 16384
#ifndef SWEEP_ROUNDS /* -DSWEEP_ROUNDS=n: 2n cases */
#define SWEEP_ROUNDS 300
#endif

static int8_t xs[MAX_X], ws[MAX_W], y_ref[MAX_Y], y_opt[MAX_Y], conv_full[MAX_Y];
static int8_t w_packed[MAX_W + 4 * MAX_C];
static int32_t bias[MAX_C], bias_folded[MAX_C], mult[MAX_C], shift[MAX_C];
static int16_t scratch[MAX_SCRATCH];

/* w [channels][k] int8 -> the packed int8 layout of nnc_int8.h, per group; bias folded. */
static void pack(const int8_t *w, const int32_t *b, int32_t groups, int32_t per_group, int32_t k,
                 int32_t k_padded, int32_t input_offset)
{
    int32_t g, c, i;
    for (g = 0; g < groups; ++g) {
        for (c = 0; c < per_group; ++c) {
            const int32_t oc = g * per_group + c;
            int32_t sum = 0;
            for (i = 0; i < k_padded; ++i) {
                const int8_t v = (i < k) ? w[oc * k + i] : 0;
                w_packed[g * per_group * k_padded + packed_at(c, i, per_group, k_padded)] = v;
                sum += v;
            }
            bias_folded[oc] = (b ? b[oc] : 0) + input_offset * sum;
        }
    }
}

/* A third of the layers have every shift <= -2 (the kernels' one-SMLAL requantization applies to
 * the whole layer), a third mix in shifts from -1 up (the general rule), and a third have shifts
 * in [-23, -1] with biases up to 2^29 (the SMMLAR requantization of the convolution, and its
 * accumulator bound failing on the largest biases). */
static void random_requant(int32_t n)
{
    const int32_t mode = rnd(0, 2);
    const int32_t all_down = mode == 0;
    int32_t i;
    for (i = 0; i < n; ++i) {
        mult[i] = rnd(1 << 29, 0x7fffffff);
        shift[i] = rnd(-12, all_down ? -2 : 1);
        if (rnd(0, 9) == 0) {
            shift[i] = all_down ? rnd(-31, -2) : rnd(-31, 4);
        }
        bias[i] = rnd(-20000, 20000);
        if (mode == 2) {
            shift[i] = rnd(-23, -1);
            if (rnd(0, 7) == 0) {
                bias[i] = rnd(-(1 << 28), 1 << 28);
            }
            if (rnd(0, 15) == 0) { /* a dead channel: any shift, any bias */
                mult[i] = 0;
                shift[i] = rnd(-23, 4);
                bias[i] = rnd(-(1 << 29), 1 << 29);
            }
        }
    }
}

static int32_t conv_case(int32_t with_pool)
{
    nnc_conv_s8_opt_params q;
    nnc_conv_s8_params *p = &q.conv;
    nnc_pool_params pool;
    int32_t k, k_padded, per_in, per_out, i, n_x, n_w, n_conv, ph, pw;
    int32_t use_bias = rnd(0, 3) != 0;
    int32_t pointwise;
    memset(&q, 0, sizeof q);
    p->batch = rnd(1, 2);
    p->group = rnd(0, 2) == 0 ? rnd(1, 3) : 1;
    per_in = rnd(1, 6);
    p->in_c = per_in * p->group;
    p->out_c = p->group * rnd(1, 9);
    if (rnd(0, 4) == 0) { /* depthwise, multiplier 1 or 2 */
        p->group = p->in_c = rnd(1, 5);
        per_in = 1;
        p->out_c = p->in_c * rnd(1, 2);
    }
    pointwise = !with_pool && rnd(0, 2) == 0;
    if (pointwise) { /* 1x1, stride 1, no padding (below), many channels */
        p->group = 1;
        p->in_c = per_in = rnd(1, 40);
        p->out_c = rnd(1, MAX_C);
    }
    per_out = p->out_c / p->group;
    p->kernel_h = rnd(1, 5);
    p->kernel_w = rnd(1, 5);
    p->stride_h = rnd(1, 2);
    p->stride_w = rnd(1, 2);
    p->dilation_h = rnd(0, 4) == 0 ? 2 : 1;
    p->dilation_w = rnd(0, 4) == 0 ? 2 : 1;
    p->pad_h = rnd(0, 2);
    p->pad_w = rnd(0, 2);
    if (pointwise) {
        p->kernel_h = p->kernel_w = p->stride_h = p->stride_w = 1;
        p->pad_h = p->pad_w = 0;
    }
    p->in_h = (p->kernel_h - 1) * p->dilation_h + 1 + rnd(0, 9);
    p->in_w = (p->kernel_w - 1) * p->dilation_w + 1 + rnd(0, 9);
    p->out_h = (p->in_h + 2 * p->pad_h - (p->kernel_h - 1) * p->dilation_h - 1) / p->stride_h + 1;
    p->out_w = (p->in_w + 2 * p->pad_w - (p->kernel_w - 1) * p->dilation_w - 1) / p->stride_w + 1;
    p->input_offset = rnd(-127, 128);
    p->output_offset = rnd(-128, 127);
    p->act_min = rnd(0, 1) ? -128 : rnd(-128, 0);
    p->act_max = rnd(0, 1) ? 127 : rnd(p->act_min, 127);
    k = per_in * p->kernel_h * p->kernel_w;
    k_padded = k + (k & 1);
    n_x = p->batch * p->in_c * p->in_h * p->in_w;
    n_w = p->out_c * k;
    n_conv = p->batch * p->out_c * p->out_h * p->out_w;
    ph = pw = 1;
    if (with_pool) {
        ph = rnd(1, 3);
        pw = rnd(1, 3);
        if (ph > p->out_h) ph = p->out_h;
        if (pw > p->out_w) pw = p->out_w;
    }
    q.k_padded = k_padded;
    q.pool_h = ph;
    q.pool_w = pw;
    q.out_h = p->out_h / ph;
    q.out_w = p->out_w / pw;
    for (i = 0; i < n_x; ++i) {
        xs[i] = (int8_t)rnd(-128, 127);
    }
    for (i = 0; i < n_w; ++i) {
        ws[i] = (int8_t)(rnd(0, 7) == 0 ? (rnd(0, 1) ? 127 : -127) : rnd(-127, 127));
    }
    random_requant(p->out_c);
    pack(ws, use_bias ? bias : NULL, p->group, per_out, k, k_padded, p->input_offset);
    nnc_conv_s8(p, xs, ws, use_bias ? bias : NULL, mult, shift, conv_full);
    if (ph * pw > 1) {
        pool.outer = p->batch * p->out_c;
        pool.in_h = p->out_h;
        pool.in_w = p->out_w;
        pool.out_h = q.out_h;
        pool.out_w = q.out_w;
        pool.kernel_h = pool.stride_h = ph;
        pool.kernel_w = pool.stride_w = pw;
        pool.pad_h = pool.pad_w = 0;
        pool.including_pad = 0;
        nnc_maxpool_s8(&pool, conv_full, y_ref);
    } else {
        memcpy(y_ref, conv_full, (size_t)n_conv);
    }
    nnc_conv_s8_opt(&q, xs, w_packed, bias_folded, mult, shift, scratch, y_opt);
    n_conv = p->batch * p->out_c * q.out_h * q.out_w;
    hash(y_opt, n_conv);
    return memcmp(y_ref, y_opt, (size_t)n_conv) != 0;
}

static int32_t affine_case(void)
{
    nnc_affine_s8_opt_params q;
    nnc_affine_s8_params *p = &q.affine;
    int32_t i, n_x, n_w;
    int32_t use_bias = rnd(0, 3) != 0;
    p->outer = rnd(1, 3);
    p->in_features = rnd(1, 300);
    p->out_features = rnd(1, 40);
    if (rnd(0, 4) == 0) { /* MLPerf ad's 640 wide rows: the biased blocks' raw sums wrap int32 */
        p->in_features = rnd(600, 700);
        p->out_features = rnd(1, 20);
    }
    p->input_offset = rnd(-127, 128);
    p->output_offset = rnd(-128, 127);
    p->act_min = rnd(0, 1) ? -128 : rnd(-128, 0);
    p->act_max = rnd(0, 2) ? 127 : rnd(p->act_min, 127); /* 127: SSAT outputs */
    q.k_padded = p->in_features + (p->in_features & 1);
    n_x = p->outer * p->in_features;
    n_w = p->out_features * p->in_features;
    for (i = 0; i < n_x; ++i) {
        xs[i] = (int8_t)rnd(-128, 127);
    }
    for (i = 0; i < n_w; ++i) {
        ws[i] = (int8_t)(rnd(0, 3) == 0 ? (rnd(0, 1) ? 127 : -128) : rnd(-127, 127));
    }
    random_requant(p->out_features);
    pack(ws, use_bias ? bias : NULL, 1, p->out_features, p->in_features, q.k_padded, p->input_offset);
    /* nnc_affine_s8_opt's blocks of four store their even bytes biased by 128 (XOR 0x80) */
    for (i = 0; i < (p->out_features & ~3) * q.k_padded; i += 2) {
        w_packed[i] = (int8_t)(uint8_t)((uint8_t)w_packed[i] ^ 0x80u);
    }
    nnc_affine_s8(p, xs, ws, use_bias ? bias : NULL, mult, shift, y_ref);
    nnc_affine_s8_opt(&q, xs, w_packed, bias_folded, mult, shift, scratch, y_opt);
    hash(y_opt, p->outer * p->out_features);
    return memcmp(y_ref, y_opt, (size_t)(p->outer * p->out_features)) != 0;
}

/* nnc_quantize_s8 (on the M4: VCVT to fixed point, no range check) against the rule written
 * once, nnc_quantize_one_s8: values on and near the rounding ties, ordinary values, arbitrary bit
 * patterns (NaNs, infinities, denormals, huge), and the int32 and int8 ends. */
static float qx[512];
static int32_t quantize_case(int32_t round)
{
    static const float scales[] = {0.0123f, 1.0f, 3e-5f, 0.5f, 7.25f, 1e-30f, 1e30f};
    static const uint32_t special[] = {
        0x7fc00000u, 0xffc00000u, 0x7f800000u, 0xff800000u, 0u, 0x80000000u, 0x4e800000u, 0xce800000u,
        0x4effffffu, 0xceffffffu, 0x4f000000u, 0xcf000000u, 0x3f000000u, 0xbf000000u, 0x3fc00000u,
        0xbfc00000u, 0x7f7fffffu, 0xff7fffffu, 1u, 0x80000001u};
    const float scale = scales[round % 7];
    const int32_t zero_point = rnd(-128, 127), n = rnd(1, 512);
    int32_t i, bad = 0;
    for (i = 0; i < n; ++i) {
        uint32_t b = next_u32();
        float f;
        if (i < 20 && round % 2 == 0) {
            b = special[i];
        } else if (round % 3 == 0) { /* multiples of scale / 2: ties */
            f = (float)rnd(-1000, 1000) * 0.5f * scale;
            memcpy(&b, &f, sizeof b);
        } else if (round % 3 == 1) {
            f = (float)rnd(-100000, 100000) * 1e-3f * scale;
            memcpy(&b, &f, sizeof b);
        }
        memcpy(&qx[i], &b, sizeof b);
    }
    nnc_quantize_s8(n, scale, zero_point, qx, y_opt);
    for (i = 0; i < n; ++i) {
        y_ref[i] = nnc_quantize_one_s8(qx[i], scale, zero_point);
    }
    hash(y_opt, n);
    bad = memcmp(y_ref, y_opt, (size_t)n) != 0;
    return bad;
}

/* LeNet's two convolutions with their 2x2 max pooling, reference vs optimized, one run each. */
static void lenet_timing(void)
{
    static const int32_t shapes[2][4] = {{1, 28, 16, 5}, {16, 12, 16, 5}}; /* in_c, in_hw, out_c, k */
    int32_t s;
    for (s = 0; s < 2; ++s) {
        nnc_conv_s8_opt_params q;
        nnc_conv_s8_params *p = &q.conv;
        nnc_pool_params pool;
        int32_t k, i;
        memset(&q, 0, sizeof q);
        p->batch = p->group = 1;
        p->in_c = shapes[s][0];
        p->in_h = p->in_w = shapes[s][1];
        p->out_c = shapes[s][2];
        p->kernel_h = p->kernel_w = shapes[s][3];
        p->stride_h = p->stride_w = p->dilation_h = p->dilation_w = 1;
        p->out_h = p->out_w = p->in_h - p->kernel_h + 1;
        p->input_offset = 128;
        p->output_offset = -128;
        p->act_min = -128;
        p->act_max = 127;
        k = p->in_c * p->kernel_h * p->kernel_w;
        q.k_padded = k + (k & 1);
        q.pool_h = q.pool_w = 2;
        q.out_h = q.out_w = p->out_h / 2;
        for (i = 0; i < p->in_c * p->in_h * p->in_w; ++i) xs[i] = (int8_t)rnd(-128, 127);
        for (i = 0; i < p->out_c * k; ++i) ws[i] = (int8_t)rnd(-127, 127);
        random_requant(p->out_c);
        pack(ws, bias, 1, p->out_c, k, q.k_padded, p->input_offset);
        pool.outer = p->out_c;
        pool.in_h = p->out_h; pool.in_w = p->out_w; pool.out_h = q.out_h; pool.out_w = q.out_w;
        pool.kernel_h = pool.kernel_w = pool.stride_h = pool.stride_w = 2;
        pool.pad_h = pool.pad_w = pool.including_pad = 0;
        M4_BENCH(nnc_conv_s8(p, xs, ws, bias, mult, shift, conv_full));
        M4_BENCH(nnc_maxpool_s8(&pool, conv_full, y_ref));
        M4_BENCH(nnc_conv_s8_opt(&q, xs, w_packed, bias_folded, mult, shift, scratch, y_opt));
        printf("lenet conv%d: %s\n", (int)s + 1,
               memcmp(y_ref, y_opt, (size_t)(p->out_c * q.out_h * q.out_w)) ? "MISMATCH" : "same");
    }
}

int main(void)
{
    int32_t cases = 0, bad = 0, i;
    for (i = 0; i < SWEEP_ROUNDS; ++i) {
        bad += conv_case(i % 2);
        bad += affine_case();
        cases += 2;
    }
    printf("kernels %s\n", SWEEP_DSP_PATH);
    printf("cases %d mismatches %d checksum %08lx\n", (int)cases, (int)bad, (unsigned long)*sweep_checksum());
    {
        int32_t q_bad = 0;
        *sweep_checksum() = UINT32_C(2166136261);
        for (i = 0; i < 100; ++i) {
            q_bad += quantize_case(i);
        }
        printf("quantize 100 mismatches %d checksum %08lx\n", (int)q_bad, (unsigned long)*sweep_checksum());
        bad += q_bad;
    }
    lenet_timing();
    return bad != 0;
}
