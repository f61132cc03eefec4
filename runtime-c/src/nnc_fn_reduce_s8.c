/*
 * nnc_fn_reduce_s8.c — int8 reductions of Sources/NNFunctions/Reduce: Sum and Mean
 * (SumInt8Kernel's `run`, the same integers in the same order: bit-exact), Max and Min on codes.
 */
#include "nnc_functions.h"
#include "nnc_int8.h"

/* The input offset of row-major index `index` over `rank` axes of the given sizes and strides. */
static int32_t nnc_reduce_offset_s8(int32_t index, int32_t rank, const int32_t *size, const int32_t *stride)
{
    int32_t offset = 0;
    int32_t d;
    for (d = rank - 1; d >= 0; --d) {
        offset += (index % size[d]) * stride[d];
        index /= size[d];
    }
    return offset;
}

/* Max (is_max != 0) or Min of each output's codes, from its first element on. */
static void nnc_reduce_select_s8(const nnc_reduce_params *p, int32_t is_max, const int8_t *x, int8_t *y)
{
    int32_t outer = 1, inner = 1;
    int32_t d, o, r;
    for (d = 0; d < p->outer_rank; ++d) outer *= p->outer_size[d];
    for (d = 0; d < p->inner_rank; ++d) inner *= p->inner_size[d];
    for (o = 0; o < outer; ++o) {
        const int8_t *base = x + nnc_reduce_offset_s8(o, p->outer_rank, p->outer_size, p->outer_stride);
        int8_t acc = base[nnc_reduce_offset_s8(0, p->inner_rank, p->inner_size, p->inner_stride)];
        for (r = 1; r < inner; ++r) {
            const int8_t v = base[nnc_reduce_offset_s8(r, p->inner_rank, p->inner_size, p->inner_stride)];
            if (is_max ? (v > acc) : (v < acc)) acc = v;
        }
        y[o] = acc;
    }
}

void nnc_reduce_max_s8(const nnc_reduce_params *p, const int8_t *x, int8_t *y)
{
    nnc_reduce_select_s8(p, 1, x, y);
}

void nnc_reduce_min_s8(const nnc_reduce_params *p, const int8_t *x, int8_t *y)
{
    nnc_reduce_select_s8(p, 0, x, y);
}

void nnc_reduce_sum_s8(const nnc_reduce_params *p, const nnc_reduce_s8_params *q, const int8_t *x, int8_t *y)
{
    int32_t outer = 1, inner = 1;
    int32_t d, o, r;
    for (d = 0; d < p->outer_rank; ++d) outer *= p->outer_size[d];
    for (d = 0; d < p->inner_rank; ++d) inner *= p->inner_size[d];
    for (o = 0; o < outer; ++o) {
        const int8_t *base = x + nnc_reduce_offset_s8(o, p->outer_rank, p->outer_size, p->outer_stride);
        int32_t acc = 0;
        for (r = 0; r < inner; ++r) {
            acc += (int32_t)base[nnc_reduce_offset_s8(r, p->inner_rank, p->inner_size, p->inner_stride)] + q->input_offset;
        }
        y[o] = nnc_output_s8(nnc_requantize(acc, q->multiplier, q->shift), q->output_offset, -128, 127);
    }
}
