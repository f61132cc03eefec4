/*
 * nnc_arith_s8_opt.c — nnc_add_s8 (Add2 / Sub2) and nnc_mul_s8 with the same bytes, faster.
 *
 * The output is walked as in nnc_add_s8, but in rows: the longest run of trailing axes that
 * each operand walks with stride 1 (the whole tensor when neither is broadcast) or stride 0 (a
 * broadcast value, whose requantized term is computed once per row). Where the parameters allow
 * it (every shift <= 0, |offsets| <= 128, left_shift <= 20: all the quantizer emits), every
 * requantization is the table's rule merged into one SMMLAR (nnc_dsp.h) and a shift (nnc_requantize2 below);
 * the quantizer's usual Add (left_shift 20, normalized multipliers) gets a dense loop of its own.
 * Anything else goes to the reference kernel. The bytes are checked against the reference on
 * the host and the emulated M4 by bench/int8-kernels/eltwise_sweep.c.
 */
#include "nnc_int8.h"
#include "nnc_dsp.h"

/* One requantization, RDBP(SRDHM(x, m), e) with m > 0 and e = -shift in [0, 31], from x2 = 2x
 * (|x2| < 2^30). SRDHM is floor((xm + 2^30) / 2^31) and RDBP(t, e >= 1) is
 * floor((t + 2^(e-1) - [t < 0]) / 2^e); nested floors with an integer added in between merge, so
 *   r = floor((2xm + 2^31 + k * 2^32) / 2^32) >> e,   k = 2^(e-1) - [t < 0]  (k = 0 for e = 0),
 * the high word of k 2^32 + 2xm + 2^31: one SMMLAR. And t < 0 exactly when
 * xm < -2^30, that is x + floor(2^30 / m) < 0: the sign of x2 + cc with cc = min(2 floor(2^30/m),
 * 2^30) (cc = 2^30 keeps the sign positive for e = 0 and m = 0). */
typedef struct {
    int32_t multiplier, exponent, half, cc;
} nnc_requant2;

static nnc_requant2 nnc_requant2_of(int32_t multiplier, int32_t shift)
{
    nnc_requant2 r;
    r.multiplier = multiplier;
    r.exponent = -shift;
    r.half = (shift < 0) ? (int32_t)(INT32_C(1) << (-shift - 1)) : 0;
    if (shift == 0 || multiplier == 0) {
        r.cc = INT32_C(1) << 30;
    } else {
        const int32_t c = (int32_t)((INT32_C(1) << 30) / multiplier);
        r.cc = (c >= (INT32_C(1) << 29)) ? (INT32_C(1) << 30) : 2 * c;
    }
    return r;
}

static inline int32_t nnc_requantize2(int32_t x2, int32_t multiplier, int32_t exponent, int32_t half,
                                      int32_t cc)
{
    return nnc_smmlar(x2, multiplier, half + ((x2 + cc) >> 31)) >> exponent;
}

/* An operand's term of the Add: x2 = 2 (q + offset) 2^left_shift = q * scale2 + offset2, with
 * the signs of scale2 and offset2 flipped when the multiplier is negative (Sub2), so that the
 * multiplier is positive and the product the same. */
typedef struct {
    int32_t scale2, offset2;
    nnc_requant2 r;
} nnc_add_term;

static nnc_add_term nnc_add_term_of(int32_t offset, int32_t left_shift, int32_t multiplier, int32_t shift)
{
    nnc_add_term t;
    const int32_t sign = (multiplier < 0) ? -1 : 1;
    t.scale2 = sign * (INT32_C(1) << (left_shift + 1));
    t.offset2 = offset * t.scale2;
    t.r = nnc_requant2_of(sign * multiplier, shift);
    return t;
}

static inline int32_t nnc_add_term_value(const nnc_add_term *t, int32_t q)
{
    return nnc_requantize2(q * t->scale2 + t->offset2, t->r.multiplier, t->r.exponent, t->r.half, t->r.cc);
}

static int32_t nnc_offset_ok(int32_t offset) { return offset >= -128 && offset <= 128; }

/* The mode of an operand's row after one more axis of stride `stride` joins a row of n
 * elements: 1 dense (the axis continues the contiguous run), 0 broadcast (stride 0 throughout),
 * -1 neither; mode is the row's mode so far (-1 when the row has no axis longer than one). */
