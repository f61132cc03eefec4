/*
 * nnc_int8.h — int8 reference kernels and the one requantization rule they share.
 *
 * The numbers (TFLite / CMSIS-NN compatible, so users can reason about them):
 *
 *   real = scale * (q - zero_point)
 *     activations   int8, asymmetric: one (scale, zero_point) per tensor
 *     weights       int8, symmetric (zero_point 0), one scale per output channel, in [-127, 127]
 *     bias          int32, scale s_in * s_w[c], zero_point 0
 *     accumulators  int32; the caller (the code generator) keeps them from overflowing, as TFLite
 *   Kernels take offsets, not zero points: input_offset = -(input zero point),
 *   output_offset = +(output zero point). act_min / act_max are the fused activation (ReLU,
 *   ReLU6 or none) as an int8-domain clamp.
 *
 * Requantization of an int32 `acc` by (multiplier, shift), real multiplier ~ multiplier *
 * 2^(shift - 31); multiplier may be negative (Sub2), shift is in [-31, 31] (positive = left):
 *
 *   left  = max(shift, 0), right = max(-shift, 0)
 *   r     = RDBP(SRDHM(sat32(acc * 2^left), multiplier), right)
 *   SRDHM(a, b) = INT32_MAX                                     if a == b == INT32_MIN
 *               = (a*b + (a*b >= 0 ? 2^30 : 1 - 2^30)) / 2^31   in 64 bits, '/' truncating
 *   RDBP(x, e)  = (x >> e) + ((x & mask) > (mask >> 1) + (x < 0)),  mask = 2^e - 1
 *   y     = clamp(r + output_offset, act_min, act_max)          (formed without overflow)
 *
 *   step              rounds                                 example
 *   SRDHM             to nearest, ties toward +infinity      -1.5 -> -1, 2.5 -> 3
 *   RDBP              to nearest, ties away from zero        -2.5 -> -3, 2.5 -> 3
 *   sat32(acc*2^left) saturates to [INT32_MIN, INT32_MAX]    (TFLite leaves the overflow undefined)
 *
 * SRDHM and RDBP are gemmlowp's SaturatingRoundingDoublingHighMul and RoundingDivideByPOT, which
 * TFLite's MultiplyByQuantizedMultiplier composes the same way. The Swift twins are NNIR's
 * FixedPoint / QuantizedMultiplier / QuantParams and NNInterpreter's Int8Kernels; they produce
 * the same bytes for every input (Tests/NNCRuntimeTests/Int8CKernelTests.swift).
 *
 * Float <-> int8 (nnc_quantize_s8, nnc_dequantize_s8, softmax):
 *   quantize(x)   = clamp(roundf(x / scale) + (float)zero_point, -128, 127), computed in float
 *                   (one division, roundf = half away from zero); NaN gives zero_point
 *   dequantize(q) = scale * (float)((int32_t)q - zero_point)
 *
 * Portability: C99, no malloc, no stdio. Nothing depends on the width of `int` (8-bit AVR has a
 * 16-bit int): operands are widened to int32_t / int64_t before they are multiplied, constants
 * are written INT32_C / INT64_C, and no negative value is shifted left. `>>` of a negative value
 * is implementation-defined in C99; it is an arithmetic shift on every compiler we support (gcc,
 * clang, arm-none-eabi-gcc, avr-gcc, IAR, armcc) and the kernels rely on that.
 *
 * Files: the helpers below are `static inline`, so every nnc_*_s8.c needs only this header (no
 * shared .c file). Each kernel family is one source file, named after each prototype below.
 * Tensors are dense, row-major, channel-first (NCHW) like the float kernels; geometry comes from
 * the float parameter structs (nnc_spatial.h, nnc_pointwise.h) and has the same meaning.
 */
#ifndef NNC_INT8_H
#define NNC_INT8_H

#include <math.h>

#include "nnc_types.h"
#include "nnc_spatial.h"
#include "nnc_pointwise.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- The requantization rule (see the table above) ------------------------------------------ */

