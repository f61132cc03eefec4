/*
 * nnc_pad_s8.c — Pad (constant / reflect / repeat), int8 (byte copy). See nnc_int8.h.
 * Index rules from nnabla's src/nbla/function/generic/pad.cpp; mirrors Int8Kernels.pad.
 */
#include "nnc_dsp.h"
#include "nnc_int8.h"

/* y[0..n) = x[0..n), four bytes per load and store (nnc_read_u32: any alignment). */
static void nnc_copy_row_s8(int8_t *y, const int8_t *x, int32_t n)
{
    int32_t j = 0;
    for (; j + 4 <= n; j += 4) {
        nnc_write_u32(y + j, nnc_read_u32(x + j));
    }
    for (; j < n; ++j) {
        y[j] = x[j];
    }
}

/* y[0..n) = c, four bytes per store. */
static void nnc_fill_row_s8(int8_t *y, int8_t c, int32_t n)
{
    const uint32_t word = (uint32_t)(uint8_t)c * UINT32_C(0x01010101);
    int32_t j = 0;
    for (; j + 4 <= n; j += 4) {
        nnc_write_u32(y + j, word);
    }
    for (; j < n; ++j) {
        y[j] = c;
    }
}

/* Source index along one axis for output index o, or -1 for a constant-mode position outside x
 * (nnc_pad_f32.c's rule). */
static int32_t nnc_pad_source_s8(int32_t o, int32_t before, int32_t len, int32_t mode)
{
    int32_t i = o - before;
    if (mode == NNC_PAD_REPEAT) {
        return i < 0 ? 0 : (i > len - 1 ? len - 1 : i);
    }
    if (mode == NNC_PAD_REFLECT) {
        const int32_t l = len - 1;
        int32_t r;
        if (l <= 0) {
            return 0;
        }
        if (i < 0) {
            i = -i;
        }
        r = ((i / l) & 1) * l - i % l;
        return r < 0 ? -r : r;
    }
    return (i >= 0 && i < len) ? i : -1;
}

/* Constant mode padding only the last two axes (H and W of NCHW: every Pad before a
 * convolution), plane by plane; returns 0, doing nothing, for anything else. The bytes are those
 * of the general walk below: a row outside x along H is all pad_value, a row inside is
 * pad_value, x's row, pad_value. */
static int32_t nnc_pad_planes_s8(const nnc_pad_params *p, int8_t c, const int8_t *x, int8_t *y)
{
    const int32_t rank = p->rank;
    int32_t d, planes = 1, plane, r;
    int32_t top, bottom, left, right, h, w, out_w;
    if (p->mode != NNC_PAD_CONSTANT || rank < 2) {
        return 0;
    }
    for (d = 0; d < rank; ++d) {
        if (p->pad_before[d] < 0 || p->pad_after[d] < 0 || p->x_shape[d] <= 0 ||
            (d < rank - 2 && (p->pad_before[d] != 0 || p->pad_after[d] != 0))) {
            return 0;
        }
        if (d < rank - 2) {
            planes *= p->x_shape[d];
        }
    }
    top = p->pad_before[rank - 2];
    bottom = p->pad_after[rank - 2];
    left = p->pad_before[rank - 1];
    right = p->pad_after[rank - 1];
    h = p->x_shape[rank - 2];
    w = p->x_shape[rank - 1];
    out_w = left + w + right;
    for (plane = 0; plane < planes; ++plane) {
        /* The top rows and the first row's left edge are one run of pad_value, as are each
         * row's right edge with the next row's left edge, and the last right edge with the
         * bottom rows. */
        nnc_fill_row_s8(y, c, top * out_w + left);
        y += top * out_w + left;
        for (r = 0; r < h; ++r) {
            nnc_copy_row_s8(y, x, w);
            y += w;
            x += w;
            if (r + 1 < h) {
                nnc_fill_row_s8(y, c, right + left);
                y += right + left;
            }
        }
        nnc_fill_row_s8(y, c, right + bottom * out_w);
        y += right + bottom * out_w;
    }
    return 1;
}

void nnc_pad_s8(const nnc_pad_params *p, int8_t pad_value, const int8_t *x, int8_t *y)
{
    int32_t idx[NNC_MAX_DIMS];
    int32_t y_shape[NNC_MAX_DIMS];
    int32_t x_stride[NNC_MAX_DIMS];
    const int32_t rank = p->rank;
    const int32_t mode = p->mode;
    const int8_t c = pad_value;
    int32_t last, d, j, before, len, n;

    if (rank <= 0) {
        y[0] = x[0];
        return;
    }
    if (nnc_pad_planes_s8(p, c, x, y)) {
        return;
    }
    for (d = rank - 1; d >= 0; --d) {
        y_shape[d] = p->pad_before[d] + p->x_shape[d] + p->pad_after[d];
        x_stride[d] = (d == rank - 1) ? 1 : x_stride[d + 1] * p->x_shape[d + 1];
        if (y_shape[d] <= 0) {
            return;
        }
        idx[d] = 0;
    }
    last = rank - 1;
    before = p->pad_before[last];
    len = p->x_shape[last];
    n = y_shape[last];
    for (;;) {
        /* Source row for the current outer index, or a row of constant_value. */
        int32_t off = 0;
        int32_t outside = 0;
        for (d = 0; d < last; ++d) {
            const int32_t s = nnc_pad_source_s8(idx[d], p->pad_before[d], p->x_shape[d], mode);
            if (s < 0) {
                outside = 1;
                break;
            }
            off += s * x_stride[d];
        }
        if (outside) {
            nnc_fill_row_s8(y, c, n);
        } else if (mode == NNC_PAD_CONSTANT) {
            /* Constant mode: the source of j is j - before inside the row, none outside it. */
            nnc_fill_row_s8(y, c, before);
            nnc_copy_row_s8(y + before, x + off, len);
            nnc_fill_row_s8(y + before + len, c, n - before - len);
        } else {
            const int8_t *row = x + off;
            for (j = 0; j < before; ++j) {
                const int32_t s = nnc_pad_source_s8(j, before, len, mode);
                y[j] = s < 0 ? c : row[s];
            }
            for (j = 0; j < len; ++j) {
                y[before + j] = row[j];
            }
            for (j = before + len; j < n; ++j) {
                const int32_t s = nnc_pad_source_s8(j, before, len, mode);
                y[j] = s < 0 ? c : row[s];
            }
        }
        y += n;
        for (d = last - 1; d >= 0; --d) {
            if (++idx[d] < y_shape[d]) {
                break;
            }
            idx[d] = 0;
        }
        if (d < 0) {
            return;
        }
    }
}
