/*
 * nnc_dsp.h — the few Cortex-M4 DSP instructions the optimized int8 kernels use, each with a
 * portable C99 twin that gives the same bits, so one kernel source runs on the target and on the
 * host (where the tests check it byte for byte against the reference kernels).
 *
 * With __ARM_FEATURE_DSP (Cortex-M4/M7/M33 with the DSP extension) each helper is one
 * instruction (inline asm, so no CMSIS or arm_acle.h is needed); otherwise plain C.
 *
 * Packed values are uint32_t holding two int16 halves (lo = bits 0..15) or four int8 bytes
 * (b0 = bits 0..7). Reads and writes go through memcpy, so they are legal at any alignment and
 * compile to one LDR/STR on the M4 (which allows unaligned word access).
 *
 *   nnc_smlad(x, y, acc)     acc + x.lo * y.lo + x.hi * y.hi     (wraps modulo 2^32 like SMLAD)
 *   nnc_sxtb16(x)            (sext(b0), sext(b2))                SXTB16 x
 *   nnc_sxtb16_ror8(x)       (sext(b1), sext(b3))                SXTB16 x, ROR #8
 *   nnc_pkhbt_lsl16(a, b)    (a.lo, b.lo)                         PKHBT a, b, LSL #16
 *   nnc_pkhtb_asr16(a, b)    (b.hi, a.hi)                         PKHTB a, b, ASR #16
 *   nnc_smlabb(x, w, acc)    acc + x.lo * w.lo                   SMLABB (wraps)
 *   nnc_smlatb(x, w, acc)    acc + x.hi * w.lo                   SMLATB (wraps)
 *   nnc_smmulr(a, b)         (a * b + 2^31) >> 32                SMMULR (high word, rounded)
 *   nnc_smmlar(a, b, c)      c + nnc_smmulr(a, b)                SMMLAR (wraps)
 *   nnc_ssat8(v)             v clamped to [-128, 127]            SSAT #8
 *
 * Four int8 bytes to two int16 pairs in order: e = sxtb16(w), o = sxtb16_ror8(w);
 * (b0, b1) = pkhbt_lsl16(e, o), (b2, b3) = pkhtb_asr16(o, e).
 */
#ifndef NNC_DSP_H
#define NNC_DSP_H

#include <string.h>

#include "nnc_types.h"