/* gemmlowp SaturatingRoundingDoublingHighMul: round(a * b / 2^31), ties toward +infinity.
 * (ab + nudge) / 2^31 truncated, as the table writes it, equals floor((ab + 2^30) / 2^31) for
 * every ab (for ab < 0 the truncation adds 2^31 - 1 and the nudge 1 - 2^30), which is one
 * arithmetic shift: SMULL, ADDS/ADC, two shifts on the M4 instead of a 64-bit division. */
static inline int32_t nnc_sat_rounding_doubling_high_mul(int32_t a, int32_t b)
{
    if (a == INT32_MIN && b == INT32_MIN) {
        return INT32_MAX;
    }
    return (int32_t)(((int64_t)a * (int64_t)b + (INT64_C(1) << 30)) >> 31);
}

/* gemmlowp RoundingDivideByPOT: round(x / 2^exponent), ties away from zero; exponent in [0, 31].
 * The mask is applied to the two's complement bits through uint32_t (int32_t is two's complement
 * by definition in C99). */
static inline int32_t nnc_rounding_divide_by_pot(int32_t x, int32_t exponent)
{
    const int32_t mask = (int32_t)((INT64_C(1) << exponent) - 1);
    const int32_t remainder = (int32_t)((uint32_t)x & (uint32_t)mask);
    const int32_t threshold = (mask >> 1) + ((x < 0) ? 1 : 0);
    return (x >> exponent) + ((remainder > threshold) ? 1 : 0);
}

/* acc * 2^left saturated to int32 (left in [0, 31]). */
static inline int32_t nnc_saturating_mul_pot(int32_t acc, int32_t left)
{
    int64_t v;
    if (left == 0) {
        return acc;
    }
    v = (int64_t)acc * (INT64_C(1) << left);
    if (v > INT32_MAX) {
        return INT32_MAX;
    }
    if (v < INT32_MIN) {
        return INT32_MIN;
    }
    return (int32_t)v;
}

/* The requantization of the table above: acc * multiplier * 2^(shift - 31), rounded. */
static inline int32_t nnc_requantize(int32_t acc, int32_t multiplier, int32_t shift)
{
    const int32_t left = (shift > 0) ? shift : 0;
    const int32_t right = (shift > 0) ? 0 : -shift;
    return nnc_rounding_divide_by_pot(
        nnc_sat_rounding_doubling_high_mul(nnc_saturating_mul_pot(acc, left), multiplier), right);
}

/* clamp(v + offset, lo, hi) as int8 with -128 <= lo <= hi <= 127 and |offset| <= 128, compared
 * before the addition so that a saturated v cannot overflow. */
static inline int8_t nnc_output_s8(int32_t v, int32_t offset, int32_t lo, int32_t hi)
{
    if (v < lo - offset) {
        return (int8_t)lo;
    }
    if (v > hi - offset) {
        return (int8_t)hi;
    }
    return (int8_t)(v + offset);
}

/* quantize(x) of the table above. */
static inline int8_t nnc_quantize_one_s8(float x, float scale, int32_t zero_point)
{
    const float q = x / scale;
    const float r = roundf(q);
    const float v = r + (float)zero_point;
    if (v != v) { /* NaN */
        return (int8_t)zero_point;
    }
    if (v < -128.0f) {
        return INT8_MIN;
    }
    if (v > 127.0f) {
        return INT8_MAX;
    }
    return (int8_t)v;
}

/* dequantize(q) of the table above. */
static inline float nnc_dequantize_one_s8(int8_t q, float scale, int32_t zero_point)
{
    return scale * (float)((int32_t)q - zero_point);
}

/* ---- Convolution (nnc_conv_s8.c) ------------------------------------------------------------ */

typedef struct {
    int32_t batch;                    /* geometry: exactly the fields of nnc_conv_params */
    int32_t in_c, in_h, in_w;
    int32_t out_c, out_h, out_w;
    int32_t kernel_h, kernel_w;
    int32_t stride_h, stride_w;
    int32_t pad_h, pad_w;
    int32_t dilation_h, dilation_w;
    int32_t group;
    int32_t input_offset;             /* -(input zero point) */
    int32_t output_offset;            /* output zero point */
    int32_t act_min, act_max;         /* fused activation, int8 domain */
} nnc_conv_s8_params;

