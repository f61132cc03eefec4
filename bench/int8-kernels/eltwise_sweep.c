/*
 * eltwise_sweep.c — the fast element-wise and pooling int8 kernels (nnc_add_s8_opt,
 * nnc_mul_s8_opt; nnc_avgpool_s8, nnc_sumpool_s8, nnc_global_avgpool_s8, nnc_pad_s8) against the reference on
 * seeded random shapes, broadcasts and parameters (the quantizer's and extreme ones), on the host
 * or on a Cortex-M4: it prints the number of cases, the number of mismatching cases and an FNV-1a
 * checksum of every output byte, which must be the same on both. The pooling kernels are
 * compared with their element-by-element definition (below). Then it times ic's three residual
 * Adds (reference vs fast) and kws's average pooling when built with m4bench.h (m4run).
 * Tests/EmulationTests/EltwiseKernelSweepTests.swift runs it both ways.
 *
 *   cc -std=c99 -O2 -Iruntime-c/include bench/int8-kernels/eltwise_sweep.c runtime-c/src/nnc_arith_s8.c \
 *      runtime-c/src/nnc_arith_s8_opt.c runtime-c/src/nnc_pool_s8.c runtime-c/src/nnc_pad_s8.c -lm
 *   m4run --src bench/int8-kernels/eltwise_sweep.c runtime-c/src/nnc_arith_s8.c \
 *      runtime-c/src/nnc_arith_s8_opt.c runtime-c/src/nnc_pool_s8.c runtime-c/src/nnc_pad_s8.c --inc runtime-c/include
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nnc_int8.h"
#define SWEEP_SEED 2463534242u
#include "sweep_support.h"

#define MAX_N 16384
#ifndef SWEEP_ROUNDS
#define SWEEP_ROUNDS 400
#endif

static int8_t xa[MAX_N], xb[MAX_N], y_ref[MAX_N], y_opt[MAX_N];

static void fill(int8_t *p, int32_t n)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        p[i] = (int8_t)rnd(-128, 127);
    }
}

/* NNIR's QuantizedMultiplier(real:) for 0 < |real| < 2^31: frexp, rounded to 31 bits. */
static void quantized_multiplier(double real, int32_t *multiplier, int32_t *shift)
{
    int e;
    const double q = frexp(fabs(real), &e);
    int64_t fixed = (int64_t)floor(q * 2147483648.0 + 0.5);
    if (fixed == (INT64_C(1) << 31)) {
        fixed /= 2;
        e += 1;
    }
    if (e < -31) {
        *multiplier = 0;
        *shift = 0;
        return;
    }
    *multiplier = (int32_t)(real < 0 ? -fixed : fixed);
    *shift = e;
}

static double random_scale(void)
{
    const double m = 1.0 + (double)rnd(0, 1000) / 1000.0; /* one call per statement: C leaves */
    const int32_t e = rnd(-9, -2);                        /* the order of arguments open */
    return ldexp(m, (int)e);
}

/* A random output shape of rank 1..4 and, per operand, strides that broadcast it along random
 * axes (stride 0) or walk it densely. Returns the element count. */
static int32_t random_broadcast(int32_t *rank, int32_t *shape, int32_t *as, int32_t *bs)
{
    int32_t d, n = 1, na = 1, nb = 1, mode = rnd(0, 3);
    *rank = rnd(1, 4);
    for (d = 0; d < *rank; ++d) {
        shape[d] = rnd(0, 3) == 0 ? 1 : rnd(1, 9);
        n *= shape[d];
    }
    for (d = *rank - 1; d >= 0; --d) {
        /* mode 0: no broadcast; 1: b per channel (axis 1 only); 2, 3: random axes. */
        const int32_t a_b = (mode >= 2) && rnd(0, 3) == 0;
        const int32_t b_b = (mode == 1) ? (d != 1 || *rank < 2) : (mode >= 2) && rnd(0, 2) == 0;
        as[d] = a_b ? 0 : na;
        bs[d] = b_b ? 0 : nb;
        na *= a_b ? 1 : shape[d];
        nb *= b_b ? 1 : shape[d];
    }
    return n;
}

