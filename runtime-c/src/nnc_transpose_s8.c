/*
 * nnc_transpose_s8.c — Transpose (any permutation, rank <= NNC_MAX_DIMS), int8 (byte) copy.
 * See nnc_int8.h. Mirrors Int8Kernels.transpose: a strided gather walking y in order.
 */
#include "nnc_int8.h"

void nnc_transpose_s8(const nnc_transpose_params *p, const int8_t *x, int8_t *y)
{
    int32_t idx[NNC_MAX_DIMS];
    const int32_t rank = p->rank;
    int32_t last, n, s, d, j;
    int32_t off = 0;
    if (rank <= 0) {
        y[0] = x[0];
        return;
    }
    for (d = 0; d < rank; ++d) {
        if (p->y_shape[d] <= 0) {
            return;
        }
        idx[d] = 0;
    }
    last = rank - 1;
    n = p->y_shape[last];
    s = p->x_strides[last];
    for (;;) {
        const int8_t *src = x + off;
        for (j = 0; j < n; ++j) {
            y[j] = src[j * s];
        }
        y += n;
        for (d = last - 1; d >= 0; --d) {
            off += p->x_strides[d];
            if (++idx[d] < p->y_shape[d]) {
                break;
            }
            off -= p->x_strides[d] * p->y_shape[d];
            idx[d] = 0;
        }
        if (d < 0) {
            return;
        }
    }
}