static int32_t nnc_row_mode(int32_t mode, int32_t stride, int32_t n)
{
    if (stride == 0 && mode != 1) {
        return 0;
    }
    if (stride == n && mode != 0) {
        return 1;
    }
    return -1;
}

/* The dense row for the quantizer's parameters, one function per combination of: a's multiplier
 * is exactly 1/2 (the operand with the larger scale), b's is, b's is negative (Sub2), act_min is
 * above -128, so that the
 * loop keeps its constants in registers. With left_shift 20: a term of real multiplier 1/2 is
 * SRDHM((q + offset) 2^20, 2^30) = (q + offset) 2^19 exactly; any other has an exponent >= 1 and
 * |m| > 2^10, and then x2 = (q + offset) 2^21 is a multiple of 2^21 > cc, so t < 0 exactly when
 * x2 < 0. The output multiplier is > 2^30 with an exponent >= 1 (cc = 0 likewise), and
 * act_max is 127, so the clamp is SSAT #8 and a maximum with act_min (none when it is -128: a
 * fourth flag). The output offset joins
 * the rounding constant: (h + half + offset 2^e) >> e = ((h + half) >> e) + offset, with
 * e <= 22 so that |offset 2^e| <= 2^29 (|h| < 2^29: no overflow). */
#define NNC_ADD_DENSE20(suffix, A_HALF, B_HALF, B_NEG, LOW_CLAMP)                                 \
    static void nnc_add_dense20_##suffix(const nnc_add_term *ta, const nnc_add_term *tb, const nnc_requant2 *to,     \
                     int32_t act_min, int32_t out_offset, const int8_t *a, const int8_t *b,      \
                     int8_t *y, int32_t n)                                                       \
    {                                                                                            \
        const int32_t a_o2 = ta->offset2, a_mul = ta->r.multiplier, a_exp = ta->r.exponent;      \
        const int32_t a_half = ta->r.half;                                                       \
        const int32_t b_o2 = tb->offset2, b_mul = tb->r.multiplier, b_exp = tb->r.exponent;      \
        const int32_t b_half = tb->r.half;                                                       \
        const int32_t o_mul = to->multiplier, o_exp = to->exponent;                              \
        const int32_t o_k = to->half + out_offset * (INT32_C(1) << o_exp);                      \
        /* Indexed from the ends with j counting up to 0: the increment sets the loop's flags. */ \
        const int8_t *a_end = a + n, *b_end = b + n;                                             \
        int8_t *y_end = y + n;                                                                   \
        int32_t j;                                                                               \
        for (j = -n; j != 0; ++j) {                                                              \
            const int32_t xa = a_o2 + (int32_t)a_end[j] * INT32_C(2097152);                      \
            const int32_t xb = (B_NEG) ? b_o2 - (int32_t)b_end[j] * INT32_C(2097152)             \
                                       : b_o2 + (int32_t)b_end[j] * INT32_C(2097152);            \
            /* 2 (a' + b'): a half term doubled is xa / 2, exactly. */                                  \
            const int32_t a2 = (A_HALF) ? (xa >> 1)                                                \
                                        : 2 * (nnc_smmlar(xa, a_mul, a_half + (xa >> 31)) >> a_exp); \
            const int32_t b2 = (B_HALF) ? (xb >> 1)                                                \
                                        : 2 * (nnc_smmlar(xb, b_mul, b_half + (xb >> 31)) >> b_exp); \
            const int32_t x2 = a2 + b2;                                                          \
            const int32_t r = nnc_ssat8(nnc_smmlar(x2, o_mul, o_k + (x2 >> 31)) >> o_exp);       \
            y_end[j] = (int8_t)((LOW_CLAMP && r < act_min) ? act_min : r);                       \
        }                                                                                        \
    }
