/*
 * nnc_fn_shape.h — data movement (Flip, Shift, Broadcast, Unpooling, Interpolate, …): float32 and int8.
 */
#ifndef NNC_FN_SHAPE_H
#define NNC_FN_SHAPE_H

#include "nnc_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Axis gather (Unpooling, Flip, Shift, Broadcast, Tile, MatrixDiagPart, nearest Interpolate) ----
 * y[i0, i1, …] = x[offsets[i0] + offsets[Y0 + i1] + offsets[Y0 + Y1 + i2] + …]: one table of
 * Σ y_shape[d] input element offsets (already times the input strides), axis after axis. */
typedef struct {
    int32_t rank;
    int32_t y_shape[NNC_MAX_DIMS];
    const int32_t *offsets;
} nnc_axis_gather_params;

void nnc_axis_gather_f32(const nnc_axis_gather_params *p, const float *x, float *y);
void nnc_axis_gather_s8(const nnc_axis_gather_params *p, const int8_t *x, int8_t *y);

/* ---- MatrixDiag: x [outer, m] -> y [outer, m, m], zeros off the diagonal (float32) ---------- */
void nnc_matrix_diag_f32(int32_t outer, int32_t m, const float *x, float *y);

/* ---- OneHot: x [n, k] integer indices (as floats) -> y [n, d0 … dk-1] (float32) ------------ */
void nnc_one_hot_f32(int32_t n, int32_t k, const int32_t *dims, const float *x, float *y);

/* ---- Embed: y[i, :] = w[x[i], :] (x integer indices as floats, rows of `row` floats) --------- */
void nnc_embed_f32(int32_t n, int32_t rows, int32_t row, const float *x, const float *w, float *y);

/* ---- Linear Interpolate over the last 1, 2 or 3 axes (nnabla's linear_interpolate_{1,2,3}d) --
 * Per interpolated axis (outermost first): i0, i1 (input element offsets, times the input
 * strides) and l1 (the weight of i1; l0 = 1 - l1) of each output index. */
typedef struct {
    int32_t outer;          /* product of the axes not interpolated */
    int32_t axes;           /* 1, 2 or 3 */
    int32_t y_shape[3];     /* the interpolated output axes */
    int32_t x_plane;        /* input elements per outer index */
    const int32_t *i0;      /* Σ y_shape entries, axis after axis */
    const int32_t *i1;
    const float *l1;
} nnc_interpolate_linear_params;

void nnc_interpolate_linear_f32(const nnc_interpolate_linear_params *p, const float *x, float *y);


#ifdef __cplusplus
}
#endif

#endif /* NNC_FN_SHAPE_H */
