/*
 * nnc_fn_reduce_s8.c — int8 Sum and Mean of Sources/NNFunctions/Reduce (SumInt8Kernel's `run`,
 * the same integers in the same order: bit-exact).
 */
#include "nnc_fn_reduce.h"
#include "nnc_int8.h"

void nnc_reduce_sum_s8(const nnc_reduce_params *p, const nnc_reduce_s8_params *q, const int8_t *x, int8_t *y)
{
    int32_t outer = 1, inner = 1;
    int32_t d, o, r;
    for (d = 0; d < p->outer_rank; ++d) outer *= p->outer_size[d];
    for (d = 0; d < p->inner_rank; ++d) inner *= p->inner_size[d];
    for (o = 0; o < outer; ++o) {
        int32_t base = 0, index = o;
        int32_t acc = 0;
        for (d = p->outer_rank - 1; d >= 0; --d) {
            base += (index % p->outer_size[d]) * p->outer_stride[d];
            index /= p->outer_size[d];
        }
        for (r = 0; r < inner; ++r) {
            int32_t offset = 0;
            index = r;
            for (d = p->inner_rank - 1; d >= 0; --d) {
                offset += (index % p->inner_size[d]) * p->inner_stride[d];
                index /= p->inner_size[d];
            }
            acc += (int32_t)x[base + offset] + q->input_offset;
        }
        y[o] = nnc_output_s8(nnc_requantize(acc, q->multiplier, q->shift), q->output_offset, -128, 127);
    }
}