/* Grouped convolution with nnc_conv_f32's geometry. x [batch, in_c, in_h, in_w], w [out_c,
 * in_c/group, kernel_h, kernel_w] (symmetric per output channel), bias [out_c] or NULL,
 * out_multiplier / out_shift [out_c], y [batch, out_c, out_h, out_w]. Per output element:
 *   acc = bias[oc] + sum over the taps inside the input of (x + input_offset) * w
 * (taps in the padding contribute nothing: the padding is the real value 0), then
 *   y = clamp(requantize(acc, out_multiplier[oc], out_shift[oc]) + output_offset, act_min, act_max).
 * Depthwise: group = in_c, out_c = in_c * multiplier; output channel oc reads input channel
 * oc / multiplier. */
void nnc_conv_s8(const nnc_conv_s8_params *p, const int8_t *x, const int8_t *w,
                 const int32_t *bias, const int32_t *out_multiplier, const int32_t *out_shift,
                 int8_t *y);

/* ---- Affine (nnc_affine_s8.c) --------------------------------------------------------------- */

typedef struct {
    int32_t outer;          /* rows */
    int32_t in_features;
    int32_t out_features;
    int32_t input_offset;   /* -(input zero point) */
    int32_t output_offset;  /* output zero point */
    int32_t act_min, act_max;
} nnc_affine_s8_params;

/* x [outer, in_features], w [out_features][in_features] (output-major: the code generator
 * transposes nnabla's [in, out] at compile time so each row is contiguous), bias [out_features]
 * or NULL, out_multiplier / out_shift [out_features], y [outer, out_features]:
 *   acc = bias[o] + sum_i (x[r][i] + input_offset) * w[o][i]
 *   y[r][o] = clamp(requantize(acc, out_multiplier[o], out_shift[o]) + output_offset,
 *                   act_min, act_max) */
void nnc_affine_s8(const nnc_affine_s8_params *p, const int8_t *x, const int8_t *w,
                   const int32_t *bias, const int32_t *out_multiplier, const int32_t *out_shift,
                   int8_t *y);

/* ---- Pooling (nnc_pool_s8.c) ---------------------------------------------------------------- */

/* Max of the real elements of each window (windows exactly as nnc_maxpool_f32: padding never
 * wins; a window with no real element gives -128). y has x's quantization. */
void nnc_maxpool_s8(const nnc_pool_params *p, const int8_t *x, int8_t *y);

typedef struct {
    nnc_pool_params geometry;
    int32_t input_offset;   /* -(input zero point) */
    int32_t output_offset;  /* output zero point */
    int32_t multiplier, shift;
    int32_t act_min, act_max;
} nnc_pool_s8_params;

/* acc = sum over the real elements of each window of (x + input_offset). Average pooling divides
 * acc by nnc_avgpool_f32's divisor (geometry.including_pad ? positions of the window clipped to
 * the padded input : real elements; a divisor of 0 gives acc = 0), rounding half away from zero;
 * sum pooling keeps acc. Then
 *   y = clamp(requantize(acc, multiplier, shift) + output_offset, act_min, act_max).
 * The average is rounded in the input's units before it is requantized, so it is within one
 * output step of the float result when the output scale is at least the input scale (TFLite
 * keeps them equal). */
void nnc_avgpool_s8(const nnc_pool_s8_params *p, const int8_t *x, int8_t *y);
void nnc_sumpool_s8(const nnc_pool_s8_params *p, const int8_t *x, int8_t *y);

typedef struct {
    int32_t outer;          /* N*C */
    int32_t size;           /* product of the spatial axes */
    int32_t input_offset;
    int32_t output_offset;
    int32_t multiplier, shift;
} nnc_global_pool_s8_params;

/* GlobalAveragePooling: acc = sum_i (x[r][i] + input_offset) divided by size (half away from
 * zero), y[r] = clamp(requantize(acc, multiplier, shift) + output_offset, -128, 127). */
void nnc_global_avgpool_s8(const nnc_global_pool_s8_params *p, const int8_t *x, int8_t *y);