static int32_t add_case(void)
{
    nnc_add_s8_params p;
    int32_t n;
    memset(&p, 0, sizeof p);
    n = random_broadcast(&p.rank, p.shape, p.a_strides, p.b_strides);
    p.a_offset = rnd(-127, 128);
    p.b_offset = rnd(-127, 128);
    p.output_offset = rnd(-128, 127);
    p.act_min = rnd(0, 1) ? -128 : rnd(-128, 0);
    p.act_max = rnd(0, 2) ? 127 : rnd(p.act_min, 127);
    if (rnd(0, 5) != 0) { /* the quantizer's parameters (Int8KernelParams AddS8Params) */
        const double sa = random_scale(), sb = rnd(0, 4) == 0 ? sa : random_scale();
        const double sy = random_scale(), twice_max = 2.0 * (sa > sb ? sa : sb);
        const double sign = rnd(0, 3) == 0 ? -1.0 : 1.0;
        p.left_shift = 20;
        quantized_multiplier(sa / twice_max, &p.a_multiplier, &p.a_shift);
        quantized_multiplier(sign * sb / twice_max, &p.b_multiplier, &p.b_shift);
        quantized_multiplier(twice_max / (1048576.0 * sy), &p.out_multiplier, &p.out_shift);
    } else { /* anything the struct allows, fast path or not */
        p.left_shift = rnd(0, 22);
        p.a_multiplier = (int32_t)next_u32();
        p.b_multiplier = (int32_t)next_u32();
        p.out_multiplier = (int32_t)next_u32();
        p.a_shift = rnd(-31, 2);
        p.b_shift = rnd(-31, 2);
        p.out_shift = rnd(-31, 2);
    }
    fill(xa, n);
    fill(xb, n);
    nnc_add_s8(&p, xa, xb, y_ref);
    nnc_add_s8_opt(&p, xa, xb, y_opt);
    hash(y_opt, n);
    return memcmp(y_ref, y_opt, (size_t)n) != 0;
}

static int32_t mul_case(void)
{
    nnc_mul_s8_params p;
    int32_t n;
    memset(&p, 0, sizeof p);
    n = random_broadcast(&p.rank, p.shape, p.a_strides, p.b_strides);
    p.a_offset = rnd(-127, 128);
    p.b_offset = rnd(-127, 128);
    p.output_offset = rnd(-128, 127);
    p.act_min = rnd(0, 1) ? -128 : rnd(-128, 0);
    p.act_max = rnd(0, 2) ? 127 : rnd(p.act_min, 127);
    if (rnd(0, 5) != 0) {
        const double sa = random_scale(), sb = random_scale(), sy = random_scale();
        quantized_multiplier(sa * sb / sy, &p.out_multiplier, &p.out_shift);
    } else {
        p.out_multiplier = (int32_t)next_u32();
        p.out_shift = rnd(-31, 8);
    }
    fill(xa, n);
    fill(xb, n);
    nnc_mul_s8(&p, xa, xb, y_ref);
    nnc_mul_s8_opt(&p, xa, xb, y_opt);
    hash(y_opt, n);
    return memcmp(y_ref, y_opt, (size_t)n) != 0;
}

/* The pooling kernels' definition, element by element as nnc_pool_s8.c had it before it summed
 * rows four at a time and added the offset once per window (the contract it must keep). */
static int32_t min_i32(int32_t a, int32_t b) { return a < b ? a : b; }
static int32_t max_i32(int32_t a, int32_t b) { return a > b ? a : b; }

static int32_t rounded_divide(int32_t acc, int32_t count)
{
    if (count <= 0) {
        return 0;
    }
    return (acc >= 0) ? (acc + count / 2) / count : (acc - count / 2) / count;
}

static void pool_definition(const nnc_pool_s8_params *q, const int8_t *x, int8_t *y, int32_t average)
{
    const nnc_pool_params *p = &q->geometry;
    int32_t r, oh, ow, ih, iw;
    for (r = 0; r < p->outer; ++r) {
        for (oh = 0; oh < p->out_h; ++oh) {
            const int32_t h0 = oh * p->stride_h - p->pad_h;
            const int32_t h1 = min_i32(h0 + p->kernel_h, p->in_h + p->pad_h);
            const int32_t hs = max_i32(h0, 0), he = min_i32(h1, p->in_h);
            for (ow = 0; ow < p->out_w; ++ow) {
                const int32_t w0 = ow * p->stride_w - p->pad_w;
                const int32_t w1 = min_i32(w0 + p->kernel_w, p->in_w + p->pad_w);
                const int32_t ws = max_i32(w0, 0), we = min_i32(w1, p->in_w);
                int32_t acc = 0;
                for (ih = hs; ih < he; ++ih) {
                    for (iw = ws; iw < we; ++iw) {
                        acc += (int32_t)x[(r * p->in_h + ih) * p->in_w + iw] + q->input_offset;
                    }
                }
                if (average) {
                    acc = rounded_divide(acc, p->including_pad ? (h1 - h0) * (w1 - w0)
                                                               : max_i32(he - hs, 0) * max_i32(we - ws, 0));
                }
                *y++ = nnc_output_s8(nnc_requantize(acc, q->multiplier, q->shift), q->output_offset,
                                     q->act_min, q->act_max);
            }
        }
    }
}

