/*
 * nnc_softmax_tfl_s8.c — TFLite's int8 softmax in integers only (reference/softmax.h with
 * gemmlowp's fixed point), for imported int8 .tflite models. See nnc_int8.h. Mirrors
 * Int8Kernels.softmaxTFLite and NNIR's Gemmlowp (GetReciprocal, one_over_one_plus_x_for_x_in_0_1)
 * in Swift.
 *
 * gemmlowp's fixed-point + and - wrap; here they are formed in uint32_t (defined in C99) and
 * read back as int32_t. The sum of exps stays below 2^28 for axis_size <= 511, so it never wraps.
 */
#include "nnc_int8.h"

static int32_t wrap_add(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

static int32_t wrap_sub(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a - (uint32_t)b);
}

/* gemmlowp SaturatingRoundingMultiplyByPOT<e> for e in 1..31: x * 2^e, saturating. */
static int32_t sat_shift_left(int32_t x, int32_t e)
{
    const int32_t threshold = (int32_t)((INT64_C(1) << (31 - e)) - 1);
    if (x > threshold) {
        return INT32_MAX;
    }
    if (x < -threshold) {
        return INT32_MIN;
    }
    return (int32_t)((uint32_t)x << e);
}

/* gemmlowp RoundingHalfSum: (a + b) / 2, rounded half away from zero. */
static int32_t rounding_half_sum(int32_t a, int32_t b)
{
    const int64_t sum = (int64_t)a + (int64_t)b;
    return (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/* gemmlowp one_over_one_plus_x_for_x_in_0_1 (Q0.31 in and out): Newton-Raphson, three steps. */
static int32_t one_over_one_plus_x(int32_t a)
{
    const int32_t half_denominator = rounding_half_sum(a, INT32_MAX);
    int32_t x = wrap_add(INT32_C(1515870810), nnc_sat_rounding_doubling_high_mul(half_denominator, INT32_C(-1010580540)));
    int i;
    for (i = 0; i < 3; ++i) {
        const int32_t one_minus = wrap_sub(INT32_C(1) << 29, nnc_sat_rounding_doubling_high_mul(half_denominator, x));
        x = wrap_add(x, sat_shift_left(nnc_sat_rounding_doubling_high_mul(x, one_minus), 2));
    }
    return sat_shift_left(x, 1);
}

/* Leading zero bits of a non-zero 32-bit value. */
static int32_t count_leading_zeros(uint32_t v)
{
    int32_t n = 0;
    while ((v & UINT32_C(0x80000000)) == 0) {
        v <<= 1;
        ++n;
    }
    return n;
}

void nnc_softmax_tfl_s8(const nnc_softmax_params *p, const int32_t *exp_table, const int8_t *x, int8_t *y)
{
    const int32_t size1 = p->axis_size, size2 = p->inner;
    int32_t i0, i1, i2;

    for (i0 = 0; i0 < p->outer; ++i0) {
        for (i2 = 0; i2 < size2; ++i2) {
            const int32_t j = i0 * size1 * size2 + i2;
            int32_t max_x = x[j];
            int32_t sum = 0, headroom_plus_one, scale, exponent;
            for (i1 = 0; i1 < size1; ++i1) {
                const int32_t v = x[j + i1 * size2];
                max_x = (max_x >= v) ? max_x : v;
            }
            for (i1 = 0; i1 < size1; ++i1) {
                sum += nnc_rounding_divide_by_pot(exp_table[max_x - (int32_t)x[j + i1 * size2]], 12);
            }
            /* GetReciprocal(sum, 12): 1 / sum = scale * 2^-(12 - headroom_plus_one). */
            headroom_plus_one = count_leading_zeros((uint32_t)sum);
            scale = one_over_one_plus_x(
                (int32_t)(((uint32_t)sum << headroom_plus_one) - (UINT32_C(1) << 31)));
            exponent = 12 - headroom_plus_one + 31 - 8;
            for (i1 = 0; i1 < size1; ++i1) {
                const int32_t k = j + i1 * size2;
                const int32_t e = exp_table[max_x - (int32_t)x[k]];
                const int32_t v = nnc_rounding_divide_by_pot(nnc_sat_rounding_doubling_high_mul(scale, e), exponent) - 128;
                y[k] = (int8_t)(v < -128 ? -128 : (v > 127 ? 127 : v));
            }
        }
    }
}
