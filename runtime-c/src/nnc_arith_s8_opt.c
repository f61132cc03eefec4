/*
 * nnc_arith_s8_opt.c — nnc_add_s8 (Add2 / Sub2) and nnc_mul_s8 with the same bytes, faster.
 *
 * Where the parameters allow it (every shift <= 0, |offsets| <= 128, left_shift <= 20; true for
 * every Add the quantizer emits), each requantization is the table's rule in its cheap form:
 *   - acc = (q + offset) * 2^left_shift needs no saturation (|acc| < 2^28), so SRDHM's one
 *     special case (INT32_MIN * INT32_MIN) cannot happen: it is one 64-bit multiply-add-shift;
 *   - RDBP(t, e) for e >= 1 is (t + 2^(e-1) - (t < 0)) >> e, which is the table's mask/threshold
 *     rule written as one sum (t + 2^(e-1) cannot overflow: |t| < 2^29); e == 0 leaves t.
 * The output is walked as in nnc_add_s8, but rows are the longest run both inputs walk with
 * stride 1 (the whole tensor when neither is broadcast) or stride 0 (a broadcast value, whose
 * requantized term is computed once per row). Anything else goes to the reference kernel.
 */
#include "nnc_int8.h"

/* One requantization, RDBP(SRDHM(x, m), e) with m > 0 and e = -shift in [0, 31], from x2 = 2x
 * (|x2| < 2^30). SRDHM is floor((xm + 2^30) / 2^31) and RDBP(t, e >= 1) is
 * floor((t + 2^(e-1) - [t < 0]) / 2^e); nested floors with an integer added in between merge, so
 *   r = floor((2xm + 2^31 + k * 2^32) / 2^32) >> e,   k = 2^(e-1) - [t < 0]  (k = 0 for e = 0),
 * the high word of one SMLAL whose accumulator starts at (k, 2^31). And t < 0 exactly when
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
    const int32_t k = half + ((x2 + cc) >> 31); /* >= 0: half >= 1 whenever the sign counts */
    const int64_t start = (int64_t)(((uint64_t)(uint32_t)k << 32) | UINT64_C(0x80000000));
    return (int32_t)(((int64_t)x2 * (int64_t)multiplier + start) >> 32) >> exponent;
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
    int32_t inner, n, sa, sb, rows, ao = 0, bo = 0;
    if (p->rank < 1 || p->left_shift < 0 || p->left_shift > 20 || p->a_shift > 0 || p->b_shift > 0 ||
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
    do {
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