/* ---- Optimized convolution and affine (nnc_conv_s8_opt.c, SMLAD through nnc_dsp.h) ---------- */

/* The same bytes as the reference kernels above, from constants the code generator lays out at
 * compile time (K = (in_c / group) * kernel_h * kernel_w, or in_features; k_padded = K rounded
 * up to even):
 *   w      int8, per group its out_c / group channels in blocks of four, then at most one block
 *          of two, then at most one channel. Channel c starts at c * k_padded; inside a block
 *          the rows are interleaved by k pairs, [k / 2][channel in block][k % 2], except that in
 *          each two channels (a, b) the bytes go a.k0, b.k0, a.k1, b.k1, so SXTB16 and SXTB16
 *          ROR 8 of one word give (a.k0, a.k1) and (b.k0, b.k1), SMLAD's operand pairs. A row is
 *          [ic][kh][kw] (affine: [in]), zero from K to k_padded.
 *   bias   int32, never NULL, with the input offset folded in:
 *          bias'[c] = bias[c] + input_offset * sum_k w[c][k]. Activations are then only sign
 *          extended, and a tap in the padding reads the input zero point, which adds exactly
 *          nothing, as in the reference (the sums agree modulo 2^32, so the bytes agree).
 *   scratch  int16, 4-byte aligned, in the arena; see the sizes below.
 * Optional fused max pooling (pool_h * pool_w > 1, stride = window, no padding, windows inside
 * the convolution's output): each output is requantize(max of the window's accumulators), which
 * equals nnc_maxpool_s8 of nnc_conv_s8's output because requantization and the clamp are monotone
 * non-decreasing for out_multiplier >= 0 (the code generator fuses only then).
 * Little-endian targets (every Cortex-M, x86 and arm64 host). */
typedef struct {
    nnc_conv_s8_params conv;  /* conv.out_h / out_w: the convolution's own output size */
    int32_t k_padded;
    int32_t pool_h, pool_w;   /* fused max pooling window; 1, 1 for none */
    int32_t out_h, out_w;     /* y's spatial size: conv.out_h / pool_h, conv.out_w / pool_w */
} nnc_conv_s8_opt_params;

/* scratch: C * k_padded int16, then 2 * (out_c / group) + k_padded int32, where C is 2 without
 * pooling and pool_h * pool_w rounded up to even with it. */
void nnc_conv_s8_opt(const nnc_conv_s8_opt_params *p, const int8_t *x, const int8_t *w,
                     const int32_t *bias, const int32_t *out_multiplier, const int32_t *out_shift,
                     int16_t *scratch, int8_t *y);

typedef struct {
    nnc_affine_s8_params affine;
    int32_t k_padded;
} nnc_affine_s8_opt_params;

/* w: the layout above (groups 1), except that in the blocks of four the even bytes (channels 0
 * and 2 of each block) are stored XOR 0x80 (the unsigned byte w + 128): SMLAD takes those words
 * without SXTB16 (see nnc_affine_blocks4_raw). Blocks of two and the single channel unchanged.
 * scratch: k_padded int16 (one row of x, widened). */
void nnc_affine_s8_opt(const nnc_affine_s8_opt_params *p, const int8_t *x, const int8_t *w,
                       const int32_t *bias, const int32_t *out_multiplier,
                       const int32_t *out_shift, int16_t *scratch, int8_t *y);

/* ---- Optimized depthwise convolution (nnc_dwconv_s8.c, no im2col) ---------------------------- */

