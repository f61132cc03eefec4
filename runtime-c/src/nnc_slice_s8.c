/*
 * nnc_slice_s8.c — Slice with per-axis start and step (step may be > 1 or negative), int8
 * (byte copy). See nnc_int8.h. Mirrors Int8Kernels.slice: a strided gather walking y in order.
 */
#include "nnc_int8.h"

void nnc_slice_s8(const nnc_slice_params *p, const int8_t *x, int8_t *y)
{
    int32_t idx[NNC_MAX_DIMS];
    int32_t stride[NNC_MAX_DIMS]; /* input elements per output step along each axis */
    const int32_t rank = p->rank;
    int32_t last, n, s, d, j;
    int32_t x_stride = 1;
    int32_t off = 0;
    if (rank <= 0) {
        y[0] = x[0];
        return;
    }
    for (d = rank - 1; d >= 0; --d) {
        if (p->y_shape[d] <= 0) {
            return;
        }
        idx[d] = 0;
        off += p->start[d] * x_stride;
        stride[d] = p->step[d] * x_stride;
        x_stride *= p->x_shape[d];
    }
    last = rank - 1;
    n = p->y_shape[last];
    s = stride[last];
    for (;;) {
        const int8_t *src = x + off;
        for (j = 0; j < n; ++j) {
            y[j] = src[j * s];
        }
        y += n;
        for (d = last - 1; d >= 0; --d) {
            off += stride[d];
            if (++idx[d] < p->y_shape[d]) {
                break;
            }
            off -= stride[d] * p->y_shape[d];
            idx[d] = 0;
        }
        if (d < 0) {
            return;
        }
    }
}
