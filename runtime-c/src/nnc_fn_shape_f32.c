/*
 * nnc_fn_shape_f32.c — MatrixDiag, OneHot, Embed and linear Interpolate, float32 (their Swift
 * files in Sources/NNFunctions/Shape hold the same arithmetic, in the same order).
 */
#include "nnc_functions.h"

void nnc_matrix_diag_f32(int32_t outer, int32_t m, const float *x, float *y)
{
    int32_t o, i, j;
    for (o = 0; o < outer; ++o) {
        for (i = 0; i < m; ++i) {
            for (j = 0; j < m; ++j) {
                y[j] = i == j ? x[i] : 0.0f;
            }
            y += m;
        }
        x += m;
    }
}

void nnc_one_hot_f32(int32_t n, int32_t k, const int32_t *dims, const float *x, float *y)
{
    int32_t size = 1, i, d;
    for (d = 0; d < k; ++d) {
        size *= dims[d];
    }
    for (i = 0; i < n; ++i) {
        int32_t at = 0, stride = 1;
        for (d = 0; d < size; ++d) {
            y[d] = 0.0f;
        }
        /* nnabla's one_hot.cpp: negative classes count from the end; out of range: all zeros. */
        for (d = k - 1; d >= 0; --d) {
            int32_t c = (int32_t)x[d];
            if (c < 0) {
                c += dims[d];
            }
            if (c < 0 || c >= dims[d]) {
                break;
            }
            at += c * stride;
            stride *= dims[d];
        }
        if (d < 0) {
            y[at] = 1.0f;
        }
        x += k;
        y += size;
    }
}

void nnc_embed_f32(int32_t n, int32_t rows, int32_t row, const float *x, const float *w, float *y)
{
    int32_t i, j;
    for (i = 0; i < n; ++i) {
        const int32_t r = (int32_t)x[i];
        const float *src = w + (r >= 0 && r < rows ? r : 0) * row;
        for (j = 0; j < row; ++j) {
            y[j] = src[j];
        }
        y += row;
    }
}

void nnc_interpolate_linear_f32(const nnc_interpolate_linear_params *p, const float *x, float *y)
{
    const int32_t *i0 = p->i0, *i1 = p->i1;
    const float *l1 = p->l1;
    int32_t o, a, b, c;
    const int32_t na = p->y_shape[0];
    const int32_t nb = p->axes > 1 ? p->y_shape[1] : 1;
    const int32_t nc = p->axes > 2 ? p->y_shape[2] : 1;
    for (o = 0; o < p->outer; ++o, x += p->x_plane) {
        if (p->axes == 1) {
            for (a = 0; a < na; ++a) {
                const float val0 = (1.0f - l1[a]) * x[i0[a]];
                const float val1 = l1[a] * x[i1[a]];
                *y++ = val0 + val1;
            }
        } else if (p->axes == 2) {
            for (a = 0; a < na; ++a) {
                const float ly1 = l1[a], ly0 = 1.0f - ly1;
                for (b = 0; b < nb; ++b) {
                    const float lx1 = l1[na + b], lx0 = 1.0f - lx1;
                    const int32_t x1 = i0[na + b], x2 = i1[na + b];
                    const float val0 = lx0 * x[i0[a] + x1];
                    const float val1 = lx1 * x[i0[a] + x2];
                    const float val2 = lx0 * x[i1[a] + x1];
                    const float val3 = lx1 * x[i1[a] + x2];
                    *y++ = ly0 * (val0 + val1) + ly1 * (val2 + val3);
                }
            }
        } else {
            for (a = 0; a < na; ++a) {
                const float lz1 = l1[a], lz0 = 1.0f - lz1;
                for (b = 0; b < nb; ++b) {
                    const float ly1 = l1[na + b], ly0 = 1.0f - ly1;
                    const int32_t y1 = i0[na + b], y2 = i1[na + b];
                    for (c = 0; c < nc; ++c) {
                        const float lx1 = l1[na + nb + c], lx0 = 1.0f - lx1;
                        const int32_t x1 = i0[na + nb + c], x2 = i1[na + nb + c];
                        const int32_t z1 = i0[a], z2 = i1[a];
                        const float val0 = lx0 * x[z1 + y1 + x1];
                        const float val1 = lx1 * x[z1 + y1 + x2];
                        const float val2 = lx0 * x[z1 + y2 + x1];
                        const float val3 = lx1 * x[z1 + y2 + x2];
                        const float val4 = lx0 * x[z2 + y1 + x1];
                        const float val5 = lx1 * x[z2 + y1 + x2];
                        const float val6 = lx0 * x[z2 + y2 + x1];
                        const float val7 = lx1 * x[z2 + y2 + x2];
                        const float val8 = ly0 * (val0 + val1) + ly1 * (val2 + val3);
                        const float val9 = ly0 * (val4 + val5) + ly1 * (val6 + val7);
                        *y++ = lz0 * val8 + lz1 * val9;
                    }
                }
            }
        }
    }
}
