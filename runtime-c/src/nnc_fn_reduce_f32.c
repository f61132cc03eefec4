/*
 * nnc_fn_reduce_f32.c — reductions, BatchMatmul and Exp of Sources/NNFunctions/Reduce and Math.
 * Each kernel is its Swift twin's `evaluate` (same operations, same order), so the host C
 * matches the interpreter bit for bit.
 */
#include <math.h>

#include "nnc_functions.h"

/* The input offset of row-major index `index` over `rank` axes of the given sizes and strides. */
static int32_t nnc_reduce_offset(int32_t index, int32_t rank, const int32_t *size, const int32_t *stride)
{
    int32_t offset = 0;
    int32_t d;
    for (d = rank - 1; d >= 0; --d) {
        offset += (index % size[d]) * stride[d];
        index /= size[d];
    }
    return offset;
}

static int32_t nnc_reduce_count(int32_t rank, const int32_t *size)
{
    int32_t n = 1;
    int32_t d;
    for (d = 0; d < rank; ++d) n *= size[d];
    return n;
}

#define NNC_REDUCE_KERNEL(name, type, combine)                                                   \
    void name(const nnc_reduce_params *p, const type *x, type *y)                                \
    {                                                                                            \
        const int32_t outer = nnc_reduce_count(p->outer_rank, p->outer_size);                    \
        const int32_t inner = nnc_reduce_count(p->inner_rank, p->inner_size);                    \
        int32_t o, r;                                                                            \
        for (o = 0; o < outer; ++o) {                                                            \
            const type *base = x + nnc_reduce_offset(o, p->outer_rank, p->outer_size, p->outer_stride); \
            type acc = base[nnc_reduce_offset(0, p->inner_rank, p->inner_size, p->inner_stride)]; \
            for (r = 1; r < inner; ++r) {                                                        \
                const type v = base[nnc_reduce_offset(r, p->inner_rank, p->inner_size, p->inner_stride)]; \
                acc = combine;                                                                   \
            }                                                                                    \
            y[o] = acc;                                                                          \
        }                                                                                        \
    }

NNC_REDUCE_KERNEL(nnc_reduce_sum_f32, float, acc + v)
NNC_REDUCE_KERNEL(nnc_reduce_prod_f32, float, acc * v)
NNC_REDUCE_KERNEL(nnc_reduce_max_f32, float, (v > acc) ? v : acc)
NNC_REDUCE_KERNEL(nnc_reduce_min_f32, float, (v < acc) ? v : acc)

void nnc_reduce_mean_f32(const nnc_reduce_params *p, const float *x, float *y)
{
    const int32_t outer = nnc_reduce_count(p->outer_rank, p->outer_size);
    const float n = (float)nnc_reduce_count(p->inner_rank, p->inner_size);
    int32_t o;
    nnc_reduce_sum_f32(p, x, y);
    for (o = 0; o < outer; ++o) y[o] = y[o] / n;
}

void nnc_batch_matmul_f32(const nnc_batch_matmul_params *p, const float *a, const float *b, float *y)
{
    const int32_t batches = nnc_reduce_count(p->batch_rank, p->batch);
    int32_t batch, i, j, l;
    for (batch = 0; batch < batches; ++batch) {
        const float *ab = a + nnc_reduce_offset(batch, p->batch_rank, p->batch, p->a_stride);
        const float *bb = b + nnc_reduce_offset(batch, p->batch_rank, p->batch, p->b_stride);
        for (i = 0; i < p->m; ++i) {
            for (j = 0; j < p->n; ++j) {
                float s = 0.0f;
                for (l = 0; l < p->k; ++l) {
                    const float av = p->transpose_a ? ab[l * p->m + i] : ab[i * p->k + l];
                    const float bv = p->transpose_b ? bb[j * p->k + l] : bb[l * p->n + j];
                    s += av * bv;
                }
                *y++ = s;
            }
        }
    }
}

void nnc_exp_f32(int32_t n, const float *x, float *y)
{
    int32_t i;
    for (i = 0; i < n; ++i) y[i] = expf(x[i]);
}