/* The same bytes as nnc_conv_s8 for a depthwise convolution (group == in_c, out_c == in_c *
 * multiplier; output channel oc reads input channel oc / multiplier), any kernel, stride,
 * dilation and padding; 3x3 with stride 1 or 2 take SMLAD fast paths.
 *   w        int8 [out_c][kernel_h][kernel_w], as nnc_conv_s8's
 *   bias     int32, never NULL, with the input offset folded in as for nnc_conv_s8_opt:
 *            bias'[c] = bias[c] + input_offset * sum_k w[c][k] (wrapping)
 *   scratch  (pad_h + in_h + bottom) * (pad_w + in_w + right) + 4 bytes when the convolution
 *            pads (one input plane inside a border of the input zero point, so padding taps add
 *            nothing and no tap needs a bounds check, and slack for a word read past the last
 *            tap); unused (may be NULL) without padding. The padding after the input, bottom
 *            (right), is pad_h (pad_w) or more where out_h (out_w) implies it: a folded
 *            asymmetric Pad, as (0, 1) before a stride-2 convolution, costs nothing extra.
 * 3x3 channels whose accumulators provably stay below 2^29 (|bias'| < 2^28), with a multiplier
 * >= 0 and a shift in [-23, -1], requantize with SMMLAR, one shift and SSAT (bit-identical, see
 * the source); the others through nnc_requantize. Reads no byte of x outside its planes. */
void nnc_dwconv_s8(const nnc_conv_s8_params *p, const int8_t *x, const int8_t *w, const int32_t *bias,
                   const int32_t *out_multiplier, const int32_t *out_shift, int8_t *scratch, int8_t *y);

/* ---- Add2 / Sub2 / Mul2 with broadcasting (nnc_arith_s8.c) ---------------------------------- */

typedef struct {
    int32_t rank;                     /* as nnc_binary_params */
    int32_t shape[NNC_MAX_DIMS];
    int32_t a_strides[NNC_MAX_DIMS];  /* 0 where a is broadcast */
    int32_t b_strides[NNC_MAX_DIMS];
    int32_t a_offset, b_offset;       /* -(zero points) */
    int32_t left_shift;               /* 20 for int8 (TFLite), at most 22 */
    int32_t a_multiplier, a_shift;    /* s_a / (2 * max(s_a, s_b)) */
    int32_t b_multiplier, b_shift;    /* s_b / (2 * max(s_a, s_b)); negated for Sub2 */
    int32_t out_multiplier, out_shift;/* 2 * max(s_a, s_b) / (2^left_shift * s_y) */
    int32_t output_offset;
    int32_t act_min, act_max;
    int32_t subtract;                 /* 1: a' - b' (TFLite's Sub, b_multiplier > 0); 0: a' + b' */
} nnc_add_s8_params;

/* TFLite's int8 Add, walking the output like nnc_add2_f32:
 *   a' = requantize((qa + a_offset) * 2^left_shift, a_multiplier, a_shift), b' likewise,
 *   y  = clamp(requantize(a' + b', out_multiplier, out_shift) + output_offset, act_min, act_max).
 * Sub2 is this kernel with b_multiplier negated, or (subtract = 1, int8 .tflite files) TFLite's
 * Sub: y from a' - b' with b_multiplier positive. In place as nnc_add2_f32. */
void nnc_add_s8(const nnc_add_s8_params *p, const int8_t *a, const int8_t *b, int8_t *y);

typedef struct {
    int32_t rank;
    int32_t shape[NNC_MAX_DIMS];
    int32_t a_strides[NNC_MAX_DIMS];
    int32_t b_strides[NNC_MAX_DIMS];
    int32_t a_offset, b_offset;
    int32_t out_multiplier, out_shift; /* s_a * s_b / s_y */
    int32_t output_offset;
    int32_t act_min, act_max;
} nnc_mul_s8_params;

/* y = clamp(requantize((qa + a_offset) * (qb + b_offset), out_multiplier, out_shift)
 *           + output_offset, act_min, act_max). In place as nnc_mul2_f32. */
void nnc_mul_s8(const nnc_mul_s8_params *p, const int8_t *a, const int8_t *b, int8_t *y);

/* The same bytes as nnc_add_s8 / nnc_mul_s8 for every input, faster (nnc_arith_s8_opt.c): rows
 * that both operands walk densely or broadcast, and the requantizations in a cheap exact form
 * where the parameters allow it (every shift <= 0, left_shift <= 20, |offsets| <= 128: all the
 * quantizer emits); anything else is handed to the reference kernel. In place as those. */
void nnc_add_s8_opt(const nnc_add_s8_params *p, const int8_t *a, const int8_t *b, int8_t *y);
void nnc_mul_s8_opt(const nnc_mul_s8_params *p, const int8_t *a, const int8_t *b, int8_t *y);