static void global_definition(const nnc_global_pool_s8_params *p, const int8_t *x, int8_t *y)
{
    int32_t r, i;
    for (r = 0; r < p->outer; ++r) {
        int32_t acc = 0;
        for (i = 0; i < p->size; ++i) {
            acc += (int32_t)x[r * p->size + i] + p->input_offset;
        }
        y[r] = nnc_output_s8(nnc_requantize(rounded_divide(acc, p->size), p->multiplier, p->shift),
                             p->output_offset, INT8_MIN, INT8_MAX);
    }
}

static void random_pool_requant(int32_t *multiplier, int32_t *shift)
{
    if (rnd(0, 3) != 0) {
        const double si = random_scale(), so = random_scale();
        quantized_multiplier(si / so, multiplier, shift);
    } else {
        *multiplier = (int32_t)next_u32();
        *shift = rnd(-31, 4);
    }
}

static int32_t pool_case(void)
{
    nnc_pool_s8_params q;
    nnc_pool_params *p = &q.geometry;
    const int32_t average = rnd(0, 3) != 0;
    int32_t n_x, n_y;
    memset(&q, 0, sizeof q);
    p->outer = rnd(1, 4);
    p->kernel_h = rnd(1, 6);
    p->kernel_w = rnd(1, 6);
    p->stride_h = rnd(1, 3);
    p->stride_w = rnd(1, 3);
    p->pad_h = rnd(0, p->kernel_h - 1 < 2 ? p->kernel_h - 1 : 2);
    p->pad_w = rnd(0, p->kernel_w - 1 < 2 ? p->kernel_w - 1 : 2);
    p->in_h = rnd(1, 12);
    p->in_w = rnd(1, 12);
    p->out_h = (p->in_h + 2 * p->pad_h - p->kernel_h) / p->stride_h + 1;
    p->out_w = (p->in_w + 2 * p->pad_w - p->kernel_w) / p->stride_w + 1;
    if (p->out_h < 1 || p->out_w < 1 || rnd(0, 5) == 0) { /* ceil-mode style: one more window */
        p->out_h = (p->out_h < 1 ? 0 : p->out_h) + 1;
        p->out_w = (p->out_w < 1 ? 0 : p->out_w) + 1;
    }
    p->including_pad = rnd(0, 1);
    q.input_offset = rnd(-127, 128);
    q.output_offset = rnd(-128, 127);
    random_pool_requant(&q.multiplier, &q.shift);
    q.act_min = rnd(0, 1) ? -128 : rnd(-128, 0);
    q.act_max = rnd(0, 2) ? 127 : rnd(q.act_min, 127);
    n_x = p->outer * p->in_h * p->in_w;
    n_y = p->outer * p->out_h * p->out_w;
    fill(xa, n_x);
    pool_definition(&q, xa, y_ref, average);
    if (average) {
        nnc_avgpool_s8(&q, xa, y_opt);
    } else {
        nnc_sumpool_s8(&q, xa, y_opt);
    }
    hash(y_opt, n_y);
    return memcmp(y_ref, y_opt, (size_t)n_y) != 0;
}

static int32_t global_pool_case(void)
{
    nnc_global_pool_s8_params p;
    p.outer = rnd(1, 8);
    p.size = rnd(0, 4) == 0 ? rnd(0, 3) : rnd(1, 300);
    p.input_offset = rnd(-127, 128);
    p.output_offset = rnd(-128, 127);
    random_pool_requant(&p.multiplier, &p.shift);
    fill(xa, p.outer * p.size);
    global_definition(&p, xa, y_ref);
    nnc_global_avgpool_s8(&p, xa, y_opt);
    hash(y_opt, p.outer);
    return memcmp(y_ref, y_opt, (size_t)p.outer) != 0;
}

/* Constant Pad (nnc_pad_s8's plane path when only H and W are padded, else its general walk)
 * against the definition: y = x where the index minus pad_before is inside x, else the value. */