NNC_ADD_DENSE20(0000, 0, 0, 0, 0)
NNC_ADD_DENSE20(0001, 0, 0, 0, 1)
NNC_ADD_DENSE20(0010, 0, 0, 1, 0)
NNC_ADD_DENSE20(0011, 0, 0, 1, 1)
NNC_ADD_DENSE20(0100, 0, 1, 0, 0)
NNC_ADD_DENSE20(0101, 0, 1, 0, 1)
NNC_ADD_DENSE20(0110, 0, 1, 1, 0)
NNC_ADD_DENSE20(0111, 0, 1, 1, 1)
NNC_ADD_DENSE20(1000, 1, 0, 0, 0)
NNC_ADD_DENSE20(1001, 1, 0, 0, 1)
NNC_ADD_DENSE20(1010, 1, 0, 1, 0)
NNC_ADD_DENSE20(1011, 1, 0, 1, 1)
NNC_ADD_DENSE20(1100, 1, 1, 0, 0)
NNC_ADD_DENSE20(1101, 1, 1, 0, 1)
NNC_ADD_DENSE20(1110, 1, 1, 1, 0)
NNC_ADD_DENSE20(1111, 1, 1, 1, 1)

typedef void (*nnc_add_dense_fn)(const nnc_add_term *, const nnc_add_term *, const nnc_requant2 *,
                                 int32_t, int32_t, const int8_t *, const int8_t *, int8_t *, int32_t);

/* A term's multiplier is exactly 1/2 (1), or normalized with an exponent >= 1 (0); else -1. */
static int32_t nnc_half_term(int32_t multiplier, int32_t shift)
{
    const int32_t m = (multiplier < 0) ? -multiplier : multiplier;
    if (multiplier == INT32_MIN) {
        return -1;
    }
    if (shift == 0) {
        return (multiplier == (INT32_C(1) << 30)) ? 1 : -1;
    }
    return (m > (INT32_C(1) << 10)) ? 0 : -1;
}

/* The specialized dense row for these parameters, or NULL. */
static nnc_add_dense_fn nnc_add_dense20(const nnc_add_s8_params *p)
{
    static const nnc_add_dense_fn table[16] = {
        nnc_add_dense20_0000, nnc_add_dense20_0001, nnc_add_dense20_0010, nnc_add_dense20_0011,
        nnc_add_dense20_0100, nnc_add_dense20_0101, nnc_add_dense20_0110, nnc_add_dense20_0111,
        nnc_add_dense20_1000, nnc_add_dense20_1001, nnc_add_dense20_1010, nnc_add_dense20_1011,
        nnc_add_dense20_1100, nnc_add_dense20_1101, nnc_add_dense20_1110, nnc_add_dense20_1111};
    const int32_t ha = nnc_half_term(p->a_multiplier, p->a_shift);
    const int32_t hb = nnc_half_term(p->b_multiplier, p->b_shift);
    if (p->left_shift != 20 || ha < 0 || hb < 0 || p->a_multiplier < 0 ||
        p->out_multiplier <= (INT32_C(1) << 30) || p->out_shift >= 0 || p->out_shift < -22 || p->act_max != 127 ||
        p->output_offset < -128 || p->output_offset > 127) {
        return NULL;
    }
    return table[ha * 8 + hb * 4 + (p->b_multiplier < 0) * 2 + (p->act_min > -128)];
}

/* y[j] for j < n, where a and b step by sa, sb in {0, 1}; lo, hi: the clamp minus the output
 * offset. */
