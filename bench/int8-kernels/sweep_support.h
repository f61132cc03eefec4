/*
 * sweep_support.h — what every program in bench/int8-kernels/ shares: M4_BENCH (m4bench.h when
 * m4run builds it, the bare statement on the host), a seeded xorshift32 generator, the FNV-1a
 * checksum of output bytes that the host and the emulated M4 runs must agree on, which nnc_dsp.h
 * path was built, and where the optimized kernels' packed weight layout puts a byte. Each program is
 * one translation unit: define SWEEP_SEED (if not 12345) before including this.
 */
#ifndef SWEEP_SUPPORT_H
#define SWEEP_SUPPORT_H

#include <stdint.h>

#ifdef M4RUN_TARGET
#include "m4bench.h"
#else
#define M4_BENCH(stmt) stmt
#endif

#ifndef SWEEP_SEED
#define SWEEP_SEED 12345u
#endif

/* State lives in function-local statics, so a program that uses only part of this has no unused
 * variables to warn about. */
static inline uint32_t *sweep_rng_state(void)
{
    static uint32_t state = SWEEP_SEED;
    return &state;
}

static inline uint32_t next_u32(void)
{
    uint32_t *s = sweep_rng_state();
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* Uniform in [lo, hi] (modulo bias is irrelevant here). */
static inline int32_t rnd(int32_t lo, int32_t hi) { return lo + (int32_t)(next_u32() % (uint32_t)(hi - lo + 1)); }

static inline uint32_t *sweep_checksum(void)
{
    static uint32_t sum = UINT32_C(2166136261);
    return &sum;
}

/* Folds n output bytes into the checksum. */
static inline void hash(const int8_t *p, int32_t n)
{
    uint32_t *sum = sweep_checksum();
    int32_t i;
    for (i = 0; i < n; ++i) {
        *sum = (*sum ^ (uint8_t)p[i]) * 16777619u;
    }
}

/* Which nnc_dsp.h path the kernels were built with: the tests check the target run took the
 * instructions and the host run the portable C. */
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
#define SWEEP_DSP_PATH "dsp"
#else
#define SWEEP_DSP_PATH "portable"
#endif

/* Where byte k of channel c (of a group of per_group) goes inside its group, in the layout of
 * nnc_int8.h: blocks of four channels, then one of two, then one; per k pair 2n bytes, each two
 * channels (a, b) as a.k0, b.k0, a.k1, b.k1. */
static inline int32_t packed_at(int32_t c, int32_t k, int32_t per_group, int32_t k_padded)
{
    const int32_t fours = per_group - per_group % 4;
    int32_t block, n, l;
    if (c < fours) {
        block = c - c % 4;
        n = 4;
    } else if (fours + 2 <= per_group && c < fours + 2) {
        block = fours;
        n = 2;
    } else {
        block = c;
        n = 1;
    }
    l = c - block;
    return block * k_padded + (k / 2) * 2 * n + (n == 1 ? k % 2 : 4 * (l / 2) + 2 * (k % 2) + l % 2);
}

#endif /* SWEEP_SUPPORT_H */
