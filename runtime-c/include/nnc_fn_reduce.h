/*
 * nnc_fn_reduce.h — reductions and matrix products (Sum, Mean, Max, Min, Prod, BatchMatmul, …), float32.
 */
#ifndef NNC_FN_REDUCE_H
#define NNC_FN_REDUCE_H

#include "nnc_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reductions: the output in row-major order of the kept (outer) axes; each output folds its
 * reduced (inner) elements in row-major order from the first one. Sizes and element strides of
 * the input, NNC_FN_MAX_DIMS at most each. */
#define NNC_FN_MAX_DIMS 6
typedef struct {
    int32_t outer_rank;
    int32_t outer_size[NNC_FN_MAX_DIMS];
    int32_t outer_stride[NNC_FN_MAX_DIMS];
    int32_t inner_rank;
    int32_t inner_size[NNC_FN_MAX_DIMS];
    int32_t inner_stride[NNC_FN_MAX_DIMS];
} nnc_reduce_params;

void nnc_reduce_sum_f32(const nnc_reduce_params *p, const float *x, float *y);
/* The sum, then one division by the element count. */
void nnc_reduce_mean_f32(const nnc_reduce_params *p, const float *x, float *y);
void nnc_reduce_prod_f32(const nnc_reduce_params *p, const float *x, float *y);
void nnc_reduce_max_f32(const nnc_reduce_params *p, const float *x, float *y);
void nnc_reduce_min_f32(const nnc_reduce_params *p, const float *x, float *y);
/* int8 Sum and Mean: acc = sum of (x + input_offset) in int32, then
 * y = nnc_output_s8(nnc_requantize(acc, multiplier, shift), output_offset, -128, 127)
 * (Mean's count is in the multiplier). */
typedef struct {
    int32_t input_offset;
    int32_t multiplier;
    int32_t shift;
    int32_t output_offset;
} nnc_reduce_s8_params;

void nnc_reduce_sum_s8(const nnc_reduce_params *p, const nnc_reduce_s8_params *q, const int8_t *x, int8_t *y);
/* int8 selection on codes (exact: one scale and zero point for input and output). */
void nnc_reduce_max_s8(const nnc_reduce_params *p, const int8_t *x, int8_t *y);
void nnc_reduce_min_s8(const nnc_reduce_params *p, const int8_t *x, int8_t *y);

/* y[b] = op(a[b]) * op(b[b]): a is [.., m, k] (or [.., k, m] transposed), b [.., k, n] (or [.., n, k]);
 * per batch axis the element stride of each operand, 0 where it repeats (broadcast). */
typedef struct {
    int32_t m, n, k;
    int32_t transpose_a, transpose_b;
    int32_t batch_rank;
    int32_t batch[NNC_FN_MAX_DIMS];
    int32_t a_stride[NNC_FN_MAX_DIMS];
    int32_t b_stride[NNC_FN_MAX_DIMS];
} nnc_batch_matmul_params;

void nnc_batch_matmul_f32(const nnc_batch_matmul_params *p, const float *a, const float *b, float *y);

/* Exp: y = expf(x); in place allowed (the softmax of ONNX converters is written with it). */
void nnc_exp_f32(int32_t n, const float *x, float *y);


#ifdef __cplusplus
}
#endif

#endif /* NNC_FN_REDUCE_H */
