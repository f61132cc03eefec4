/*
 * nnc_spatial.h — float32 reference kernels for the layers with weights and the pooling ops:
 * Affine, Convolution (also DepthwiseConvolution), Deconvolution, Max/Average/Sum pooling,
 * GlobalAveragePooling and inference BatchNormalization.
 *
 * Every kernel matches its Swift twin in NNInterpreter (FloatKernels) op for op, including the
 * summation order, so host results agree bit for bit where the compiler does not fuse a*b+c
 * (the products are written as separate statements so that clang's default -ffp-contract=on cannot
 * fuse them; GCC does not contract in -std=c99 mode).
 *
 * Shared conventions:
 *   - Tensors are dense, row-major, channel-first (NCHW). 1-D ops use the 2-D kernels with H = 1,
 *     kernel_h = 1, stride_h = 1, pad_h = 0, dilation_h = 1.
 *   - `batch` / `outer` counts every axis before the channel axis (or, for pooling, every axis
 *     before the pooled ones), so base_axis > 1 needs no extra support.
 *   - Output sizes are computed by the caller (the code generator) and passed in the params.
 *   - A bias pointer may be NULL (no bias). Bias is added last, after the products are summed.
 *   - Long sums run in blocks, as BLAS kernels do: the products of a block of at most
 *     NNC_F32_SUM_BLOCK terms are summed from 0.0f in order, and the block sums are added to the
 *     first one in order. One running total over 640 products drifts like 640 roundings; blocks
 *     of 32 like about 32 + 640/32 (the float32 MLPerf Tiny autoencoder: 6.9e-3 -> 1.8e-4 off a
 *     float64 evaluation). Convolutions block whole input channels (NNC_F32_SUM_CHANNELS).
 *     (A total may start at 0.0f: a sum that starts at 0.0f is never -0.0f, so 0.0f + s == s.)
 *   - Outputs must not alias inputs unless the kernel says "in place".
 */
#ifndef NNC_SPATIAL_H
#define NNC_SPATIAL_H

#include "nnc_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Products per partial sum (FloatKernels.sumBlock in Swift). */
#define NNC_F32_SUM_BLOCK 32
/* Input channels per partial sum of a convolution with k_size taps per channel
 * (FloatKernels.channelsPerSumBlock): as many as fit in a block, at least one. */
#define NNC_F32_SUM_CHANNELS(k_size) ((k_size) >= NNC_F32_SUM_BLOCK ? 1 : NNC_F32_SUM_BLOCK / (k_size))

/* ---- Affine ---------------------------------------------------------------------------------- */

typedef struct {
    int32_t outer;        /* rows: product of x.shape[0 ..< base_axis] */
    int32_t in_features;  /* product of x.shape[base_axis ...] */
    int32_t out_features; /* product of W.shape[1 ...] */
} nnc_affine_params;

/* y[r][o] = sum_i x[r][i] * w[i][o]  (+ b[o]).  x [outer, in], w [in, out] (nnabla's layout:
 * input-major), b [out] or NULL, y [outer, out]. Sum over i ascending in blocks of
 * NNC_F32_SUM_BLOCK, bias last. */
void nnc_affine_f32(const nnc_affine_params *p, const float *x, const float *w, const float *b,
                    float *y);

/* ---- Convolution ----------------------------------------------------------------------------- */

typedef struct {
    int32_t batch;                    /* product of the axes before the channel axis */
    int32_t in_c, in_h, in_w;
    int32_t out_c, out_h, out_w;      /* out = (in + 2*pad - dil*(k-1) - 1) / stride + 1 */
    int32_t kernel_h, kernel_w;
    int32_t stride_h, stride_w;
    int32_t pad_h, pad_w;
    int32_t dilation_h, dilation_w;
    int32_t group;                    /* divides in_c and out_c */
} nnc_conv_params;

/* Direct grouped convolution. x [batch, in_c, in_h, in_w], w [out_c, in_c/group, kernel_h,
 * kernel_w], b [out_c] or NULL, y [batch, out_c, out_h, out_w]. Output channel oc reads input
 * channels of group oc / (out_c/group). Per output element: sum over input channel, kernel row,
 * kernel column ascending (taps in the zero padding skipped), in blocks of
 * NNC_F32_SUM_CHANNELS(kernel_h * kernel_w) input channels, then bias.
 *
 * DepthwiseConvolution is this kernel with group = in_c and out_c = in_c * multiplier: its weight
 * [in_c*multiplier, k...] is the same memory as [out_c, 1, k...], and output channel
 * c*multiplier + m reads input channel c. */