static int32_t pad_case(void)
{
    nnc_pad_params p;
    const int32_t rank = rnd(2, 4), leading = rnd(0, 3) == 0;
    int32_t d, i, n_x = 1, n_y = 1, y_shape[NNC_MAX_DIMS], idx[NNC_MAX_DIMS];
    const int8_t value = (int8_t)rnd(-128, 127);
    memset(&p, 0, sizeof p);
    p.rank = rank;
    p.mode = NNC_PAD_CONSTANT;
    for (d = 0; d < rank; ++d) {
        const int32_t spatial = d >= rank - 2;
        p.x_shape[d] = rnd(1, spatial ? 13 : 3);
        p.pad_before[d] = (spatial || leading) ? rnd(0, 3) : 0;
        p.pad_after[d] = (spatial || leading) ? rnd(0, 3) : 0;
        y_shape[d] = p.pad_before[d] + p.x_shape[d] + p.pad_after[d];
        n_x *= p.x_shape[d];
        n_y *= y_shape[d];
    }
    fill(xa, n_x);
    for (i = 0; i < n_y; ++i) { /* the definition, index by index */
        int32_t rest = i, src = 0, inside = 1;
        for (d = rank - 1; d >= 0; --d) {
            idx[d] = rest % y_shape[d];
            rest /= y_shape[d];
        }
        for (d = 0; d < rank; ++d) {
            const int32_t s = idx[d] - p.pad_before[d];
            inside = inside && s >= 0 && s < p.x_shape[d];
            src = src * p.x_shape[d] + s;
        }
        y_ref[i] = inside ? xa[src] : value;
    }
    nnc_pad_s8(&p, value, xa, y_opt);
    hash(y_opt, n_y);
    return memcmp(y_ref, y_opt, (size_t)n_y) != 0;
}

/* kws's final AveragePooling (64 channels, the whole 25 x 5 map), definition vs kernel. */
static void kws_pool_timing(void)
{
    nnc_pool_s8_params q;
    nnc_pool_params *p = &q.geometry;
    memset(&q, 0, sizeof q);
    p->outer = 64;
    p->in_h = p->kernel_h = p->stride_h = 25;
    p->in_w = p->kernel_w = p->stride_w = 5;
    p->out_h = p->out_w = 1;
    q.input_offset = 128;
    q.output_offset = -128;
    quantized_multiplier(0.9, &q.multiplier, &q.shift);
    q.act_min = -128;
    q.act_max = 127;
    fill(xa, 64 * 125);
    M4_BENCH(pool_definition(&q, xa, y_ref, 1));
    M4_BENCH(nnc_avgpool_s8(&q, xa, y_opt));
    printf("kws avgpool: %s\n", memcmp(y_ref, y_opt, 64) == 0 ? "identical" : "DIFFERENT");
}

/* ic's residual Add2 + ReLU (16 x 32 x 32, 32 x 16 x 16, 64 x 8 x 8), reference vs fast. */
static void ic_timing(void)
{
    static const int32_t shapes[3][3] = {{16, 32, 32}, {32, 16, 16}, {64, 8, 8}};
    int32_t s;
    for (s = 0; s < 3; ++s) {
        nnc_add_s8_params p;
        const int32_t n = shapes[s][0] * shapes[s][1] * shapes[s][2];
        memset(&p, 0, sizeof p);
        p.rank = 4;
        p.shape[0] = 1;
        p.shape[1] = shapes[s][0];
        p.shape[2] = shapes[s][1];
        p.shape[3] = shapes[s][2];
        p.a_strides[3] = p.b_strides[3] = 1;
        p.a_strides[2] = p.b_strides[2] = shapes[s][2];
        p.a_strides[1] = p.b_strides[1] = shapes[s][1] * shapes[s][2];
        p.a_strides[0] = p.b_strides[0] = n;
        p.a_offset = 12;
        p.b_offset = -3;
        p.left_shift = 20;
        quantized_multiplier(0.5, &p.a_multiplier, &p.a_shift);
        quantized_multiplier(0.031 / (2.0 * 0.046), &p.b_multiplier, &p.b_shift);
        quantized_multiplier(2.0 * 0.046 / (1048576.0 * 0.05), &p.out_multiplier, &p.out_shift);
        p.output_offset = -128;
        p.act_min = -128;
        p.act_max = 127;
        fill(xa, n);
        fill(xb, n);
        M4_BENCH(nnc_add_s8(&p, xa, xb, y_ref));
        M4_BENCH(nnc_add_s8_opt(&p, xa, xb, y_opt));
        printf("ic add %d: %d elements %s\n", (int)s + 1, (int)n,
               memcmp(y_ref, y_opt, (size_t)n) == 0 ? "identical" : "DIFFERENT");
    }
}

int main(void)
{
    int32_t r, cases = 0, bad = 0;
    for (r = 0; r < SWEEP_ROUNDS; ++r) {
        bad += add_case();
        bad += mul_case();
        bad += pool_case();
        bad += global_pool_case();
        bad += pad_case();
        cases += 5;
    }
    printf("kernels %s\n", SWEEP_DSP_PATH);
    printf("cases %d mismatches %d checksum %08lx\n", (int)cases, (int)bad, (unsigned long)*sweep_checksum());
    ic_timing();
    kws_pool_timing();
    return bad != 0;
}
