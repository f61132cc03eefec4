/*
 * nnc_arith_s8.c — Add2 / Sub2 (one kernel) and Mul2 with numpy-style broadcasting, int8
 * reference. Numbers in nnc_int8.h; the output is walked exactly like nnc_arith_f32.c.
 * Mirrors Int8Kernels.add / mul in Swift.
 */
#include "nnc_int8.h"

/* Moves the odometer over the outer axes (all but the last) one row on, updating the offsets of
 * a and b; returns 0 after the last row. */
static int32_t nnc_next_row(int32_t rank, const int32_t *shape, const int32_t *a_strides,
                            const int32_t *b_strides, int32_t *idx, int32_t *ao, int32_t *bo)
{
    int32_t d;
    for (d = rank - 2; d >= 0; --d) {
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

/* Returns the length of the rows to walk (0 when the output is empty); a rank-0 output is one
 * row of one element. */
static int32_t nnc_first_row(int32_t rank, const int32_t *shape, int32_t *idx)
{
    int32_t d;
    if (rank <= 0) {
        return 1;
    }
    for (d = 0; d < rank; ++d) {
        if (shape[d] <= 0) {
            return 0;
        }
        idx[d] = 0;
    }
    return shape[rank - 1];
}

static int8_t nnc_add_one_s8(const nnc_add_s8_params *p, int8_t qa, int8_t qb)
{
    const int32_t scale = INT32_C(1) << p->left_shift;
    const int32_t a = nnc_requantize(((int32_t)qa + p->a_offset) * scale, p->a_multiplier,
                                     p->a_shift);
    const int32_t b = nnc_requantize(((int32_t)qb + p->b_offset) * scale, p->b_multiplier,
                                     p->b_shift);
    const int32_t sum = p->subtract ? a - b : a + b;
    return nnc_output_s8(nnc_requantize(sum, p->out_multiplier, p->out_shift), p->output_offset,
                         p->act_min, p->act_max);
}

void nnc_add_s8(const nnc_add_s8_params *p, const int8_t *a, const int8_t *b, int8_t *y)
{
    int32_t idx[NNC_MAX_DIMS];
    const int32_t rank = p->rank;
    const int32_t n = nnc_first_row(rank, p->shape, idx);
    const int32_t sa = (rank > 0) ? p->a_strides[rank - 1] : 0;
    const int32_t sb = (rank > 0) ? p->b_strides[rank - 1] : 0;
    int32_t ao = 0, bo = 0, j;
    if (n == 0) {
        return;
    }
    do {
        for (j = 0; j < n; ++j) {
            y[j] = nnc_add_one_s8(p, a[ao + j * sa], b[bo + j * sb]);
        }
        y += n;
    } while (nnc_next_row(rank, p->shape, p->a_strides, p->b_strides, idx, &ao, &bo));
}

void nnc_mul_s8(const nnc_mul_s8_params *p, const int8_t *a, const int8_t *b, int8_t *y)
{
    int32_t idx[NNC_MAX_DIMS];
    const int32_t rank = p->rank;
    const int32_t n = nnc_first_row(rank, p->shape, idx);
    const int32_t sa = (rank > 0) ? p->a_strides[rank - 1] : 0;
    const int32_t sb = (rank > 0) ? p->b_strides[rank - 1] : 0;
    int32_t ao = 0, bo = 0, j;
    if (n == 0) {
        return;
    }
    do {
        for (j = 0; j < n; ++j) {
            const int32_t va = (int32_t)a[ao + j * sa] + p->a_offset;
            const int32_t vb = (int32_t)b[bo + j * sb] + p->b_offset;
            y[j] = nnc_output_s8(nnc_requantize(va * vb, p->out_multiplier, p->out_shift),
                                 p->output_offset, p->act_min, p->act_max);
        }
        y += n;
    } while (nnc_next_row(rank, p->shape, p->a_strides, p->b_strides, idx, &ao, &bo));
}
