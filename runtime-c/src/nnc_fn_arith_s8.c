/*
 * nnc_fn_arith_s8.c — int8 Minimum2 / Maximum2 (see nnc_functions.h); mirrors
 * Sources/NNFunctions/Support/SelectInt8Kernel.swift.
 */
#include "nnc_functions.h"
#include "nnc_int8.h"

/* x's code in y's quantization. */
static int8_t select2_rescale(int8_t x, int32_t offset, int32_t multiplier, int32_t shift, int32_t output_offset)
{
    return nnc_output_s8(nnc_requantize((int32_t)x + offset, multiplier, shift), output_offset, -128, 127);
}

static int8_t select_min(const nnc_select2_s8_params *q, int8_t va, int8_t vb)
{
    const int8_t ra = select2_rescale(va, q->a_offset, q->a_multiplier, q->a_shift, q->output_offset);
    const int8_t rb = select2_rescale(vb, q->b_offset, q->b_multiplier, q->b_shift, q->output_offset);
    return (ra < rb) ? ra : rb;
}

static int8_t select_max(const nnc_select2_s8_params *q, int8_t va, int8_t vb)
{
    const int8_t ra = select2_rescale(va, q->a_offset, q->a_multiplier, q->a_shift, q->output_offset);
    const int8_t rb = select2_rescale(vb, q->b_offset, q->b_multiplier, q->b_shift, q->output_offset);
    return (ra > rb) ? ra : rb;
}

void nnc_minimum2_s8(const nnc_binary_params *p, const nnc_select2_s8_params *q, const int8_t *a, const int8_t *b,
                     int8_t *y)
NNC_BROADCAST_WALK(int8_t, select_min(q, va, vb))

void nnc_maximum2_s8(const nnc_binary_params *p, const nnc_select2_s8_params *q, const int8_t *a, const int8_t *b,
                     int8_t *y)
NNC_BROADCAST_WALK(int8_t, select_max(q, va, vb))