static void nnc_add_row(const nnc_add_term *ta, const nnc_add_term *tb, const nnc_requant2 *to,
                        int32_t lo, int32_t hi, int32_t out_offset, const int8_t *a, int32_t sa,
                        const int8_t *b, int32_t sb, int8_t *y, int32_t n)
{
    const int32_t o_mul = to->multiplier, o_exp = to->exponent, o_half = to->half, o_cc = to->cc;
    int32_t j;
    if (sa == 1 && sb == 1) {
        const int32_t a_s2 = ta->scale2, a_o2 = ta->offset2, a_mul = ta->r.multiplier;
        const int32_t a_exp = ta->r.exponent, a_half = ta->r.half, a_cc = ta->r.cc;
        const int32_t b_s2 = tb->scale2, b_o2 = tb->offset2, b_mul = tb->r.multiplier;
        const int32_t b_exp = tb->r.exponent, b_half = tb->r.half, b_cc = tb->r.cc;
        for (j = 0; j < n; ++j) {
            const int32_t va = nnc_requantize2((int32_t)a[j] * a_s2 + a_o2, a_mul, a_exp, a_half, a_cc);
            const int32_t vb = nnc_requantize2((int32_t)b[j] * b_s2 + b_o2, b_mul, b_exp, b_half, b_cc);
            int32_t r = nnc_requantize2(2 * (va + vb), o_mul, o_exp, o_half, o_cc);
            r = (r < lo) ? lo : r;
            r = (r > hi) ? hi : r;
            y[j] = (int8_t)(r + out_offset);
        }
    } else if (sa == 1 || sb == 1) {
        /* One operand is broadcast along the row: its term is one value. */
        const nnc_add_term *tv = (sa == 1) ? ta : tb;
        const int8_t *v = (sa == 1) ? a : b;
        const int32_t c = (sa == 1) ? nnc_add_term_value(tb, b[0]) : nnc_add_term_value(ta, a[0]);
        const int32_t v_s2 = tv->scale2, v_o2 = tv->offset2, v_mul = tv->r.multiplier;
        const int32_t v_exp = tv->r.exponent, v_half = tv->r.half, v_cc = tv->r.cc;
        for (j = 0; j < n; ++j) {
            const int32_t vv = nnc_requantize2((int32_t)v[j] * v_s2 + v_o2, v_mul, v_exp, v_half, v_cc);
            int32_t r = nnc_requantize2(2 * (vv + c), o_mul, o_exp, o_half, o_cc);
            r = (r < lo) ? lo : r;
            r = (r > hi) ? hi : r;
            y[j] = (int8_t)(r + out_offset);
        }
    } else {
        const int32_t c = nnc_add_term_value(ta, a[0]) + nnc_add_term_value(tb, b[0]);
        int32_t r = nnc_requantize2(2 * c, o_mul, o_exp, o_half, o_cc);
        r = (r < lo) ? lo : r;
        r = (r > hi) ? hi : r;
        for (j = 0; j < n; ++j) {
            y[j] = (int8_t)(r + out_offset);
        }
    }
}

/* Moves the odometer over the axes before `inner` one position on, updating the offsets of a
 * and b; returns 0 after the last position. */
static int32_t nnc_next(int32_t inner, const int32_t *shape, const int32_t *a_strides,
                        const int32_t *b_strides, int32_t *idx, int32_t *ao, int32_t *bo)
{
    int32_t d;
    for (d = inner - 1; d >= 0; --d) {
        *ao += a_strides[d];
        *bo += b_strides[d];
        if (++idx[d] < shape[d]) {
            return 1;
        }
        *ao -= a_strides[d] * shape[d];
        *bo -= b_strides[d] * shape[d];
        idx[d] = 0;
    }
    return 0;
}

/* Splits the output into rows (see the top): the axes before `*inner` are walked by the
 * odometer, each row is *n elements along which a steps by *sa and b by *sb (0 or 1). Returns 0
 * when the output is empty (nothing to do), -1 when the strides make no such row. */
static int32_t nnc_rows(int32_t rank, const int32_t *shape, const int32_t *a_strides,
                        const int32_t *b_strides, int32_t *idx, int32_t *inner, int32_t *n,
                        int32_t *sa, int32_t *sb)
{
    int32_t d;
    for (d = 0; d < rank; ++d) {
        if (shape[d] <= 0) {
            return 0;
        }
        idx[d] = 0;
    }
    *inner = rank;
    *n = 1;
    *sa = -1;
    *sb = -1;
    while (*inner > 0) {
        const int32_t len = shape[*inner - 1];
        if (len != 1) {
            const int32_t a_mode = nnc_row_mode(*sa, a_strides[*inner - 1], *n);
            const int32_t b_mode = nnc_row_mode(*sb, b_strides[*inner - 1], *n);
            if (a_mode < 0 || b_mode < 0) {
                break;
            }
            *sa = a_mode;
            *sb = b_mode;
        }
        *n *= len;
        --*inner;
    }
    if (*n == 1 && *inner > 0) {
        return -1;
    }
    *sa = (*sa < 0) ? 1 : *sa;
    *sb = (*sb < 0) ? 1 : *sb;
    return 1;
}