static inline uint32_t nnc_read_u32(const void *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void nnc_write_u32(void *p, uint32_t v)
{
    memcpy(p, &v, sizeof v);
}

/* Marks a deliberate switch fall-through for clang's and gcc's -Wimplicit-fallthrough. C99 has no
 * [[fallthrough]], so the GNU attribute where the compiler has it, else an empty statement. */
#if defined(__has_attribute)
#if __has_attribute(fallthrough)
#define NNC_FALLTHROUGH __attribute__((fallthrough))
#endif
#endif
#ifndef NNC_FALLTHROUGH
#define NNC_FALLTHROUGH ((void)0)
#endif

#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)

/* Keeps gcc from hoisting the loads of an unrolled loop's next step above this point, which
 * would need more registers than the M4 has and spill accumulators. Code only: no instruction. */
#define NNC_DSP_SCHEDULE_BARRIER() __asm__ volatile("" ::: "memory")

/* The accumulator is tied in and out ("+r") so gcc keeps it in one register. */
static inline int32_t nnc_smlad(uint32_t x, uint32_t y, int32_t acc)
{
    __asm__("smlad %0, %1, %2, %0" : "+r"(acc) : "r"(x), "r"(y));
    return acc;
}

static inline uint32_t nnc_sxtb16(uint32_t x)
{
    uint32_t r;
    __asm__("sxtb16 %0, %1" : "=r"(r) : "r"(x));
    return r;
}

static inline uint32_t nnc_sxtb16_ror8(uint32_t x)
{
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
}

static inline uint32_t nnc_pkhbt_lsl16(uint32_t a, uint32_t b)
{
    uint32_t r;
    __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

static inline uint32_t nnc_pkhtb_asr16(uint32_t a, uint32_t b)
{
    uint32_t r;
    __asm__("pkhtb %0, %1, %2, asr #16" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

/* SMLABB / SMLATB: acc + (bottom / top half of x) * (bottom half of w), halves as int16. */
static inline int32_t nnc_smlabb(uint32_t x, int32_t w, int32_t acc)
{
    __asm__("smlabb %0, %1, %2, %0" : "+r"(acc) : "r"(x), "r"(w));
    return acc;
}

static inline int32_t nnc_smlatb(uint32_t x, int32_t w, int32_t acc)
{
    __asm__("smlatb %0, %1, %2, %0" : "+r"(acc) : "r"(x), "r"(w));
    return acc;
}

static inline int32_t nnc_smmulr(int32_t a, int32_t b)
{
    int32_t r;
    __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

/* c lands in the high word of the 64-bit sum, so the low word rounds as in SMMULR. */
static inline int32_t nnc_smmlar(int32_t a, int32_t b, int32_t c)
{
    int32_t r;
    __asm__("smmlar %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(c));
    return r;
}

static inline int32_t nnc_ssat8(int32_t v)
{
    int32_t r;
    __asm__("ssat %0, #8, %1" : "=r"(r) : "r"(v));
    return r;
}

#else /* portable C99: the same bits */

#define NNC_DSP_SCHEDULE_BARRIER() ((void)0)

/* The int16 in bits 16*half .. 16*half+15 of x, without implementation-defined conversions. */
static inline int32_t nnc_half_s16(uint32_t x, int32_t half)
{
    const int32_t v = (int32_t)((x >> (16 * half)) & UINT32_C(0xFFFF));
    return (v & INT32_C(0x8000)) ? v - INT32_C(0x10000) : v;
}

static inline uint32_t nnc_byte_sext16(uint32_t x, int32_t byte)
{
    const uint32_t b = (x >> (8 * byte)) & UINT32_C(0xFF);
    return (b & UINT32_C(0x80)) ? (b | UINT32_C(0xFF00)) : b;
}

static inline int32_t nnc_smlad(uint32_t x, uint32_t y, int32_t acc)
{
    const int32_t lo = nnc_half_s16(x, 0) * nnc_half_s16(y, 0);
    const int32_t hi = nnc_half_s16(x, 1) * nnc_half_s16(y, 1);
    /* In uint32_t so the sum wraps like the instruction; the conversion back is two's complement
     * on every compiler we support (see nnc_int8.h). */
    return (int32_t)((uint32_t)acc + (uint32_t)lo + (uint32_t)hi);
}

static inline uint32_t nnc_sxtb16(uint32_t x)
{
    return nnc_byte_sext16(x, 0) | (nnc_byte_sext16(x, 2) << 16);
}

static inline uint32_t nnc_sxtb16_ror8(uint32_t x)
{
    return nnc_byte_sext16(x, 1) | (nnc_byte_sext16(x, 3) << 16);
}

static inline uint32_t nnc_pkhbt_lsl16(uint32_t a, uint32_t b)
{
    return (a & UINT32_C(0xFFFF)) | (b << 16);
}

static inline uint32_t nnc_pkhtb_asr16(uint32_t a, uint32_t b)
{
    return (a & UINT32_C(0xFFFF0000)) | (b >> 16);
}

static inline int32_t nnc_smlabb(uint32_t x, int32_t w, int32_t acc)
{
    return (int32_t)((uint32_t)acc + (uint32_t)(nnc_half_s16(x, 0) * nnc_half_s16((uint32_t)w, 0)));
}

static inline int32_t nnc_smlatb(uint32_t x, int32_t w, int32_t acc)
{
    return (int32_t)((uint32_t)acc + (uint32_t)(nnc_half_s16(x, 1) * nnc_half_s16((uint32_t)w, 0)));
}

/* The product fits int64 and adding 2^31 cannot overflow it; >> of a negative int64 is an
 * arithmetic shift on every compiler we support (see nnc_int8.h). */
static inline int32_t nnc_smmulr(int32_t a, int32_t b)
{
    return (int32_t)(((int64_t)a * (int64_t)b + (INT64_C(1) << 31)) >> 32);
}

static inline int32_t nnc_smmlar(int32_t a, int32_t b, int32_t c)
{
    return (int32_t)((uint32_t)c + (uint32_t)nnc_smmulr(a, b));
}

static inline int32_t nnc_ssat8(int32_t v)
{
    return v < -128 ? -128 : (v > 127 ? 127 : v);
}

#endif

#endif /* NNC_DSP_H */
