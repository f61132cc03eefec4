/*
 * nnc_fn_shape_gather.c — the axis gather behind Unpooling, Flip, Shift, Broadcast, Tile,
 * MatrixDiagPart and nearest Interpolate (AxisGather.swift): float32 and int8 share one body.
 */
#include "nnc_functions.h"

/* Walks y in order; the input offset of a row is the sum of the outer axes' table entries. */
#define NNC_AXIS_GATHER_BODY(T)                                                          \
    int32_t idx[NNC_MAX_DIMS];                                                           \
    const int32_t *table[NNC_MAX_DIMS];                                                  \
    const int32_t rank = p->rank;                                                        \
    const int32_t *t = p->offsets;                                                       \
    const int32_t *last_table;                                                           \
    int32_t last, n, d, j, base;                                                         \
    if (rank <= 0) {                                                                     \
        y[0] = x[0];                                                                     \
        return;                                                                          \
    }                                                                                    \
    for (d = 0; d < rank; ++d) {                                                         \
        if (p->y_shape[d] <= 0) {                                                        \
            return;                                                                      \
        }                                                                                \
        idx[d] = 0;                                                                      \
        table[d] = t;                                                                    \
        t += p->y_shape[d];                                                              \
    }                                                                                    \
    last = rank - 1;                                                                     \
    n = p->y_shape[last];                                                                \
    last_table = table[last];                                                            \
    for (;;) {                                                                           \
        const T *src;                                                                    \
        base = 0;                                                                        \
        for (d = 0; d < last; ++d) {                                                     \
            base += table[d][idx[d]];                                                    \
        }                                                                                \
        src = x + base;                                                                  \
        for (j = 0; j < n; ++j) {                                                        \
            y[j] = src[last_table[j]];                                                   \
        }                                                                                \
        y += n;                                                                          \
        for (d = last - 1; d >= 0; --d) {                                                \
            if (++idx[d] < p->y_shape[d]) {                                              \
                break;                                                                   \
            }                                                                            \
            idx[d] = 0;                                                                  \
        }                                                                                \
        if (d < 0) {                                                                     \
            return;                                                                      \
        }                                                                                \
    }

void nnc_axis_gather_f32(const nnc_axis_gather_params *p, const float *x, float *y)
{
    NNC_AXIS_GATHER_BODY(float)
}

void nnc_axis_gather_s8(const nnc_axis_gather_params *p, const int8_t *x, int8_t *y)
{
    NNC_AXIS_GATHER_BODY(int8_t)
}