void nnc_add_s8_opt(const nnc_add_s8_params *p, const int8_t *a, const int8_t *b, int8_t *y)
{
    int32_t idx[NNC_MAX_DIMS];
    nnc_add_term ta, tb;
    nnc_requant2 to;
    nnc_add_dense_fn dense;
    int32_t inner, n, sa, sb, rows, ao = 0, bo = 0;
    if (p->subtract || p->rank < 1 || p->left_shift < 0 || p->left_shift > 20 || p->a_shift > 0 || p->b_shift > 0 ||
        p->out_shift > 0 || !nnc_offset_ok(p->a_offset) || !nnc_offset_ok(p->b_offset) ||
        p->a_multiplier == INT32_MIN || p->b_multiplier == INT32_MIN || p->out_multiplier < 0) {
        nnc_add_s8(p, a, b, y);
        return;
    }
    rows = nnc_rows(p->rank, p->shape, p->a_strides, p->b_strides, idx, &inner, &n, &sa, &sb);
    if (rows <= 0) {
        if (rows < 0) {
            nnc_add_s8(p, a, b, y);
        }
        return;
    }
    ta = nnc_add_term_of(p->a_offset, p->left_shift, p->a_multiplier, p->a_shift);
    tb = nnc_add_term_of(p->b_offset, p->left_shift, p->b_multiplier, p->b_shift);
    to = nnc_requant2_of(p->out_multiplier, p->out_shift);
    dense = nnc_add_dense20(p);
    do {
        if (dense != NULL && sa == 1 && sb == 1) {
            dense(&ta, &tb, &to, p->act_min, p->output_offset, a + ao, b + bo, y, n);
            y += n;
            continue;
        }
        nnc_add_row(&ta, &tb, &to, p->act_min - p->output_offset, p->act_max - p->output_offset,
                    p->output_offset, a + ao, sa, b + bo, sb, y, n);
        y += n;
    } while (nnc_next(inner, p->shape, p->a_strides, p->b_strides, idx, &ao, &bo));
}

void nnc_mul_s8_opt(const nnc_mul_s8_params *p, const int8_t *a, const int8_t *b, int8_t *y)
{
    int32_t idx[NNC_MAX_DIMS];
    nnc_requant2 to;
    int32_t inner, n, sa, sb, rows, j, ao = 0, bo = 0;
    if (p->rank < 1 || p->out_shift > 0 || !nnc_offset_ok(p->a_offset) || !nnc_offset_ok(p->b_offset) ||
        p->out_multiplier == INT32_MIN) {
        nnc_mul_s8(p, a, b, y);
        return;
    }
    rows = nnc_rows(p->rank, p->shape, p->a_strides, p->b_strides, idx, &inner, &n, &sa, &sb);
    if (rows <= 0) {
        if (rows < 0) {
            nnc_mul_s8(p, a, b, y);
        }
        return;
    }
    /* A negative multiplier (never emitted; allowed) is moved onto the product's sign. */
    to = nnc_requant2_of((p->out_multiplier < 0) ? -p->out_multiplier : p->out_multiplier, p->out_shift);
    {
        const int32_t o_mul = to.multiplier, o_exp = to.exponent, o_half = to.half, o_cc = to.cc;
        const int32_t sign2 = (p->out_multiplier < 0) ? -2 : 2;
        const int32_t a_off = p->a_offset, b_off = p->b_offset, out_offset = p->output_offset;
        const int32_t lo = p->act_min - out_offset, hi = p->act_max - out_offset;
        do {
            const int8_t *ar = a + ao, *br = b + bo;
            /* |(qa + a_off) * (qb + b_off)| <= 255 * 255, so x2 is far inside 2^30. */
            for (j = 0; j < n; ++j) {
                const int32_t va = (int32_t)ar[j * sa] + a_off, vb = (int32_t)br[j * sb] + b_off;
                int32_t r = nnc_requantize2(sign2 * va * vb, o_mul, o_exp, o_half, o_cc);
                r = (r < lo) ? lo : r;
                r = (r > hi) ? hi : r;
                y[j] = (int8_t)(r + out_offset);
            }
            y += n;
        } while (nnc_next(inner, p->shape, p->a_strides, p->b_strides, idx, &ao, &bo));
    }
}