/* ---- Element-wise (nnc_activation_s8.c; in place: y == x allowed) --------------------------- */

/* y[i] = table[x[i] + 128]. The 256-entry table is built at compile time as
 * table[i] = quantize_out(f(dequantize_in(i - 128))): Sigmoid, Tanh, ELU, Swish, LeakyReLU. */
void nnc_lut_s8(int32_t n, const int8_t *table, const int8_t *x, int8_t *y);

/* y[i] = min(max(x[i], lo), hi): a standalone ReLU / ReLU6 in the int8 domain. */
void nnc_clamp_s8(int32_t n, int8_t lo, int8_t hi, const int8_t *x, int8_t *y);

/* ---- Concatenate (nnc_concat_s8.c) ---------------------------------------------------------- */

typedef struct {
    int32_t input_offset;   /* -(input zero point) */
    int32_t output_offset;  /* output zero point */
    int32_t multiplier, shift;
} nnc_rescale_s8_params;

/* One input of a Concatenate, placed like nnc_concatenate_f32. r == NULL copies the bytes (same
 * quantization); otherwise each element is rescaled to y's quantization:
 *   y = clamp(requantize(x + input_offset, multiplier, shift) + output_offset, -128, 127). */
void nnc_concatenate_s8(const nnc_concatenate_params *p, const nnc_rescale_s8_params *r,
                        const int8_t *x, int8_t *y);

/* ---- Float <-> int8 (nnc_quantize_s8.c) ----------------------------------------------------- */

/* y[i] = quantize(x[i]) and y[i] = dequantize(x[i]) exactly as in the table at the top. */
void nnc_quantize_s8(int32_t n, float scale, int32_t zero_point, const float *x, int8_t *y);
void nnc_dequantize_s8(int32_t n, float scale, int32_t zero_point, const int8_t *x, float *y);

/* ---- Data movement (nnc_transpose_s8.c, nnc_slice_s8.c, nnc_pad_s8.c) ----------------------- */

/* The float kernels' index rules on bytes; y has x's quantization. */
void nnc_transpose_s8(const nnc_transpose_params *p, const int8_t *x, int8_t *y);
void nnc_slice_s8(const nnc_slice_params *p, const int8_t *x, int8_t *y);

/* nnc_pad_f32's rules; constant mode writes pad_value (quantize(constant_value)) and ignores
 * p->constant_value. */
void nnc_pad_s8(const nnc_pad_params *p, int8_t pad_value, const int8_t *x, int8_t *y);

/* ---- Softmax (nnc_softmax_s8.c) ------------------------------------------------------------- */

/* Softmax on the FPU: each value is dequantized, the float softmax runs exactly as
 * nnc_softmax_f32 (same comparisons, expf, summation order, division), and each result is
 * quantized with (out_scale, out_zero_point). In place (y == x) is allowed. */
void nnc_softmax_s8(const nnc_softmax_params *p, float in_scale, int32_t in_zero_point,
                    float out_scale, int32_t out_zero_point, const int8_t *x, int8_t *y);

/* ---- TFLite's integer softmax (nnc_softmax_tfl_s8.c) ------------------------------------------ */

/* TFLite Micro's int8 softmax, bit for bit (imported int8 .tflite models). exp_table[d] (256
 * entries, Q0.31) is exp(-d * beta * in_scale) for a code difference d = max - x, computed at
 * compile time with gemmlowp's exp_on_negative_values (0 where TFLite skips d). Per row: sum =
 * sum of RDBP(exp_table[d], 12) (Q12.19, axis_size <= 511), its reciprocal as TFLite's
 * GetReciprocal, y = clamp(RDBP(SRDHM(reciprocal, exp_table[d]), bits_over_unit + 23) - 128).
 * The output is (1/256, -128). No float. In place (y == x) is allowed. Mirrors
 * Int8Kernels.softmaxTFLite in Swift. */
void nnc_softmax_tfl_s8(const nnc_softmax_params *p, const int32_t *exp_table, const int8_t *x, int8_t *y);

#ifdef __cplusplus
}
#endif

#endif /* NNC_INT8_H */