void nnc_conv_f32(const nnc_conv_params *p, const float *x, const float *w, const float *b,
                  float *y);

/* The same bits as nnc_conv_f32 for a depthwise convolution (group = in_c, out_c = in_c *
 * multiplier), faster (nnc_dwconv_f32.c): the same summation order per output, no bounds work
 * for the windows inside the input, 3x3 windows two outputs at a time with the weights in
 * registers. */
void nnc_dwconv_f32(const nnc_conv_params *p, const float *x, const float *w, const float *b,
                    float *y);

/* ---- Deconvolution (transposed convolution) -------------------------------------------------- */

typedef struct {
    int32_t batch;
    int32_t in_c, in_h, in_w;
    int32_t out_c, out_h, out_w;  /* out = (in-1)*stride - 2*pad + dil*(k-1) + 1 + output_padding */
    int32_t kernel_h, kernel_w;
    int32_t stride_h, stride_w;
    int32_t pad_h, pad_w;
    int32_t dilation_h, dilation_w;
    int32_t group;
} nnc_deconv_params;

/* x [batch, in_c, in_h, in_w], w [in_c, out_c/group, kernel_h, kernel_w] (nnabla's layout),
 * b [out_c] or NULL, y [batch, out_c, out_h, out_w]. Computed as a gather: y[oc][oh][ow] sums
 * x[ic][ih][iw] * w[ic][oc % (out_c/group)][kh][kw] over every tap with
 * oh = ih*stride_h - pad_h + kh*dilation_h (same for w), input channel, kh, kw ascending, in blocks
 * of NNC_F32_SUM_CHANNELS(kernel_h * kernel_w) input channels; bias last.
 * output_padding is implied by out_h / out_w. */
void nnc_deconv_f32(const nnc_deconv_params *p, const float *x, const float *w, const float *b,
                    float *y);

/* ---- Pooling --------------------------------------------------------------------------------- */

typedef struct {
    int32_t outer;              /* product of the axes before the two pooled ones (N*C) */
    int32_t in_h, in_w;
    int32_t out_h, out_w;       /* nnabla: ignore_border ? (in + 2*pad - k)/stride + 1
                                 *                       : (in + pad - 1)/stride + 1 */
    int32_t kernel_h, kernel_w;
    int32_t stride_h, stride_w;
    int32_t pad_h, pad_w;
    int32_t including_pad;      /* average pooling only (1/0), see nnc_avgpool_f32 */
} nnc_pool_params;

/* Every pooling kernel uses the window [o*stride - pad, o*stride - pad + kernel) clipped to the
 * padded input [-pad, in + pad) and visits its real elements row by row. ignore_border is implied
 * by out_h / out_w (with ignore_border = false the last windows are clipped). */

/* Max of the real elements of each window: padding never wins (an all-padding window gives -inf). */
void nnc_maxpool_f32(const nnc_pool_params *p, const float *x, float *y);

/* Sum of the real elements of each window divided by, when including_pad, the number of positions
 * of the window clipped to the padded input, otherwise the number of real elements. */
void nnc_avgpool_f32(const nnc_pool_params *p, const float *x, float *y);

/* Sum of the real elements of each window. */
void nnc_sumpool_f32(const nnc_pool_params *p, const float *x, float *y);

typedef struct {
    int32_t outer;  /* N*C */
    int32_t size;   /* product of the spatial axes */
} nnc_global_pool_params;

/* GlobalAveragePooling: y[r] = (sum of x[r][0 ..< size] in order) / size. x [outer, size],
 * y [outer] (i.e. [N, C, 1, 1]). */
void nnc_global_avgpool_f32(const nnc_global_pool_params *p, const float *x, float *y);

/* ---- BatchNormalization (inference) ---------------------------------------------------------- */

typedef struct {
    int32_t outer;     /* product of the axes before the channel axis */
    int32_t channels;
    int32_t inner;     /* product of the axes after the channel axis */
    float eps;
} nnc_batchnorm_params;

/* y = (x - mean[c]) / sqrtf(variance[c] + eps) * gamma[c] + beta[c], in exactly that order, with
 * sqrtf computed once per channel. x, y [outer, channels, inner]; each statistic has `channels`
 * values (nnabla's input order: x, beta, gamma, mean, variance). In place (y == x) is allowed. */
void nnc_batchnorm_f32(const nnc_batchnorm_params *p, const float *x, const float *beta,
                       const float *gamma, const float *mean, const float *variance, float *y);

#ifdef __cplusplus
}
#endif

#endif /* NNC_SPATIAL_H */
